package io.jenkins.plugins.functions.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.runtime.impl.ContainerRuntime;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The pods' security settings: one class, applied by every runtime. */
class PodSecurityTest {

    private static PodSpecBuilder pod() {
        return new PodSpecBuilder().withRestartPolicy("Never")
                .addNewInitContainer().withName("setup").withImage("busybox:1.36").endInitContainer()
                .addNewContainer().withName("function").withImage("busybox:1.36").endContainer();
    }

    private static void assertLockedDown(Container c) {
        assertThat(c.getSecurityContext().getPrivileged()).as(c.getName()).isFalse();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(c.getName()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).as(c.getName()).containsExactly("ALL");
        assertThat(c.getSecurityContext().getCapabilities().getAdd()).as(c.getName()).isNullOrEmpty();
    }

    @Test
    void defaultsLockDownEveryContainerAndFilterSystemCalls() throws SpecException {
        PodSpec pod = PodSecurity.apply(pod().build(), PodSecurity.Policy.defaults());

        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).as("not enforced by default: root images work")
                .isNull();
        pod.getContainers().forEach(PodSecurityTest::assertLockedDown);
        pod.getInitContainers().forEach(PodSecurityTest::assertLockedDown);
        assertThat(pod.getHostNetwork()).isNull();
        assertThat(pod.getHostPID()).isNull();
        assertThat(pod.getHostIPC()).isNull();
    }

    @Test
    void enforceNonRootSetsRunAsNonRoot() throws SpecException {
        PodSpec pod = PodSecurity.apply(pod().build(), new PodSecurity.Policy(true));
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    }

    @Test
    void aRuntimesOwnSafeSettingsAreKept() throws SpecException {
        PodSpec pod = pod().editFirstContainer().withSecurityContext(new SecurityContextBuilder()
                .withRunAsUser(1000L).withReadOnlyRootFilesystem(true).build()).endContainer()
                .withNewSecurityContext().withFsGroup(2000L).withNewSeccompProfile().withType("Localhost")
                .withLocalhostProfile("profiles/fn.json").endSeccompProfile().endSecurityContext().build();
        PodSecurity.apply(pod, new PodSecurity.Policy(true));
        Container c = pod.getContainers().get(0);
        assertThat(c.getSecurityContext().getRunAsUser()).isEqualTo(1000L);
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertLockedDown(c);
        assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(2000L);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("Localhost");
    }

    private static SpecException refusal(Consumer<PodSpecBuilder> change, boolean enforceNonRoot) {
        PodSpecBuilder b = pod();
        change.accept(b);
        return catchThrowableOfType(() -> PodSecurity.apply(b.build(), new PodSecurity.Policy(enforceNonRoot)),
                SpecException.class);
    }

    @Test
    void whatNoProfileAllowsYetIsRefusedNamingTheField() {
        record Case(String field, String value, String allowed, Consumer<PodSpecBuilder> change, boolean nonRoot) {}
        List<Case> cases = List.of(
                new Case("spec.hostNetwork", "true", "never uses the node's network", b -> b.withHostNetwork(true), false),
                new Case("spec.hostPID", "true", "process namespace", b -> b.withHostPID(true), false),
                new Case("spec.hostIPC", "true", "IPC namespace", b -> b.withHostIPC(true), false),
                new Case("spec.volumes[0].hostPath", "/var/run/docker.sock", "no hostPath volume",
                        b -> b.addNewVolume().withName("docker").withNewHostPath().withPath("/var/run/docker.sock")
                                .endHostPath().endVolume(), false),
                new Case("container 'function' securityContext.privileged", "true", "privileged",
                        b -> b.editFirstContainer().withNewSecurityContext().withPrivileged(true).endSecurityContext()
                                .endContainer(), false),
                new Case("container 'setup' securityContext.capabilities.add", "NET_ADMIN,SYS_ADMIN",
                        "adds no Linux capability",
                        b -> b.editFirstInitContainer().withNewSecurityContext().withNewCapabilities()
                                .withAdd("NET_ADMIN", "SYS_ADMIN").endCapabilities().endSecurityContext()
                                .endInitContainer(), false),
                new Case("container 'function' securityContext.allowPrivilegeEscalation", "true",
                        "more privileges than the container started with",
                        b -> b.editFirstContainer().withNewSecurityContext().withAllowPrivilegeEscalation(true)
                                .endSecurityContext().endContainer(), false),
                new Case("spec.securityContext.seccompProfile.type", "Unconfined", "RuntimeDefault or Localhost",
                        b -> b.withNewSecurityContext().withNewSeccompProfile().withType("Unconfined")
                                .endSeccompProfile().endSecurityContext(), false),
                new Case("spec.securityContext.runAsUser", "0", "enforces runAsNonRoot",
                        b -> b.withNewSecurityContext().withRunAsUser(0L).endSecurityContext(), true),
                new Case("container 'function' securityContext.runAsUser", "0", "enforces runAsNonRoot",
                        b -> b.editFirstContainer().withNewSecurityContext().withRunAsUser(0L).endSecurityContext()
                                .endContainer(), true),
                new Case("container 'function' securityContext.runAsNonRoot", "false", "enforces runAsNonRoot",
                        b -> b.editFirstContainer().withNewSecurityContext().withRunAsNonRoot(false)
                                .endSecurityContext().endContainer(), true));
        for (Case c : cases) {
            SpecException e = refusal(c.change(), c.nonRoot());
            assertThat(e).as(c.field()).isNotNull();
            assertThat(e.getField()).isEqualTo(c.field());
            assertThat(e.getValue()).isEqualTo(c.value());
            assertThat(e.getAllowed()).contains(c.allowed());
            assertThat(e.getMessage()).contains("field '" + c.field() + "'").contains("'" + c.value() + "'");
        }
        // root as such is allowed when not enforced
        assertThat(refusal(b -> b.withNewSecurityContext().withRunAsUser(0L).endSecurityContext(), false)).isNull();
    }

    @Test
    void theContainerRuntimeAppliesItToItsJob() throws SpecException {
        ContainerRuntime runtime = new ContainerRuntime();
        FunctionSpec spec = runtime.validate(FunctionSpec.of("hello", "container", Map.of("image", "busybox:1.36")));
        RunRequest.Builder request = RunRequest.builder(spec, ActionKind.JOB).runId("r1").namespace("ci");

        Job byDefault = (Job) runtime.plan(request.build()).workload();
        PodSpec pod = byDefault.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isNull();
        assertLockedDown(pod.getContainers().get(0));

        Job enforced = (Job) runtime.plan(request.podSecurity(new PodSecurity.Policy(true)).build()).workload();
        assertThat(enforced.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();

        String yaml = Serialization.asYaml(byDefault);
        assertThat(yaml).doesNotContain("hostNetwork").doesNotContain("hostPath").doesNotContain("privileged: true");
    }
}
