package io.jenkins.plugins.functions.kubernetes;

import static io.jenkins.plugins.functions.kubernetes.FunctionEngineTest.eventually;
import static io.jenkins.plugins.functions.kubernetes.FunctionEngineTest.plan;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.observability.MetricNames;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import io.jenkins.plugins.functions.testing.RecordingSink;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the engine reports to its metrics sink while runs go, against the cluster simulation: runs
 * started and finished by runtime, action and state, errors by reason, durations, time to
 * running, active runs, API requests by verb and their errors, log lines and bytes, resumed runs,
 * orphans swept. Always a few series per kind of run, never one per run.
 */
class EngineMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;
    private RecordingSink sink;
    private EngineMetrics metrics;

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        sink = new RecordingSink();
        metrics = new EngineMetrics(sink);
        engine = new FunctionEngine(client, EngineOptions.defaults().withImagePullGrace(Duration.ZERO)
                .withLogDrainTimeout(Duration.ofSeconds(5))).withMetrics(metrics);
    }

    @AfterEach
    void stop() {
        engine.close();
        client.close();
        sim.close();
    }

    @Test
    void aCompletedJobIsCountedTimedAndItsLogMeasured() throws Exception {
        sim.onImage("example.com/hello:1", PodBehavior.succeed().runFor(Duration.ofMillis(300)).logs("hello", "wörld"));
        RecordingListener listener = new RecordingListener();

        engine.start(plan("example.com/hello:1", null), listener);
        listener.awaitRunning(WAIT);
        assertThat(sink.gauge("function-runtimes.run.active")).isEqualTo(1L);
        assertThat(sink.gauge("function-runtimes.run.active.container.job")).isEqualTo(1L);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.COMPLETED);
        assertThat(sink.counter("function-runtimes.run.started.container.job")).isEqualTo(1);
        assertThat(sink.counter("function-runtimes.run.finished.container.job.completed")).isEqualTo(1);
        assertThat(sink.counters()).noneSatisfy((name, value) -> assertThat(name).startsWith(MetricNames.RUN_ERRORS));
        assertThat(sink.durations("function-runtimes.run.duration.container.job")).singleElement()
                .satisfies(d -> assertThat(d).isPositive().isLessThan(WAIT));
        assertThat(sink.durations("function-runtimes.run.time-to-running.container.job")).singleElement()
                .satisfies(d -> assertThat(d).isLessThanOrEqualTo(
                        sink.durations("function-runtimes.run.duration.container.job").get(0)));
        assertThat(sink.counter(MetricNames.LOG_LINES)).isEqualTo(2);
        assertThat(sink.counter(MetricNames.LOG_BYTES)).as("UTF-8 bytes with their ends of line")
                .isEqualTo("hello\n".length() + "wörld\n".length() + 1);
        assertThat(sink.gauge("function-runtimes.run.active")).isZero();
        assertThat(sink.gauge("function-runtimes.run.active.container.job")).isZero();

        // the engine's requests, counted by verb at its client: a create, the log, the delete, the informers
        assertThat(sink.counter("function-runtimes.kubernetes.requests.create")).isEqualTo(1);
        assertThat(sink.counter("function-runtimes.kubernetes.requests.delete")).isEqualTo(1);
        assertThat(sink.counter("function-runtimes.kubernetes.requests.list")).isGreaterThanOrEqualTo(2);
        assertThat(sink.counter("function-runtimes.kubernetes.requests.watch")).isGreaterThanOrEqualTo(2);
        assertThat(sink.counter("function-runtimes.kubernetes.requests.get")).isGreaterThanOrEqualTo(1);
        long counted = sink.counters().entrySet().stream()
                .filter(e -> e.getKey().startsWith(MetricNames.API_REQUESTS + ".")).mapToLong(e -> e.getValue()).sum();
        assertThat(counted).as("every request the API server received from the engine, and only those")
                .isEqualTo(sim.requests().total());
    }

    @Test
    void errorsAreCountedByReasonAndRefusedRequestsByVerbAndStatus() throws Exception {
        sim.onImage("example.com/hungry:1", PodBehavior.succeed().oomKilled());
        RecordingListener oom = new RecordingListener();
        engine.start(plan("example.com/hungry:1", null), oom);
        assertThat(oom.await(WAIT).reason()).isEqualTo("OOMKilled");

        sim.forbid("POST", "/apis/batch/v1/namespaces/*/jobs");
        RecordingListener refused = new RecordingListener();
        engine.start(plan("example.com/hungry:1", null), refused);
        assertThat(refused.await(WAIT).reason()).isEqualTo("CreateFailed");

        assertThat(sink.counter("function-runtimes.run.finished.container.job.error")).isEqualTo(2);
        assertThat(sink.counter("function-runtimes.run.errors.container.job.OOMKilled")).isEqualTo(1);
        assertThat(sink.counter("function-runtimes.run.errors.container.job.CreateFailed")).isEqualTo(1);
        assertThat(sink.counter("function-runtimes.kubernetes.errors.create.403")).isEqualTo(1);
        assertThat(sink.durations("function-runtimes.run.time-to-running.container.job"))
                .as("the refused run never ran").hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void aResumedRunIsCountedWithTheKindItsRecordTells() throws Exception {
        sim.onImage("example.com/slow:1", PodBehavior.succeed().runFor(Duration.ofSeconds(1)));
        Plan plan = plan("example.com/slow:1", null);
        RecordingListener first = new RecordingListener();
        engine.start(plan, first);
        first.awaitRunning(WAIT);
        RunRef ref = new RunRef("default", "Job", plan.workload().getMetadata().getName(), plan.request().runId());
        engine.close(); // the controller stops; the run goes on in the cluster

        engine = new FunctionEngine(client, EngineOptions.defaults().withLogDrainTimeout(Duration.ofSeconds(5)))
                .withMetrics(metrics);
        RecordingListener resumed = new RecordingListener();
        engine.attach(ref, first.cursor, resumed, null, new RunTags("container", "job"));
        assertThat(resumed.await(WAIT).state()).isEqualTo(RunState.COMPLETED);

        assertThat(sink.counter(MetricNames.RUN_RESUMED)).isEqualTo(1);
        assertThat(sink.counter("function-runtimes.run.started.container.job")).as("started once").isEqualTo(1);
        assertThat(sink.counter("function-runtimes.run.finished.container.job.completed")).isEqualTo(1);
        assertThat(sink.durations("function-runtimes.run.duration.container.job"))
                .as("a resumed run's duration is not known to the engine").isEmpty();
        assertThat(metrics.activeRuns()).isZero();
    }

    @Test
    void enginesSharingTheMetricsAddUpTheirActiveRuns() throws Exception {
        sim.onImage("example.com/slow:1", PodBehavior.succeed().runFor(Duration.ofSeconds(2)));
        try (FunctionEngine other = new FunctionEngine(client, EngineOptions.defaults()).withMetrics(metrics)) {
            RecordingListener a = new RecordingListener();
            RecordingListener b = new RecordingListener();
            engine.start(plan("example.com/slow:1", null), a);
            other.start(plan("example.com/slow:1", null), b);
            eventually(() -> sink.gauge("function-runtimes.run.active") == 2, "both runs count");
            a.await(WAIT);
            b.await(WAIT);
            assertThat(sink.gauge("function-runtimes.run.active")).isZero();
        }
        assertThat(sink.gaugeNames()).containsExactlyInAnyOrder("function-runtimes.run.active",
                "function-runtimes.run.active.container.job", "function-runtimes.services.live");
    }

    @Test
    void aServiceStartIsTimedToRunningAndToReady() throws Exception {
        sim.onImage("example.com/web:1", PodBehavior.longRunning().readyAfter(Duration.ofMillis(500)));
        RecordingListener listener = new RecordingListener();
        engine.start(ServiceEngineTest.servePlan("example.com/web:1", io.jenkins.plugins.functions.model.ActionKind.SERVE,
                java.util.Map.of(), null), listener);
        assertThat(listener.await(WAIT).state()).isEqualTo(RunState.RUNNING);

        assertThat(sink.counter("function-runtimes.run.finished.container.serve.running")).isEqualTo(1);
        Duration toRunning = sink.durations("function-runtimes.run.time-to-running.container.serve").get(0);
        Duration toReady = sink.durations("function-runtimes.run.time-to-ready.container.serve").get(0);
        assertThat(toReady).as("ready comes after the container runs").isGreaterThan(toRunning);
        assertThat(sink.durations("function-runtimes.run.time-to-ready.container.job")).isEmpty();
    }

    @Test
    void withoutMetricsNothingIsCountedAndRunsGoOn() throws Exception {
        sim.onImage("example.com/hello:1", PodBehavior.succeed().logs("hi"));
        try (FunctionEngine plain = new FunctionEngine(client, EngineOptions.defaults())) {
            assertThat(plain.metrics()).isSameAs(EngineMetrics.NONE);
            RecordingListener listener = new RecordingListener();
            plain.start(plan("example.com/hello:1", null), listener);
            assertThat(listener.await(WAIT).state()).isEqualTo(RunState.COMPLETED);
            assertThat(listener.lines).containsExactly("hi");
            assertThat(listener.usage).as("usage sampling is off unless asked for").isEmpty();
        }
        assertThat(sink.counters()).isEmpty();
    }
}
