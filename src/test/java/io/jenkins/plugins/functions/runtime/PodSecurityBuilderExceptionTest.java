package io.jenkins.plugins.functions.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.jenkins.plugins.functions.spec.SpecException;
import org.junit.jupiter.api.Test;

/** The image builder's exception to the pod security defaults: on its container only, and no wider. */
class PodSecurityBuilderExceptionTest {

    private static PodSpec pod(SecurityContextBuilder builderContext) {
        return new PodSpecBuilder()
                .addToContainers(new ContainerBuilder().withName("sidecar").withImage("busybox").build())
                .addToContainers(new ContainerBuilder().withName("function").withImage("buildkit")
                        .withSecurityContext(builderContext == null ? null : builderContext.build()).build())
                .build();
    }

    @Test
    void onlyTheBuilderContainerIsUnconfinedAndItNeverRunsAsRoot() throws Exception {
        PodSpec pod = PodSecurity.applyWithBuilderException(pod(null), PodSecurity.Policy.defaults(), "function");

        assertThat(pod.getContainers()).extracting(c -> c.getName()).containsExactly("sidecar", "function");
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        var sidecar = pod.getContainers().get(0).getSecurityContext();
        assertThat(sidecar.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sidecar.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(sidecar.getSeccompProfile()).isNull();
        var builder = pod.getContainers().get(1).getSecurityContext();
        assertThat(builder.getSeccompProfile().getType()).isEqualTo("Unconfined");
        assertThat(builder.getRunAsNonRoot()).isTrue();
        assertThat(builder.getRunAsUser()).isEqualTo(1000L);
        assertThat(builder.getPrivileged()).isFalse();
        assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(1000L);
    }

    @Test
    void privilegedAddedCapabilitiesAndRootAreStillRefused() {
        assertThatThrownBy(() -> PodSecurity.applyWithBuilderException(
                pod(new SecurityContextBuilder().withPrivileged(true)), PodSecurity.Policy.defaults(), "function"))
                .isInstanceOfSatisfying(SpecException.class,
                        e -> assertThat(e.getField()).isEqualTo("container 'function' securityContext.privileged"));
        assertThatThrownBy(() -> PodSecurity.applyWithBuilderException(
                pod(new SecurityContextBuilder().withNewCapabilities().withAdd("SYS_ADMIN").endCapabilities()),
                PodSecurity.Policy.defaults(), "function"))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.getValue()).isEqualTo("SYS_ADMIN"));
        assertThatThrownBy(() -> PodSecurity.applyWithBuilderException(
                pod(new SecurityContextBuilder().withRunAsUser(0L)), PodSecurity.Policy.defaults(), "function"))
                .isInstanceOfSatisfying(SpecException.class,
                        e -> assertThat(e.getField()).endsWith("runAsUser"));
        PodSpec hostNetwork = pod(null);
        hostNetwork.setHostNetwork(true);
        assertThatThrownBy(() -> PodSecurity.applyWithBuilderException(hostNetwork, PodSecurity.Policy.defaults(),
                "function")).isInstanceOfSatisfying(SpecException.class,
                        e -> assertThat(e.getField()).isEqualTo("spec.hostNetwork"));
    }
}
