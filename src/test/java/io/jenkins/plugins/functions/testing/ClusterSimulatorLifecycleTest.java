package io.jenkins.plugins.functions.testing;

import static io.jenkins.plugins.functions.testing.ClusterSimulatorTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting and closing the simulator, behaviour selection, and the {@link TestCluster} seam. */
class ClusterSimulatorLifecycleTest {

    /**
     * Live threads of the kinds a simulator and its clients start, leaving out those alive before
     * the test: another test's idle OkHttp pool thread lingers for a minute and is not ours.
     */
    static List<String> threadsOfTheSimulation(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t))
                .map(Thread::getName)
                .filter(n -> n.startsWith("cluster-simulator") || n.startsWith("MockWebServer")
                        || n.startsWith("OkHttp Dispatcher") || n.startsWith("OkHttp WebSocket")
                        || n.startsWith("OkHttp http://127.0.0.1"))
                .toList();
    }

    @Test
    void closeLeavesNoThreadsBehind() throws Exception {
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            sim.onImage("fn:server", PodBehavior.longRunning().logEvery(Duration.ofMillis(10), 1000, "line "));
            sim.client().pods().resource(ClusterSimulatorTest.pod("busy", "fn:server")).create();
            await(() -> sim.client().pods().withName("busy").get(), JobController::isReady);
            sim.newClient().pods().list();
            assertThat(threadsOfTheSimulation(before)).anyMatch(n -> n.startsWith("cluster-simulator"));
        }
        await(() -> threadsOfTheSimulation(before), List::isEmpty);
    }

    @Test
    void podStatusWritesAreReportedWithExactTimes() {
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            List<ClusterSimulator.PodStatusWrite> writes = new CopyOnWriteArrayList<>();
            sim.onPodStatusWritten(writes::add);
            sim.onImage("fn:timed", PodBehavior.succeed().runFor(Duration.ofMillis(300)));
            sim.client().pods().resource(new PodBuilder(ClusterSimulatorTest.pod("timed", "fn:timed"))
                    .editMetadata().addToLabels("app", "timed").endMetadata().build()).create();
            await(() -> writes, w -> w.stream().anyMatch(ClusterSimulator.PodStatusWrite::terminal));

            assertThat(writes).allSatisfy(w -> {
                assertThat(w.namespace()).isEqualTo("default");
                assertThat(w.name()).isEqualTo("timed");
                assertThat(w.labels()).containsEntry("app", "timed");
                assertThat(w.sent()).isBeforeOrEqualTo(w.written());
            });
            assertThat(writes.stream().map(ClusterSimulator.PodStatusWrite::phase).distinct())
                    .containsSubsequence("Running", "Succeeded");
            ClusterSimulator.PodStatusWrite running = writes.stream().filter(w -> "Running".equals(w.phase()))
                    .findFirst().orElseThrow();
            ClusterSimulator.PodStatusWrite done = writes.stream().filter(w -> "Succeeded".equals(w.phase()))
                    .findFirst().orElseThrow();
            assertThat(done.terminal()).isTrue();
            assertThat(running.terminal()).isFalse();
            // Exact times: the run time shows, although the status has whole seconds only. (The
            // Running status is written just after the container started, so a little less.)
            assertThat(Duration.between(running.sent(), done.sent())).isGreaterThan(Duration.ofMillis(250));
        }
    }

    @Test
    void theNodeAndTheDefaultNamespaceExist() {
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            KubernetesClient k = sim.client();
            assertThat(k.getNamespace()).isEqualTo("default");
            assertThat(k.namespaces().withName("default").get()).isNotNull();
            assertThat(k.nodes().withName("sim-node").get().getStatus().getAllocatable()).containsKey("cpu");
        }
    }

    @Test
    void behaviourSelection() {
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            PodBehavior exact = PodBehavior.fail(1);
            PodBehavior longer = PodBehavior.fail(2);
            PodBehavior shorter = PodBehavior.fail(3);
            sim.onImage("registry.example/fn:1", exact)
                    .onImage("registry.example/fn:*", longer)
                    .onImage("registry.example/*", shorter);
            assertThat(sim.behaviorFor(container("registry.example/fn:1"), "Never")).isSameAs(exact);
            assertThat(sim.behaviorFor(container("registry.example/fn:2"), "Never")).isSameAs(longer);
            assertThat(sim.behaviorFor(container("registry.example/other"), "Never")).isSameAs(shorter);
            assertThat(sim.behaviorFor(container("elsewhere/fn:1"), "Never").exit()).isZero();
            assertThat(sim.behaviorFor(container("elsewhere/fn:1"), "Never").forever()).isFalse();
            assertThat(sim.behaviorFor(container("elsewhere/fn:1"), "Always").forever()).isTrue();
        }
    }

    private static Container container(String image) {
        return new ContainerBuilder().withName("c").withImage(image).build();
    }

    @Test
    void fromEnvironmentGivesTheSimulatorByDefault() {
        assumeTrue(System.getenv(TestCluster.KUBECONFIG_ENV) == null, "a real cluster is configured");
        try (TestCluster cluster = TestCluster.fromEnvironment()) {
            assertThat(cluster.isSimulated()).isTrue();
            assertThat(cluster.namespace()).isEqualTo("default");
            assertThat(cluster.simulator()).isSameAs(cluster);
            cluster.client().configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("probe")
                    .endMetadata().addToData("k", "v").build()).create();
            assertThat(cluster.client().configMaps().withName("probe").get().getData()).containsEntry("k", "v");
        }
    }

    @Test
    void aRealClusterFromAKubeconfig(@TempDir Path dir) throws Exception {
        // The simulator stands in for the "real" cluster: what is checked is the kubeconfig path.
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            Path kubeconfig = dir.resolve("config");
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: sim
                      cluster:
                        server: %s
                    users:
                    - name: tester
                      user:
                        token: t0k3n
                    contexts:
                    - name: sim
                      context:
                        cluster: sim
                        user: tester
                    current-context: sim
                    """.formatted(sim.url()));
            sim.client().namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                    .withNewMetadata().withName("tests").endMetadata().build()).create();
            sim.requests().reset();
            try (TestCluster real = TestCluster.real(kubeconfig, "tests")) {
                assertThat(real.isSimulated()).isFalse();
                assertThat(real.namespace()).isEqualTo("tests");
                assertThat(real.client().getNamespace()).isEqualTo("tests");
                real.client().configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("x")
                        .endMetadata().build()).create();
            }
            assertThat(sim.requests().count("POST", "/api/v1/namespaces/tests/configmaps")).isEqualTo(1);
        }
    }
}
