package io.jenkins.plugins.functions.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.jenkins.FakePipeline;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.kubernetes.LogLimits;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import io.jenkins.plugins.functions.testing.RequestGate;
import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A controller that dies or restarts at any moment of a {@code runFunction} run, the way Jenkins
 * persists a Pipeline ({@link FakePipeline}): the step execution is saved only when
 * {@code start()} returns, the build directory is taken as it is on disk at the instant of death
 * (unflushed build log lines lost, build.xml as last saved), the dead controller's engine stops,
 * and a new one resumes the step from what was saved. Every time: the run is found again and
 * followed to its end, each log line reaches the build log exactly once, the outputs come back,
 * the Job is deleted, the step ends once; or, when nothing was sent, the run is known not to have
 * happened and nothing is left in the cluster.
 */
class PipelineRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int LINES = 20;

    private ClusterSimulator sim;
    private KubernetesClient client;
    private volatile FunctionEngine engine;
    private volatile LogLimits logLimits = LogLimits.defaults();
    private Clusters.Resolver previous;
    private final RuntimeRegistry runtimes = RuntimeRegistry.fromServiceLoader(getClass().getClassLoader());

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        engine = newEngine();
        previous = Clusters.setResolver(build -> new Clusters.Target(engine, "default", runtimes));
    }

    private FunctionEngine newEngine() {
        return new FunctionEngine(client, EngineOptions.defaults().withLogDrainTimeout(Duration.ofSeconds(5)), logLimits);
    }

    /** The dead controller's engine stops (its informers, streams and threads); a new one takes its place. */
    private void newController() {
        engine.close();
        engine = newEngine();
    }

    @AfterEach
    void stop() {
        Clusters.setResolver(previous);
        engine.close();
        client.close();
        sim.close();
    }

    private static RunFunctionStep hello(String image) {
        RunFunctionStep step = new RunFunctionStep();
        step.setName("hello");
        step.setRuntime("container");
        step.setImage(image);
        return step;
    }

    /** A job that is pending a moment, then writes {@link #LINES} lines 100 ms apart and ends with outputs. */
    private void steadyJob(String image) {
        PodBehavior b = PodBehavior.succeed().pendingFor(Duration.ofMillis(300)).runFor(Duration.ofMillis(LINES * 100 + 300))
                .terminationMessage("{\"lines\":" + LINES + "}");
        for (int i = 1; i <= LINES; i++) {
            b = b.logAt(Duration.ofMillis((i - 1) * 100L), "line " + i);
        }
        sim.onImage(image, b);
    }

    private boolean noJobLeft() {
        return client.batch().v1().jobs().inNamespace("default").list().getItems().isEmpty()
                && client.pods().inNamespace("default").list().getItems().isEmpty();
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    private static long count(String log, String line) {
        return Arrays.stream(log.split("\n")).filter(line::equals).count();
    }

    /** The resumed step returned the run's result; each line is in the build log once; nothing is left. */
    @SuppressWarnings("unchecked")
    private void assertFollowedToTheEnd(FakePipeline before, FakePipeline after) throws Exception {
        Map<String, Object> result = (Map<String, Object>) after.context().await(WAIT);
        assertThat(result).containsEntry("status", "COMPLETED");
        assertThat(result.get("outputs")).isEqualTo(Map.of("lines", LINES));
        String log = after.context().log();
        for (int i = 1; i <= LINES; i++) {
            assertThat(count(log, "line " + i)).as("line " + i + " exactly once in\n" + log).isEqualTo(1);
        }
        assertThat(after.context().completions()).isEqualTo(1);
        assertThat(before.context().completions()).as("the dead controller's step never ends").isZero();
        FunctionRunAction run = FunctionRunAction.of(after.build()).get(0);
        assertThat(run.getState()).isEqualTo("COMPLETED");
        assertThat(run.getOutputs()).containsEntry("lines", LINES);
        eventually(this::noJobLeft, "the Job and its pod are deleted");
    }

    static Stream<Arguments> moments() {
        return Stream.of(
                Arguments.of("pending", 0, true), Arguments.of("pending", 0, false),
                Arguments.of("early in the log", 3, true), Arguments.of("early in the log", 3, false),
                Arguments.of("mid-log", 9, true), Arguments.of("mid-log", 9, false),
                Arguments.of("late in the log", 17, true), Arguments.of("late in the log", 17, false),
                Arguments.of("after the last line", LINES, true), Arguments.of("after the last line", LINES, false));
    }

    @ParameterizedTest(name = "{0} (after {1} lines), killed: {2}")
    @MethodSource("moments")
    void aRunIsFollowedToItsEndWhenTheControllerStopsAtAnyMoment(String moment, int lines, boolean killed)
            throws Exception {
        steadyJob("example.com/steady:1");
        FakePipeline pipeline = FakePipeline.start(hello("example.com/steady:1"), new FakeBuild("app", 5), null);
        if (lines == 0) {
            eventually(() -> client.batch().v1().jobs().inNamespace("default").list().getItems().size() == 1,
                    "the Job exists");
        } else {
            eventually(() -> pipeline.context().log().contains("line " + lines + "\n"), "line " + lines + " copied");
        }

        FakePipeline resumed = killed ? pipeline.kill(moment, this::newController)
                : pipeline.shutdown(moment, this::newController);

        assertFollowedToTheEnd(pipeline, resumed);
        assertThat(resumed.context().log()).contains("Resuming Job default/hello-");
    }

    @Test
    void aKillRightAfterTheStartFindsTheRunByWhatTheBuildKept() throws Exception {
        steadyJob("example.com/steady:1");
        FakePipeline pipeline = FakePipeline.start(hello("example.com/steady:1"), new FakeBuild("app", 6), null);
        String runId = ((RunFunctionStep.Execution) pipeline.execution()).getRunId();
        eventually(() -> pipeline.context().log().contains("line 2\n"), "the run went on");
        assertThat(((RunFunctionStep.Execution) pipeline.execution()).getRef()).as("known in memory").isNotNull();

        // the program saved when start() returned knows the run's id, nothing more
        FakePipeline resumed = pipeline.kill("just-the-id", this::newController);
        assertThat(((RunFunctionStep.Execution) resumed.execution()).getRunId()).isEqualTo(runId);

        assertFollowedToTheEnd(pipeline, resumed);
    }

    @Test
    void aRunKilledBeforeAnythingWasSentDidNotRunAndLeavesNothing() throws Exception {
        steadyJob("example.com/steady:1");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        Clusters.setResolver(build -> {
            FunctionEngine e = engine;
            if (first.getAndSet(false)) {
                entered.countDown();
                try {
                    release.await(); // the launch is still reading the function when the controller dies
                } catch (InterruptedException e2) {
                    throw new java.io.IOException(e2);
                }
            }
            return new Clusters.Target(e, "default", runtimes);
        });
        FakePipeline pipeline = FakePipeline.start(hello("example.com/steady:1"), new FakeBuild("app", 7), null);
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        FakePipeline resumed = pipeline.kill("before-create", this::newController);
        release.countDown(); // the dead controller's launch goes on against its stopped engine

        assertThatThrownBy(() -> resumed.context().await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("runFunction: Jenkins restarted before run")
                .hasMessageContaining("nothing was created, so the function did not run");
        FunctionRunAction run = FunctionRunAction.of(resumed.build()).get(0);
        assertThat(run.getState()).isEqualTo("ERROR");
        assertThat(run.getReason()).isEqualTo("NotStarted");
        Thread.sleep(500);
        assertThat(sim.requests().count("POST", "/apis/batch/v1/namespaces/*/jobs")).isZero();
        assertThat(noJobLeft()).isTrue();
        assertThat(resumed.context().completions()).isEqualTo(1);
    }

    @Test
    void aCreateInFlightThatNeverLandedIsKnownNotToHaveRun() throws Exception {
        steadyJob("example.com/steady:1");
        RequestGate create = sim.gate("POST", "/apis/batch/v1/namespaces/default/jobs");
        FakePipeline pipeline = FakePipeline.start(hello("example.com/steady:1"), new FakeBuild("app", 8), null);
        assertThat(create.awaitRequest(WAIT)).isTrue();

        FakePipeline resumed = pipeline.kill("create-in-flight", () -> {
            newController();
            create.drop(); // the dead controller's request never took effect
        });

        assertThatThrownBy(() -> resumed.context().await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("NotCreated").hasMessageContaining("the function did not run");
        assertThat(noJobLeft()).isTrue();
        assertThat(sim.requests().count("POST", "/apis/batch/v1/namespaces/*/jobs")).as("never created twice")
                .isEqualTo(1);
    }

    @Test
    void aCreateInFlightThatLandedIsFoundAndFollowed() throws Exception {
        steadyJob("example.com/steady:1");
        RequestGate create = sim.gate("POST", "/apis/batch/v1/namespaces/default/jobs");
        FakePipeline pipeline = FakePipeline.start(hello("example.com/steady:1"), new FakeBuild("app", 9), null);
        assertThat(create.awaitRequest(WAIT)).isTrue();

        FakePipeline resumed = pipeline.kill("create-landed", () -> {
            newController();
            create.open(); // it reached the API server; its answer never reached the dead controller
            eventually(() -> !client.batch().v1().jobs().inNamespace("default").list().getItems().isEmpty(),
                    "the Job exists");
        });

        assertFollowedToTheEnd(pipeline, resumed);
        assertThat(sim.requests().count("POST", "/apis/batch/v1/namespaces/*/jobs")).as("never created twice")
                .isEqualTo(1);
    }

    @Test
    void aKillDuringTheFinalLogReadReadsTheRestAfterTheRestart() throws Exception {
        logLimits = new LogLimits(0, 6, Duration.ofMillis(300)); // logs read by time: the end needs a final read
        engine.close();
        engine = newEngine();
        steadyJob("example.com/steady:1");
        RequestGate finalRead = sim.gate("GET", "/api/v1/namespaces/default/pods/*/log", RequestGate::terminated);
        FakePipeline pipeline = FakePipeline.start(hello("example.com/steady:1"), new FakeBuild("app", 10), null);
        assertThat(finalRead.awaitRequest(WAIT)).as("a read of the log after the container's end").isTrue();

        FakePipeline resumed = pipeline.kill("final-read", () -> {
            newController();
            finalRead.drop();
        });

        assertFollowedToTheEnd(pipeline, resumed);
    }

    @Test
    void aKillDuringTheDeleteEndsWithTheRecordedOutcomeAndDeletesAgain() throws Exception {
        steadyJob("example.com/steady:1");
        RequestGate delete = sim.gate("DELETE", "/apis/batch/v1/namespaces/default/jobs/*");
        FakePipeline pipeline = FakePipeline.start(hello("example.com/steady:1"), new FakeBuild("app", 11), null);
        assertThat(delete.awaitRequest(WAIT)).isTrue();

        FakePipeline resumed = pipeline.kill("mid-delete", () -> {
            newController();
            delete.drop(); // the deletion did not take effect
        });

        assertFollowedToTheEnd(pipeline, resumed);
        assertThat(resumed.context().log()).contains("ended before the restart: COMPLETED");
    }

    @Test
    void aKillAfterTheStepEndedButBeforeTheProgramWasSavedGivesTheSameResult() throws Exception {
        steadyJob("example.com/steady:1");
        FakePipeline pipeline = FakePipeline.start(hello("example.com/steady:1"), new FakeBuild("app", 12), null);
        pipeline.context().await(WAIT);

        FakePipeline resumed = pipeline.kill("after-the-end", this::newController);

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) resumed.context().await(WAIT);
        assertThat(result).containsEntry("status", "COMPLETED").containsEntry("outputs", Map.of("lines", LINES));
        String log = resumed.context().log();
        for (int i = 1; i <= LINES; i++) {
            assertThat(count(log, "line " + i)).isEqualTo(1);
        }
        eventually(this::noJobLeft, "nothing is left");
    }

    @Test
    void aBuildXmlThatNeverNamedTheRunIsCompletedFromTheRunsFile() throws Exception {
        steadyJob("example.com/steady:1");
        FakePipeline pipeline = FakePipeline.start(hello("example.com/steady:1"), new FakeBuild("app", 13), null);
        eventually(() -> pipeline.context().log().contains("line 4\n"), "the run went on");

        File copy = pipeline.crash("never-saved");
        newController();
        Files.deleteIfExists(copy.toPath().resolve("build.xml")); // the build was never saved with the run
        FakePipeline resumed = pipeline.restart(copy);

        assertFollowedToTheEnd(pipeline, resumed);
        assertThat(FunctionRunAction.of(resumed.build())).hasSize(1);
    }

    @Test
    void buildXmlIsWrittenAtMostTwicePerRunAndNeverOnTheEnginesThreads() throws Exception {
        sim.onImage("example.com/quick:1", PodBehavior.succeed().runFor(Duration.ofMillis(200)).logs("a", "b"));
        FakeBuild build = new FakeBuild("app", 14);
        int runs = 12;
        List<FakePipeline> pipelines = new java.util.ArrayList<>();
        for (int i = 0; i < runs; i++) {
            pipelines.add(FakePipeline.start(hello("example.com/quick:1"), build, null));
        }
        for (FakePipeline p : pipelines) {
            p.context().await(WAIT);
        }
        Thread.sleep(1200); // the last coalesced save
        // the first run's record, and the end of the last run under way: not one save per run event
        assertThat(build.saves()).isBetween(1, runs / 2);
        FakeBuild loaded = FakeBuild.load("app", 14, build.getRootDir());
        assertThat(FunctionRunAction.of(loaded)).hasSize(runs)
                .allSatisfy(r -> assertThat(r.getState()).isEqualTo("COMPLETED"));
    }
}
