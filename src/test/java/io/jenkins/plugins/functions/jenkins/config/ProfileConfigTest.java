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
 * when the configuration is saved), converted to the engine's {@link Profile}, and kept as the
 * text it was given, so configuration-as-code and build.xml round-trip it.
 */
class ProfileConfigTest {

    static ProfileConfig gpuSmall() {
        ProfileConfig p = new ProfileConfig("gpu-small");
        p.setNodeSelector("pool=gpu,\nzone = eu-1a");
        p.setTolerations("- {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}\n"
                + "- {key: spot, operator: Equal, value: 'true', effect: NoExecute, tolerationSeconds: 60}");
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
    void aBadValueIsRefusedWhenItIsSetNamingTheFieldAndTheValue() {
        refused(p -> new ProfileConfig("GPU small"), "'name'", "GPU small");
        refused(p -> p.setNodeSelector("pool"), "'nodeSelector'", "key=value pairs");
        refused(p -> p.setNodeSelector("pool=gpu nodes"), "nodeSelector.pool", "label value");
        refused(p -> p.setTolerations("- {key: a, operator: Maybe}"), "tolerations[0].operator", "Equal or Exists");
        refused(p -> p.setTolerations("[unclosed"), "'tolerations'", "YAML list");
        refused(p -> p.setTolerations("- {key: a, effect: NoSchedule, tolerationSeconds: 5}"),
                "tolerations[0].tolerationSeconds", "only with effect NoExecute");
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

        assertThat(c.profileMap()).containsOnlyKeys("gpu-small", "cpu-batch");
        assertThat(c.profileMap().get("gpu-small").gpuResourceName()).isEqualTo("nvidia.com/gpu");
        assertThatThrownBy(() -> c.setProfiles(List.of(new ProfileConfig("a"), new ProfileConfig("a"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'profiles'")
                .hasMessageContaining("unique names");
        assertThat(read(type, x).getProfiles()).as("an older configuration has none").isEmpty();
    }

    private static FunctionRuntimesConfiguration read(String type, XStream x) {
        return (FunctionRuntimesConfiguration) x.fromXML("<" + type + "/>");
    }
}
