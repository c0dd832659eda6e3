package io.jenkins.plugins.functions.jenkins.config;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.util.FormValidation.Kind;
import org.junit.jupiter.api.Test;

/**
 * A profile's form, checked as it is typed by the engine's profile reader: each field says what
 * saving the configuration would, and a toleration's fields are checked together (a key unless
 * {@code Exists}, seconds only with {@code NoExecute}), each problem at its own field.
 */
class ProfileFormChecksTest {

    private final ProfileConfig.DescriptorImpl profile = new ProfileConfig.DescriptorImpl();
    private final NodeLabel.DescriptorImpl label = new NodeLabel.DescriptorImpl();
    private final TolerationConfig.DescriptorImpl toleration = new TolerationConfig.DescriptorImpl();

    @Test
    void eachFieldIsCheckedByTheProfileReader() {
        assertThat(profile.doCheckName("").getMessage()).startsWith("field 'name' is missing");
        assertThat(profile.doCheckName("GPU small").getMessage()).contains("DNS-1123 label");
        assertThat(profile.doCheckGpuResourceName("gpu").getMessage())
                .isEqualTo("field 'gpuResourceName': value 'gpu' is not allowed: must be an extended resource name"
                        + " such as nvidia.com/gpu or amd.com/gpu");
        assertThat(profile.doCheckGpuResourceName("nvidia.com/mig-1g.10gb").kind).isEqualTo(Kind.OK);
        assertThat(profile.doCheckPriorityClassName("Batch High").getMessage()).contains("'priorityClassName'");
        assertThat(profile.doCheckRuntimeClassName("nvidia").kind).isEqualTo(Kind.OK);
        assertThat(profile.doCheckServiceAccount("gpu_runner").getMessage()).contains("DNS-1123 subdomain");
        assertThat(profile.doCheckImagePullSecrets("registry-pull, Mirror_Pull").getMessage())
                .startsWith("field 'imagePullSecrets[1]': value 'Mirror_Pull'");
    }

    @Test
    void defaultAmountsAreQuantitiesAndALimitIsNotBelowItsRequest() {
        assertThat(profile.doCheckDefaultCpuRequest("500m").kind).isEqualTo(Kind.OK);
        assertThat(profile.doCheckDefaultCpuRequest("lots").getMessage())
                .startsWith("field 'defaultResources.requests.cpu': value 'lots' is not allowed: must be a Kubernetes"
                        + " quantity");
        assertThat(profile.doCheckDefaultMemoryLimit("0", null).getMessage()).contains("more than 0");
        assertThat(profile.doCheckDefaultMemoryLimit("1Gi", "2Gi").getMessage())
                .contains("field 'defaultResources.requests.memory': value '2Gi' is not allowed: must not be above"
                        + " resources.limits.memory (1Gi)");
        assertThat(profile.doCheckDefaultCpuLimit("2", "500m").kind).isEqualTo(Kind.OK);
        assertThat(profile.doCheckDefaultCpuLimit("2", "lots").kind).as("the request's own problem is said there")
                .isEqualTo(Kind.OK);
    }

    @Test
    void aNodeLabelIsALabelKeyAndValue() {
        assertThat(label.doCheckKey("nvidia.com/gpu.present").kind).isEqualTo(Kind.OK);
        assertThat(label.doCheckKey("gpu present").getMessage()).contains("must be a Kubernetes label key");
        assertThat(label.doCheckKey("").getMessage()).startsWith("field 'nodeSelector' is missing");
        assertThat(label.doCheckValue("true", "nvidia.com/gpu.present").kind).isEqualTo(Kind.OK);
        assertThat(label.doCheckValue("two words", "pool").getMessage())
                .startsWith("field 'nodeSelector.pool': value 'two words' is not allowed: must be a Kubernetes label"
                        + " value");
        assertThat(label.doCheckValue("gpu", "bad key").kind).as("the key's problem is said at the key")
                .isEqualTo(Kind.OK);
    }

    @Test
    void aTolerationsFieldsAreCheckedTogether() {
        assertThat(toleration.doCheckKey("", "Equal", null, null).getMessage())
                .isEqualTo("field 'tolerations[0].key' is missing: a taint key: only operator Exists may leave it out");
        assertThat(toleration.doCheckKey("", "Exists", null, null).kind).isEqualTo(Kind.OK);
        assertThat(toleration.doCheckKey("nvidia.com/gpu", "Exists", "NoSchedule", null).kind).isEqualTo(Kind.OK);
        assertThat(toleration.doCheckValue("yes", "spot", "Exists").getMessage())
                .contains("left out with operator Exists");
        assertThat(toleration.doCheckTolerationSeconds("60", "spot", "Equal", "NoSchedule").getMessage())
                .contains("only with effect NoExecute");
        assertThat(toleration.doCheckTolerationSeconds("60", "spot", "Equal", "NoExecute").kind).isEqualTo(Kind.OK);
        assertThat(toleration.doCheckTolerationSeconds("a minute", "spot", "Equal", "NoExecute").getMessage())
                .contains("whole number of seconds");
        assertThat(toleration.doFillOperatorItems()).extracting(o -> o.value).containsExactly("Equal", "Exists");
        assertThat(toleration.doFillEffectItems()).extracting(o -> o.value)
                .containsExactly("", "NoSchedule", "PreferNoSchedule", "NoExecute");
    }
}
