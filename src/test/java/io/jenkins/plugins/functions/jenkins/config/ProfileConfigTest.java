package io.jenkins.plugins.functions.jenkins.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.thoughtworks.xstream.XStream;
import io.jenkins.plugins.functions.model.Resources;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A profile of the global configuration: checked when each field is set (so a bad one is refused
 * when the configuration is saved), converted to the engine's {@link Profile}, with its node
 * selector and tolerations as structure for configuration-as-code and the form, and as text in
 * the XML (so the configurations of older versions load as they are).
 */
class ProfileConfigTest {

    static ProfileConfig gpuSmall() {
        ProfileConfig p = new ProfileConfig("gpu-small");
        p.setNodeSelector(List.of(new NodeLabel("pool", "gpu"), new NodeLabel(" zone ", " eu-1a")));
        p.setTolerations(List.of(toleration("nvidia.com/gpu", "Exists", null, "NoSchedule", null),
                toleration("spot", "Equal", "true", "NoExecute", "60")));
        p.setPriorityClassName("batch-high");
        p.setRuntimeClassName("nvidia");
        p.setDefaultCpuRequest("500m");
        p.setDefaultMemoryRequest("2Gi");
        p.setDefaultCpuLimit("2");
        p.setDefaultMemoryLimit("8Gi");
        p.setGpuResourceName("nvidia.com/gpu");
        p.setServiceAccount("gpu-runner");
        p.setImagePullSecrets("registry-pull, mirror-pull");
        return p;
    }

    static TolerationConfig toleration(String key, String operator, String value, String effect, String seconds) {
        TolerationConfig t = new TolerationConfig();
        t.setKey(key);
        t.setOperator(operator);
        t.setValue(value);
        t.setEffect(effect);
        t.setTolerationSeconds(seconds);
        return t;
    }

    @Test
    void everyFieldBecomesTheEnginesProfile() throws SpecException {
        Profile p = gpuSmall().toProfile();

        assertThat(p.name()).isEqualTo("gpu-small");
        assertThat(p.nodeSelector()).isEqualTo(Map.of("pool", "gpu", "zone", "eu-1a"));
        assertThat(p.tolerations()).containsExactly(
                new Profile.Toleration("nvidia.com/gpu", "Exists", null, "NoSchedule", null),
                new Profile.Toleration("spot", "Equal", "true", "NoExecute", 60L));
        assertThat(p.priorityClassName()).isEqualTo("batch-high");
        assertThat(p.runtimeClassName()).isEqualTo("nvidia");
        assertThat(p.defaultResources()).isEqualTo(new Resources(new Resources.Amounts("500m", "2Gi", null),
                new Resources.Amounts("2", "8Gi", null)));
        assertThat(p.gpuResourceName()).isEqualTo("nvidia.com/gpu");
        assertThat(p.serviceAccount()).isEqualTo("gpu-runner");
        assertThat(p.imagePullSecrets()).containsExactly("registry-pull", "mirror-pull");
    }

    @Test
    void itRoundTripsAsConfigurationAsCodeAndXmlDo() throws SpecException {
        ProfileConfig original = gpuSmall();
        // configuration-as-code: the getters' values through the constructor and the setters
        ProfileConfig again = new ProfileConfig(original.getName());
        again.setNodeSelector(original.getNodeSelector());
        again.setTolerations(original.getTolerations());
        again.setPriorityClassName(original.getPriorityClassName());
        again.setRuntimeClassName(original.getRuntimeClassName());
        again.setDefaultCpuRequest(original.getDefaultCpuRequest());
        again.setDefaultMemoryRequest(original.getDefaultMemoryRequest());
        again.setDefaultCpuLimit(original.getDefaultCpuLimit());
        again.setDefaultMemoryLimit(original.getDefaultMemoryLimit());
        again.setGpuResourceName(original.getGpuResourceName());
        again.setServiceAccount(original.getServiceAccount());
        again.setImagePullSecrets(original.getImagePullSecrets());
        assertThat(again.toProfile()).isEqualTo(original.toProfile());

        XStream x = new XStream();
        x.allowTypesByWildcard(new String[] {"io.jenkins.plugins.functions.**"});
        ProfileConfig read = (ProfileConfig) x.fromXML(x.toXML(original));
        assertThat(read.toProfile()).isEqualTo(original.toProfile());
    }

    @Test
    void theXmlOfAnOlderVersionLoadsAndShowsItsTextAsStructure() throws SpecException {
        XStream x = new XStream();
        x.allowTypesByWildcard(new String[] {"io.jenkins.plugins.functions.**"});
        String type = ProfileConfig.class.getName();
        ProfileConfig old = (ProfileConfig) x.fromXML("<" + type + "><name>gpu-small</name>"
                + "<nodeSelector>pool=gpu,\nzone = eu-1a</nodeSelector>"
                + "<tolerations>- {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}\n"
                + "- {key: spot, operator: Equal, value: &apos;true&apos;, effect: NoExecute, tolerationSeconds: 60}"
                + "</tolerations><gpuResourceName>nvidia.com/gpu</gpuResourceName></" + type + ">");

        assertThat(old.getNodeSelector()).containsExactly(new NodeLabel("pool", "gpu"), new NodeLabel("zone", "eu-1a"));
        assertThat(old.getTolerations()).containsExactly(toleration("nvidia.com/gpu", "Exists", null, "NoSchedule",
                null), toleration("spot", "Equal", "true", "NoExecute", "60"));
        assertThat(old.toProfile().nodeSelector()).isEqualTo(gpuSmall().toProfile().nodeSelector());
        assertThat(old.toProfile().tolerations()).isEqualTo(gpuSmall().toProfile().tolerations());
        assertThat(x.toXML(old)).as("written back as it was read").contains("<nodeSelector>pool=gpu,")
                .contains("<tolerations>- {key: nvidia.com/gpu");
    }

