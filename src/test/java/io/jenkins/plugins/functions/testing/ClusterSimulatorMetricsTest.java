package io.jenkins.plugins.functions.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetricsList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The simulated metrics-server: {@code metrics.k8s.io} served (or not) as a cluster does. */
class ClusterSimulatorMetricsTest {

    private static void start(KubernetesClient k, String name, String image, Map<String, String> labels) {
        k.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName(name)
                .withLabels(labels).endMetadata().withNewSpec().withRestartPolicy("Never").addNewContainer()
                .withName("function").withImage(image).endContainer().endSpec().build()).create();
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void withoutMetricsServerTheApiIsNotFound() {
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            KubernetesClient k = sim.client();
            assertThat(k.getApiResources("metrics.k8s.io/v1beta1")).as("fabric8 answers a 404 discovery with null")
                    .isNull();
            assertThatThrownBy(() -> k.top().pods().metrics("default"))
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
        }
    }

    @Test
    void servesThePodMetricsOfRunningPodsWithTheirLabelsByLabelSelector() throws Exception {
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            sim.onImage("busy:1", PodBehavior.longRunning());
            MetricsServer server = sim.serveMetrics((labels, container, at) -> "a".equals(labels.get("app"))
                    ? new MetricsServer.Figures(250, 64L * 1024 * 1024) : new MetricsServer.Figures(10, 4096));
            KubernetesClient k = sim.client();
            start(k, "pod-a", "busy:1", Map.of("app", "a"));
            start(k, "pod-b", "busy:1", Map.of("app", "b"));
            eventually(() -> k.top().pods().metrics("default").getItems().size() == 2, "both pods run");

            assertThat(k.getApiResources("metrics.k8s.io/v1beta1").getResources())
                    .anySatisfy(r -> assertThat(r.getName()).isEqualTo("pods"));
            PodMetricsList onlyA = k.top().pods().inNamespace("default").withLabels(Map.of("app", "a")).metrics();
            assertThat(onlyA.getItems()).hasSize(1);
            PodMetrics a = onlyA.getItems().get(0);
            assertThat(a.getMetadata().getName()).isEqualTo("pod-a");
            assertThat(a.getMetadata().getLabels()).containsEntry("app", "a");
            assertThat(a.getTimestamp()).isNotBlank();
            Map<String, Quantity> usage = a.getContainers().get(0).getUsage();
            assertThat(usage.get("cpu").toString()).isEqualTo("250000000n");
            assertThat(Quantity.getAmountInBytes(usage.get("cpu"))).isEqualByComparingTo(new BigDecimal("0.25"));
            assertThat(Quantity.getAmountInBytes(usage.get("memory"))).isEqualByComparingTo(
                    BigDecimal.valueOf(64L * 1024 * 1024));
            assertThat(k.top().pods().metrics("default", "pod-b").getContainers().get(0).getUsage().get("memory")
                    .toString()).isEqualTo("4Ki");
            assertThat(server.lists()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void finishedPodsHaveNoMetricsAndTheServerCanGoAway() throws Exception {
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            sim.onImage("short:1", PodBehavior.succeed().runFor(Duration.ofMillis(50)));
            sim.serveMetrics(MetricsServer.constant(100, 1024));
            KubernetesClient k = sim.client();
            start(k, "done", "short:1", Map.of());
            eventually(() -> "Succeeded".equals(k.pods().inNamespace("default").withName("done").get().getStatus()
                    .getPhase()), "the pod ends");
            assertThat(k.top().pods().metrics("default").getItems()).isEmpty();

            sim.stopServingMetrics();
            assertThatThrownBy(() -> k.top().pods().metrics("default"))
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
        }
    }
}
