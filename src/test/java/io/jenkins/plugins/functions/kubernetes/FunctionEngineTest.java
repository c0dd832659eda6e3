package io.jenkins.plugins.functions.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.impl.ContainerRuntime;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import io.jenkins.plugins.functions.testing.RequestGate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The job action end to end: the engine against the mock API server with the cluster simulation
 * (a Job gets a Pod; the Pod goes Pending, Running, Succeeded or Failed; logs are served).
 */
class FunctionEngineTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ContainerRuntime CONTAINER = new ContainerRuntime();

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        // The engine's client is built the way production builds it (request limits sized for
        // many concurrent log streams), pointed at the mock API server.
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        engine = newEngine();
    }

    private FunctionEngine newEngine() {
        return new FunctionEngine(client, EngineOptions.defaults()
                .withImagePullGrace(Duration.ofSeconds(1))
                .withUnschedulableGrace(Duration.ZERO)
                .withLogDrainTimeout(Duration.ofSeconds(5)));
    }

    @AfterEach
    void stop() {
        engine.close();
        client.close();
        sim.close();
    }

    static Plan plan(String image, Duration timeout) throws Exception {
        FunctionSpec spec = CONTAINER.validate(FunctionSpec.of("hello", "container", Map.of("image", image)));
        RunRequest request = RunRequest.builder(spec, ActionKind.JOB)
                .runId(UUID.randomUUID().toString().substring(0, 10))
                .namespace("default")
                .parameters(Map.of("who", "world"))
                .timeout(timeout)
                .build();
        return CONTAINER.plan(request);
    }

    private void assertNothingLeft() {
        eventually(() -> client.batch().v1().jobs().inNamespace("default").list().getItems().isEmpty()
                && client.pods().inNamespace("default").list().getItems().isEmpty()
                && client.secrets().inNamespace("default").withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                        .list().getItems().isEmpty(),
                "no Job, Pod or Secret of the plugin is left");
    }

    static void eventually(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void successStreamsLogsReturnsOutputsAndCleansUp() throws Exception {
        sim.onImage("example.com/hello:1", PodBehavior.succeed().runFor(Duration.ofMillis(300))
                .logs("hello", "from", "the function").terminationMessage("{\"answer\":42,\"unit\":\"ms\"}"));
        RecordingListener listener = new RecordingListener();

        RunHandle handle = engine.start(plan("example.com/hello:1", null), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.COMPLETED);
        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.reason()).isEqualTo("Completed");
        assertThat(outcome.outputs()).containsEntry("answer", 42).containsEntry("unit", "ms");
        assertThat(outcome.startedAt()).isNotNull();
        assertThat(outcome.finishedAt()).isAfterOrEqualTo(outcome.startedAt());
        assertThat(listener.lines).containsExactly("hello", "from", "the function");
        assertThat(listener.states).containsSubsequence(RunState.READY, RunState.RUNNING, RunState.COMPLETED);
        assertThat(listener.completions).hasValue(1);
        assertThat(handle.outcome().get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(outcome);
        assertThat(listener.events).anyMatch(e -> e.startsWith("Created Job default/hello-"))
                .anyMatch(e -> e.startsWith("Deleted Job default/hello-"));
        assertNothingLeft();
        assertThat(engine.activeRuns()).isZero();
    }

    @Test
    void jobCarriesRunLabelsAndDeadline() throws Exception {
        sim.onImage("example.com/slow:1", PodBehavior.succeed().runFor(Duration.ofSeconds(2)));
        Plan plan = plan("example.com/slow:1", Duration.ofMinutes(5));
        RecordingListener listener = new RecordingListener();
        engine.start(plan, listener);
        listener.awaitRunning(WAIT);

        var job = client.batch().v1().jobs().inNamespace("default").withName(plan.workload().getMetadata().getName()).get();
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(300L);
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isPositive();
        assertThat(job.getMetadata().getLabels())
                .containsEntry(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                .containsEntry(RunLabels.FUNCTION, "hello")
                .containsEntry(RunLabels.RUN_ID, plan.request().runId())
                .containsKey(RunLabels.VERSION);
        listener.await(WAIT);
    }

    @Test
    void nonZeroExitIsAnError() throws Exception {
        sim.onImage("example.com/fails:1", PodBehavior.fail(3).logs("something went wrong"));
        RecordingListener listener = new RecordingListener();
        engine.start(plan("example.com/fails:1", null), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.reason()).isEqualTo("Error");
        assertThat(outcome.message()).contains("exited with code 3");
        assertThat(listener.lines).containsExactly("something went wrong");
        assertNothingLeft();
    }

    @Test
    void outOfMemoryIsReportedAsOomKilled() throws Exception {
        sim.onImage("example.com/hungry:1", PodBehavior.succeed().oomKilled());
        RecordingListener listener = new RecordingListener();
        engine.start(plan("example.com/hungry:1", null), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        assertThat(outcome.reason()).isEqualTo("OOMKilled");
        assertThat(outcome.exitCode()).isEqualTo(137);
        assertThat(outcome.message()).contains("out of memory");
        assertNothingLeft();
    }

    @Test
    void deadlineStopsTheRun() throws Exception {
        sim.onImage("example.com/forever:1", PodBehavior.succeed().runForever().logs("working"));
        RecordingListener listener = new RecordingListener();
        engine.start(plan("example.com/forever:1", Duration.ofSeconds(1)), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        assertThat(outcome.reason()).isEqualTo("DeadlineExceeded");
        assertThat(outcome.message()).contains("timeout of 1s");
        assertNothingLeft();
    }

    @Test
    void imagePullFailureFailsFastAfterItsGracePeriod() throws Exception {
        sim.onImage("example.com/missing:1", PodBehavior.succeed().imagePullFails());
        RecordingListener listener = new RecordingListener();
        long started = System.nanoTime();
        engine.start(plan("example.com/missing:1", Duration.ofHours(1)), listener);
        RunOutcome outcome = listener.await(WAIT);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        assertThat(outcome.reason()).isIn("ErrImagePull", "ImagePullBackOff");
        assertThat(outcome.message()).contains("could not start");
        assertThat(took).as("not before the 1s grace period, long before the 1h deadline")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1)).isLessThan(WAIT);
        assertThat(listener.events).anyMatch(e -> e.contains("failing in 1s unless it recovers"));
        assertThat(listener.events.stream().filter(e -> e.contains("failing in"))).as("one countdown, not one per retry")
                .hasSize(1);
        assertThat(listener.states).doesNotContain(RunState.RUNNING);
        assertNothingLeft();
    }

    @Test
    void unschedulablePodFailsFast() throws Exception {
        sim.onImage("example.com/gpu:1",
                PodBehavior.succeed().unschedulable("0/3 nodes are available: 3 Insufficient nvidia.com/gpu."));
        RecordingListener listener = new RecordingListener();
        engine.start(plan("example.com/gpu:1", Duration.ofHours(1)), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        assertThat(outcome.reason()).isEqualTo("Unschedulable");
        assertThat(outcome.message()).contains("Insufficient nvidia.com/gpu");
        assertNothingLeft();
    }

    @Test
    void unschedulableGetsItsGracePeriodForAnAutoscaler() throws Exception {
        engine.close();
        engine = new FunctionEngine(client, EngineOptions.defaults().withUnschedulableGrace(Duration.ofSeconds(1)));
        sim.onImage("example.com/later:1", PodBehavior.succeed().unschedulable("0/2 nodes are available"));
        RecordingListener listener = new RecordingListener();
        long started = System.nanoTime();
        engine.start(plan("example.com/later:1", null), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(outcome.reason()).isEqualTo("Unschedulable");
        assertThat(listener.events).anyMatch(e -> e.contains("failing in 1s unless it recovers"));
        assertNothingLeft();
    }

    @Test
    void abortWhileRunningDeletesTheJob() throws Exception {
        sim.onImage("example.com/forever:1", PodBehavior.succeed().runForever().logs("tick"));
        RecordingListener listener = new RecordingListener();
        RunHandle handle = engine.start(plan("example.com/forever:1", null), listener);
        listener.awaitRunning(WAIT);

        handle.stop("Aborted by test");
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.STOPPED);
        assertThat(outcome.reason()).isEqualTo("Aborted");
        assertThat(listener.completions).hasValue(1);
        assertNothingLeft();
    }

    @Test
    void abortBeforeTheJobExistsLeavesNothing() throws Exception {
        sim.onImage("example.com/forever:1", PodBehavior.succeed().runForever());
        RecordingListener listener = new RecordingListener();
        RunHandle handle = engine.start(plan("example.com/forever:1", null), listener);
        handle.stop("Aborted at once");
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.STOPPED);
        assertNothingLeft();
    }

    @Test
    void restartReattachesAndCompletesOnceWithoutRepeatingLogLines() throws Exception {
        sim.onImage("example.com/steady:1", PodBehavior.succeed().runFor(Duration.ofSeconds(3))
                .logEvery(Duration.ofMillis(100), 25, "line ").terminationMessage("{\"done\":true}"));
        RecordingListener before = new RecordingListener();
        RunHandle handle = engine.start(plan("example.com/steady:1", null), before);
        eventually(() -> before.lines.size() >= 5, "some lines were copied");

        // The controller goes away: every in-memory object of the run is dropped.
        RunRef ref = handle.ref();
        LogCursor cursor = handle.cursor();
        List<String> copied = new ArrayList<>(before.lines);
        engine.close();

        engine = newEngine();
        RecordingListener after = new RecordingListener();
        engine.attach(ref, cursor, after);
        RunOutcome outcome = after.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.COMPLETED);
        assertThat(outcome.outputs()).containsEntry("done", true);
        assertThat(before.completions).hasValue(0);
        assertThat(after.completions).hasValue(1);
        List<String> all = new ArrayList<>(copied);
        all.addAll(after.lines);
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 25; i++) {
            expected.add("line " + i);
        }
        assertThat(all).as("every line exactly once, in order").containsExactlyElementsOf(expected);
        assertNothingLeft();
    }

    @Test
    void attachToAJobThatIsGoneEndsAsLost() throws Exception {
        RecordingListener listener = new RecordingListener();
        engine.attach(new RunRef("default", "Job", "hello-gone", "gone123456"), LogCursor.START, listener);
        RunOutcome outcome = listener.await(WAIT);
        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        assertThat(outcome.reason()).isEqualTo("Lost");
    }

    @Test
    void theOutcomeIsToldAndPersistedBeforeTheJobIsDeleted() throws Exception {
        sim.onImage("example.com/quick:1", PodBehavior.succeed().logs("ok").terminationMessage("{\"n\":1}"));
        CompletableFuture<Void> persisted = new CompletableFuture<>();
        CompletableFuture<RunOutcome> told = new CompletableFuture<>();
        RecordingListener listener = new RecordingListener() {
            @Override
            public java.util.concurrent.CompletionStage<Void> onOutcome(RunOutcome outcome) {
                told.complete(outcome);
                return persisted;
            }
        };
        RunHandle handle = engine.start(plan("example.com/quick:1", null), listener);

        RunOutcome judged = told.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        Thread.sleep(300);
        assertThat(judged.state()).isEqualTo(RunState.COMPLETED);
        assertThat(client.batch().v1().jobs().inNamespace("default").withName(handle.ref().name()).get())
                .as("the Job waits for the outcome to be persisted").isNotNull();
        assertThat(listener.completions).hasValue(0);

        persisted.complete(null);
        RunOutcome outcome = listener.await(WAIT);
        assertThat(outcome).isEqualTo(judged);
        assertThat(listener.events).contains("Deleted " + handle.ref());
        assertNothingLeft();
    }

    @Test
    void aRunWhoseCreateNeverLandedEndsNotCreatedWhenAttached() throws Exception {
        RecordingListener listener = new RecordingListener();
        engine.attach(new RunRef("default", "Job", "hello-never", "never12345"), LogCursor.START, listener, null, false);
        RunOutcome outcome = listener.await(WAIT);
        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        assertThat(outcome.reason()).isEqualTo("NotCreated");
        assertThat(outcome.message()).contains("Job default/hello-never").contains("the function did not run");
        eventually(() -> sim.requests().count("DELETE", "/apis/batch/v1/namespaces/default/jobs/hello-never") == 1,
                "a create that could still land is undone by name");
    }

    @Test
    void jobDeletedByAnotherHandEndsTheRun() throws Exception {
        sim.onImage("example.com/forever:1", PodBehavior.succeed().runForever());
        RecordingListener listener = new RecordingListener();
        RunHandle handle = engine.start(plan("example.com/forever:1", null), listener);
        listener.awaitRunning(WAIT);
        client.batch().v1().jobs().inNamespace("default").withName(handle.ref().name()).delete();
        RunOutcome outcome = listener.await(WAIT);
        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        assertThat(outcome.reason()).isEqualTo("Deleted");
    }

    @Test
    void concurrentRunsShareOneWatchPerNamespace() throws Exception {
        sim.onImage("example.com/quick:1", PodBehavior.succeed().runFor(Duration.ofMillis(200)).logs("ok"));
        List<RecordingListener> listeners = new ArrayList<>();
        // Ten runs show the sharing; the throughput at hundreds of runs is the benchmark's job.
        for (int i = 0; i < 10; i++) {
            RecordingListener l = new RecordingListener();
            listeners.add(l);
            engine.start(plan("example.com/quick:1", null), l);
        }
        for (RecordingListener l : listeners) {
            RunOutcome outcome = l.await(WAIT);
            assertThat(outcome.state()).isEqualTo(RunState.COMPLETED);
            assertThat(l.lines).containsExactly("ok");
            assertThat(l.completions).hasValue(1);
        }
        assertThat(engine.watcher().namespaces()).isEqualTo(1);
        assertNothingLeft();
    }

    @Test
    void aBurstOfRunsIsCreatedAFewAtATimeWithoutAThreadEach() throws Exception {
        sim.onImage("example.com/quick:1", PodBehavior.succeed().runFor(Duration.ofMillis(100)).logs("ok"));
        RequestGate creates = sim.gate("POST", "/apis/batch/v1/namespaces/default/jobs");
        List<RecordingListener> listeners = new ArrayList<>();
        for (int i = 0; i < 3 * FunctionEngine.CREATES_IN_FLIGHT; i++) {
            RecordingListener l = new RecordingListener();
            listeners.add(l);
            engine.start(plan("example.com/quick:1", null), l);
        }
        eventually(() -> sim.requests().count("POST", "/apis/batch/v1/namespaces/default/jobs")
                == FunctionEngine.CREATES_IN_FLIGHT, "the first creates are under way");
        Thread.sleep(200);
        // held at the server: no more are sent meanwhile, and no engine thread waits on them
        assertThat(sim.requests().count("POST", "/apis/batch/v1/namespaces/default/jobs"))
                .isEqualTo(FunctionEngine.CREATES_IN_FLIGHT);
        assertThat(engine.slots().inFlight()).isEqualTo(FunctionEngine.CREATES_IN_FLIGHT);
        assertThat(engine.slots().waiting()).isEqualTo(listeners.size() - FunctionEngine.CREATES_IN_FLIGHT);

        creates.open();
        for (RecordingListener l : listeners) {
            assertThat(l.await(WAIT).state()).isEqualTo(RunState.COMPLETED);
            assertThat(l.lines).containsExactly("ok");
        }
        assertThat(sim.requests().count("POST", "/apis/batch/v1/namespaces/default/jobs")).isEqualTo(listeners.size());
        assertNothingLeft();
    }
}