    @Test
    void theStructureIsWrittenAsTheTextOlderVersionsRead() {
        ProfileConfig p = gpuSmall();

        assertThat(p.nodeSelectorText()).isEqualTo("pool=gpu, zone=eu-1a");
        assertThat(p.tolerationsText()).isEqualTo("- {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}\n"
                + "- {key: spot, operator: Equal, value: 'true', effect: NoExecute, tolerationSeconds: 60}");
        p.setNodeSelector(List.of());
        p.setTolerations(null);
        assertThat(p.nodeSelectorText()).isNull();
        assertThat(p.tolerationsText()).isNull();
        assertThat(p.getNodeSelector()).isEmpty();
        assertThat(p.getTolerations()).isEmpty();
    }

    @Test
    void configurationAsCodeSeesEverySetterWithAGetterOfItsType() {
        for (Class<?> type : List.of(ProfileConfig.class, NodeLabel.class, TolerationConfig.class)) {
            for (java.lang.reflect.Method setter : type.getMethods()) {
                if (!setter.isAnnotationPresent(org.kohsuke.stapler.DataBoundSetter.class)) {
                    continue;
                }
                String property = setter.getName().substring(3);
                java.lang.reflect.Method getter;
                try {
                    getter = type.getMethod("get" + property);
                } catch (NoSuchMethodException e) {
                    throw new AssertionError(type.getSimpleName() + " has no getter for " + property, e);
                }
                assertThat(getter.getGenericReturnType()).as(type.getSimpleName() + "." + property)
                        .isEqualTo(setter.getGenericParameterTypes()[0]);
            }
        }
    }

    @Test
    void aBadValueIsRefusedWhenItIsSetNamingTheFieldAndTheValue() {
        refused(p -> new ProfileConfig("GPU small"), "'name'", "GPU small");
        refused(p -> p.setNodeSelectorText("pool"), "'nodeSelector'", "key=value pairs");
        refused(p -> p.setNodeSelectorText("pool=gpu nodes"), "nodeSelector.pool", "label value");
        refused(p -> p.setNodeSelector(List.of(new NodeLabel("pool", "gpu nodes"))), "nodeSelector.pool",
                "label value");
        refused(p -> p.setNodeSelector(List.of(new NodeLabel("Pool Name", "gpu"))), "Pool Name", "label key");
        refused(p -> p.setTolerationsText("- {key: a, operator: Maybe}"), "tolerations[0].operator",
                "Equal or Exists");
        refused(p -> p.setTolerations(List.of(toleration("a", "Maybe", null, null, null))),
                "tolerations[0].operator", "Equal or Exists");
        refused(p -> p.setTolerationsText("[unclosed"), "'tolerations'", "YAML list");
        refused(p -> p.setTolerations(List.of(toleration("a", null, null, "NoSchedule", "5"))),
                "tolerations[0].tolerationSeconds", "only with effect NoExecute");
        refused(p -> p.setTolerations(List.of(toleration("a", null, null, "NoExecute", "soon"))),
                "tolerations[0].tolerationSeconds", "whole number of seconds");
        refused(p -> p.setGpuResourceName("gpu"), "'gpuResourceName'", "extended resource name");
        refused(p -> p.setDefaultCpuRequest("lots"), "defaultResources.requests.cpu", "quantity");
        refused(p -> p.setDefaultMemoryLimit("0"), "defaultResources.limits.memory", "more than 0");
        refused(p -> p.setImagePullSecrets("Registry_Pull"), "imagePullSecrets[0]", "DNS-1123 subdomain");
        refused(p -> p.setServiceAccount("Gpu Runner"), "'serviceAccount'", "DNS-1123 subdomain");
    }

    private static void refused(Consumer<ProfileConfig> change, String field, String allowed) {
        ProfileConfig p = new ProfileConfig("gpu-small");
        assertThatThrownBy(() -> change.accept(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Function Runtimes").hasMessageContaining(field).hasMessageContaining(allowed);
    }

    @Test
    void theConfigurationRefusesTwoProfilesOfOneNameAndListsTheOthersByName() throws Exception {
        XStream x = new XStream();
        x.allowTypesByWildcard(new String[] {"io.jenkins.plugins.functions.**"});
        String type = FunctionRuntimesConfiguration.class.getName();
        FunctionRuntimesConfiguration c = (FunctionRuntimesConfiguration) x.fromXML("<" + type + "><profiles>"
                + x.toXML(gpuSmall()) + x.toXML(new ProfileConfig("cpu-batch")) + "</profiles></" + type + ">");

        assertThat(RunSettings.of(c).profileMap()).containsOnlyKeys("gpu-small", "cpu-batch");
        assertThat(RunSettings.of(c).profileMap().get("gpu-small").gpuResourceName()).isEqualTo("nvidia.com/gpu");
        assertThatThrownBy(() -> c.setProfiles(List.of(new ProfileConfig("a"), new ProfileConfig("a"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'profiles'")
                .hasMessageContaining("unique names");
        assertThat(read(type, x).getProfiles()).as("an older configuration has none").isEmpty();
    }

    private static FunctionRuntimesConfiguration read(String type, XStream x) {
        return (FunctionRuntimesConfiguration) x.fromXML("<" + type + "/>");
    }
}
