package io.jenkins.plugins.functions.kubernetes;

import static io.jenkins.plugins.functions.kubernetes.FunctionEngineTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.observability.ResourceUsage;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.impl.ContainerRuntime;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.MetricsServer;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Resource usage sampled from the simulated metrics-server while runs go: peak and mean per run,
 * one request per namespace and interval whatever the number of runs, discovery once, and a
 * cluster without metrics-server said once per run.
 */
class UsageSamplingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final ContainerRuntime CONTAINER = new ContainerRuntime();

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        engine = new FunctionEngine(client, EngineOptions.defaults().withLogDrainTimeout(Duration.ofSeconds(5)))
                .sampleUsageEvery(INTERVAL);
    }

    @AfterEach
    void stop() {
        engine.close();
        client.close();
        sim.close();
    }

    private static Plan plan(String name, String image, String namespace) throws Exception {
        FunctionSpec spec = CONTAINER.validate(FunctionSpec.of(name, "container", Map.of("image", image)));
        return CONTAINER.plan(RunRequest.builder(spec, ActionKind.JOB)
                .runId(UUID.randomUUID().toString().substring(0, 10)).namespace(namespace).build());
    }

    private int metricsLists(String namespace) {
        return sim.requests().count("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/" + namespace + "/pods");
    }

    private int discoveries() {
        return sim.requests().count("GET", "/apis/metrics.k8s.io/v1beta1");
    }

    @Test
    void aRunRecordsThePeakAndMeanOfItsPodsUsage() throws Exception {
        sim.onImage("example.com/work:1", PodBehavior.succeed().runFor(Duration.ofMillis(1500)));
        Instant t0 = Instant.now();
        // CPU climbs 100m every 0.3 s from 100m; memory stays at 64 MiB
        sim.serveMetrics((labels, container, at) -> new MetricsServer.Figures(
                100 + 100 * Math.max(0, Duration.between(t0, at).toMillis() / 300), 64L << 20))
                .resolution(Duration.ofMillis(50));
        RecordingListener listener = new RecordingListener();

        engine.start(plan("work", "example.com/work:1", "default"), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.COMPLETED);
        assertThat(listener.usage).singleElement().satisfies(u -> {
            assertThat(u.samples()).isGreaterThanOrEqualTo(3);
            assertThat(u.cpuPeakMillicores()).isGreaterThan(u.cpuMeanMillicores());
            assertThat(u.cpuMeanMillicores()).isGreaterThanOrEqualTo(100);
            assertThat(u.memoryPeakBytes()).isEqualTo(64L << 20);
            assertThat(u.memoryMeanBytes()).isEqualTo(64L << 20);
            assertThat(u.note()).isNull();
        });
        assertThat(listener.pods).singleElement().satisfies(p -> assertThat(p).startsWith("default/work-"));
        assertThat(discoveries()).isEqualTo(1);
        assertThat(engine.usage().tracked()).isZero();
    }

    @Test
    void oneRequestPerNamespaceAndIntervalWhateverTheNumberOfRuns() throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team-b").endMetadata()
                .build()).create();
        sim.onImage("example.com/work:1", PodBehavior.succeed().runFor(Duration.ofSeconds(2)));
        sim.serveMetrics(MetricsServer.constant(50, 16L << 20));
        List<RecordingListener> listeners = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            RecordingListener l = new RecordingListener();
            listeners.add(l);
            engine.start(plan("work" + i, "example.com/work:1", i < 6 ? "default" : "team-b"), l);
        }
        for (RecordingListener l : listeners) {
            l.awaitRunning(WAIT);
        }
        int before = metricsLists("default");
        int beforeB = metricsLists("team-b");
        Thread.sleep(1000);
        int during = metricsLists("default") - before;
        int duringB = metricsLists("team-b") - beforeB;
        for (RecordingListener l : listeners) {
            l.await(WAIT);
        }

        // one list per namespace per 100 ms: about 10 in a second each, not 6 (or 2) times that
        assertThat(during).as("lists of namespace default in 1 s").isBetween(4, 13);
        assertThat(duringB).as("lists of namespace team-b in 1 s").isBetween(4, 13);
        assertThat(discoveries()).as("discovery once for the engine").isEqualTo(1);
        for (RecordingListener l : listeners) {
            ResourceUsage u = l.usage.get(0);
            assertThat(u.samples()).isPositive();
            assertThat(u.cpuPeakMillicores()).as("each run has its own pod's figures").isEqualTo(50);
            assertThat(u.memoryPeakBytes()).isEqualTo(16L << 20);
        }
        int after = metricsLists("default");
        Thread.sleep(500);
        assertThat(metricsLists("default")).as("no run, no sampling").isEqualTo(after);
    }

    @Test
    void withoutMetricsServerEachRunSaysSoOnceAndNothingIsListed() throws Exception {
        sim.onImage("example.com/work:1", PodBehavior.succeed().runFor(Duration.ofMillis(600)));
        List<RecordingListener> listeners = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RecordingListener l = new RecordingListener();
            listeners.add(l);
            engine.start(plan("work" + i, "example.com/work:1", "default"), l);
        }
        for (RecordingListener l : listeners) {
            assertThat(l.await(WAIT).state()).isEqualTo(RunState.COMPLETED);
            assertThat(l.events.stream().filter(e -> e.contains("not sampled"))).as("said once").hasSize(1);
            assertThat(l.usage).singleElement().satisfies(u -> {
                assertThat(u.sampled()).isFalse();
                assertThat(u.note()).contains("does not serve metrics.k8s.io").contains("no metrics-server");
            });
        }
        assertThat(discoveries()).isEqualTo(1);
        assertThat(metricsLists("default")).isZero();

        RecordingListener later = new RecordingListener();
        engine.start(plan("later", "example.com/work:1", "default"), later);
        later.await(WAIT);
        assertThat(later.usage.get(0).note()).contains("no metrics-server");
        assertThat(discoveries()).as("discovery is not asked again").isEqualTo(1);
    }

    @Test
    void aNamespaceWhosePodMetricsMayNotBeReadIsSaidAndNotAskedAgain() throws Exception {
        sim.onImage("example.com/work:1", PodBehavior.succeed().runFor(Duration.ofMillis(800)));
        sim.serveMetrics(MetricsServer.constant(10, 1024));
        sim.forbid("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/*/pods");
        RecordingListener listener = new RecordingListener();
        engine.start(plan("work", "example.com/work:1", "default"), listener);
        listener.await(WAIT);

        assertThat(listener.usage.get(0).note()).contains("may not list pods.metrics.k8s.io in namespace 'default'")
                .contains("403");
        assertThat(metricsLists("default")).isEqualTo(1);
    }

    @Test
    void runsShorterThanTheFirstFiguresHaveNoSampleAndSaySo() throws Exception {
        sim.onImage("example.com/quick:1", PodBehavior.succeed().pendingFor(Duration.ofSeconds(1))
                .runFor(Duration.ofMillis(100)));
        sim.serveMetrics(MetricsServer.constant(10, 1024));
        engine.sampleUsageEvery(Duration.ofSeconds(30)); // the first tick comes at once, while the pod waits
        RecordingListener listener = new RecordingListener();
        engine.start(plan("quick", "example.com/quick:1", "default"), listener);
        listener.await(WAIT);
        assertThat(listener.usage).singleElement().satisfies(u -> {
            assertThat(u.samples()).isZero();
            assertThat(u.note()).contains("no sample");
        });
    }

    @Test
    void aRunThatNeverHadAPodHasNoUsage() throws Exception {
        sim.serveMetrics(MetricsServer.constant(10, 1024));
        sim.forbid("POST", "/apis/batch/v1/namespaces/*/jobs");
        RecordingListener listener = new RecordingListener();
        engine.start(plan("refused", "example.com/work:1", "default"), listener);
        assertThat(listener.await(WAIT).reason()).isEqualTo("CreateFailed");
        assertThat(listener.usage).isEmpty();
        assertThat(engine.usage().tracked()).isZero();
    }

    @Test
    void aServiceStartIsSampledUntilItIsReady() throws Exception {
        sim.onImage("example.com/web:1", PodBehavior.longRunning().readyAfter(Duration.ofMillis(800)));
        sim.serveMetrics(MetricsServer.constant(30, 8L << 20));
        Plan plan = ServiceEngineTest.servePlan("example.com/web:1", ActionKind.SERVE, Map.of("replicas", 2), null);
        RecordingListener listener = new RecordingListener();
        engine.start(plan, listener);
        assertThat(listener.await(WAIT).state()).isEqualTo(RunState.RUNNING);
        assertThat(listener.pods).hasSize(2);
        assertThat(listener.usage).singleElement().satisfies(u -> {
            assertThat(u.samples()).isPositive();
            assertThat(u.cpuPeakMillicores()).as("both replicas together").isEqualTo(60);
        });
        eventually(() -> engine.usage().tracked() == 0, "the service is no longer sampled once it is up");
        assertThat(client.pods().inNamespace("default").withLabel(RunLabels.RUN_ID, plan.request().runId()).list()
                .getItems()).hasSize(2);
    }
}
