package io.jenkins.plugins.functions.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A pod's requests and limits, GPUs included, as the scheduler counts them. */
class PodResourcesTest {

    private static Job job(boolean sidecar, boolean init) {
        JobBuilder b = new JobBuilder().withNewMetadata().withName("j").endMetadata().withNewSpec().withNewTemplate()
                .withNewSpec().addToContainers(new ContainerBuilder().withName("function").withNewResources()
                        .withRequests(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("1Gi"),
                                "nvidia.com/gpu", new Quantity("1")))
                        .withLimits(Map.of("memory", new Quantity("2Gi"), "nvidia.com/gpu", new Quantity("1")))
                        .endResources().build())
                .endSpec().endTemplate().endSpec();
        Job job = b.build();
        if (sidecar) {
            job.getSpec().getTemplate().getSpec().getContainers().add(new ContainerBuilder().withName("side")
                    .withNewResources().withRequests(Map.of("cpu", new Quantity("250m"), "memory", new Quantity("512Mi")))
                    .endResources().build());
        }
        if (init) {
            job.getSpec().getTemplate().getSpec().getInitContainers().add(new ContainerBuilder().withName("fetch")
                    .withNewResources().withRequests(Map.of("cpu", new Quantity("2"))).endResources().build());
        }
        return job;
    }

    @Test
    void oneContainersFiguresAsWritten() {
        PodResources r = PodResources.of(job(false, false));
        assertThat(r.requests()).containsExactly(Map.entry("cpu", "500m"), Map.entry("memory", "1Gi"),
                Map.entry("nvidia.com/gpu", "1"));
        assertThat(r.limits()).containsExactly(Map.entry("memory", "2Gi"), Map.entry("nvidia.com/gpu", "1"));
    }

    @Test
    void containersAddUpAndALargerInitContainerCounts() {
        PodResources r = PodResources.of(job(true, true));
        assertThat(r.requests()).containsEntry("memory", "1.5Gi").containsEntry("cpu", "2");
        assertThat(PodResources.of(job(true, false)).requests()).containsEntry("cpu", "750m");
    }

    @Test
    void aCustomResourceHasNone() {
        assertThat(PodResources.of(new GenericKubernetesResourceBuilder().withKind("Model").build()).isEmpty()).isTrue();
    }
}
