package io.jenkins.plugins.functions.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The simulated KubeAI: its CRD in API discovery, and its controller's Model status. */
class ClusterSimulatorKubeAiTest {

    private static GenericKubernetesResource model(String name, int minReplicas) {
        return new GenericKubernetesResourceBuilder().withApiVersion("kubeai.org/v1").withKind("Model")
                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .addToAdditionalProperties("spec", Map.of("url", "hf://org/m", "engine", "VLLM",
                        "minReplicas", minReplicas))
                .build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> replicas(KubernetesClient client, String name) {
        GenericKubernetesResource m = client.genericKubernetesResources(KubeAiController.MODELS).inNamespace("default")
                .withName(name).get();
        Object status = m.getAdditionalProperties().get("status");
        return status instanceof Map<?, ?> s && s.get("replicas") instanceof Map<?, ?> r ? (Map<String, Object>) r
                : Map.of();
    }

    private static APIResourceList discovery(KubernetesClient client) {
        try {
            return client.getApiResources("kubeai.org/v1");
        } catch (KubernetesClientException e) {
            return null;
        }
    }

    @Test
    void withoutKubeAiDiscoveryHasNoModels() {
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            APIResourceList resources = discovery(sim.client());
            assertThat(resources == null || resources.getResources().isEmpty()).isTrue();
        }
    }

    @Test
    void kubeAiListsModelsAndReportsReadyReplicasAfterTheDelay() throws Exception {
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            sim.installKubeAi(KubeAiController.Behavior.readyAfter(Duration.ofMillis(100)));
            assertThat(discovery(sim.client()).getResources()).anySatisfy(r -> assertThat(r.getName())
                    .isEqualTo("models"));

            sim.client().genericKubernetesResources(KubeAiController.MODELS).inNamespace("default")
                    .resource(model("qwen", 2)).create();

            eventually(() -> Long.valueOf(2).equals(asLong(replicas(sim.client(), "qwen").get("ready"))));
            assertThat(asLong(replicas(sim.client(), "qwen").get("all"))).isEqualTo(2L);
            assertThat(sim.errors()).isEmpty();
        }
    }

    @Test
    void aModelThatNeverGetsReadyHasReplicasButNoneReady() throws Exception {
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            sim.installKubeAi(KubeAiController.Behavior.neverReady());
            sim.client().genericKubernetesResources(KubeAiController.MODELS).inNamespace("default")
                    .resource(model("broken", 1)).create();

            eventually(() -> Long.valueOf(1).equals(asLong(replicas(sim.client(), "broken").get("all"))));
            assertThat(asLong(replicas(sim.client(), "broken").get("ready"))).isZero();
            assertThat(sim.errors()).isEmpty();
        }
    }

    private static Long asLong(Object o) {
        return o instanceof Number n ? n.longValue() : null;
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            Thread.sleep(20);
        }
    }
}
