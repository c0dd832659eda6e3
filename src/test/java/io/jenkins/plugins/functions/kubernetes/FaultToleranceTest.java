package io.jenkins.plugins.functions.kubernetes;

import static io.jenkins.plugins.functions.kubernetes.FunctionEngineTest.eventually;
import static io.jenkins.plugins.functions.kubernetes.FunctionEngineTest.plan;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs survive what a real cluster does to its clients: the API server drops every connection,
 * watches expire (410 Gone) and must list again, users abort at awkward moments.
 */
class FaultToleranceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        engine = new FunctionEngine(client, EngineOptions.defaults().withLogDrainTimeout(Duration.ofSeconds(5)));
    }

    @AfterEach
    void stop() {
        engine.close();
        client.close();
        assertThat(sim.errors()).isEmpty();
        sim.close();
    }

    private static List<String> numbered(String prefix, int count) {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            lines.add(prefix + i);
        }
        return lines;
    }

    private boolean nothingLeft() {
        return client.batch().v1().jobs().inNamespace("default").list().getItems().isEmpty()
                && client.pods().inNamespace("default").list().getItems().isEmpty();
    }

    @Test
    void apiServerBlinkLosesNeitherTheEndNorALogLine() throws Exception {
        sim.onImage("example.com/steady:1", PodBehavior.succeed().runFor(Duration.ofSeconds(3))
                .logEvery(Duration.ofMillis(100), 30, "line ").terminationMessage("{\"ok\":true}"));
        RecordingListener listener = new RecordingListener();
        engine.start(plan("example.com/steady:1", null), listener);
        eventually(() -> listener.lines.size() >= 5, "some lines arrived");

        int cut = sim.dropConnections();
        RunOutcome outcome = listener.await(WAIT);

        assertThat(cut).as("connections were open: watches and the log stream").isGreaterThanOrEqualTo(2);
        assertThat(outcome.state()).isEqualTo(RunState.COMPLETED);
        assertThat(outcome.outputs()).containsEntry("ok", true);
        assertThat(listener.lines).as("every line once, in order, across the reconnect")
                .containsExactlyElementsOf(numbered("line ", 30));
        assertThat(listener.completions).hasValue(1);
        eventually(this::nothingLeft, "the Job is deleted");
    }

    @Test
    void expiredWatchesAreListedAgainAndTheEndIsStillSeen() throws Exception {
        sim.onImage("example.com/steady:1", PodBehavior.succeed().runFor(Duration.ofSeconds(2))
                .logEvery(Duration.ofMillis(100), 20, "line "));
        RecordingListener listener = new RecordingListener();
        engine.start(plan("example.com/steady:1", null), listener);
        listener.awaitRunning(WAIT);

        // Both informers' next watches are refused with 410 Gone after the blink: they must list
        // again (seeing what changed meanwhile) and watch from there.
        sim.expireWatches(4);
        sim.dropConnections();
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.COMPLETED);
        assertThat(listener.lines).containsExactlyElementsOf(numbered("line ", 20));
        // The end may come through the informer that listed again first: the other's new list
        // can follow the completion by a moment.
        eventually(() -> sim.requests().entries().stream()
                .filter(e -> e.method().equals("GET") && (e.query() == null || !e.query().contains("watch=true")))
                .filter(e -> e.path().equals("/apis/batch/v1/namespaces/default/jobs")
                        || e.path().equals("/api/v1/namespaces/default/pods"))
                .count() >= 4, "both informers listed once at the start and again after the 410");
        eventually(this::nothingLeft, "the Job is deleted");
    }

    @Test
    void abortWhilePendingDeletesTheJob() throws Exception {
        engine.close();
        engine = new FunctionEngine(client, EngineOptions.defaults().withImagePullGrace(Duration.ofHours(1)));
        sim.onImage("example.com/missing:1", PodBehavior.succeed().imagePullFails());
        RecordingListener listener = new RecordingListener();
        RunHandle handle = engine.start(plan("example.com/missing:1", null), listener);
        eventually(() -> listener.states.contains(RunState.PENDING), "the pod is pending");

        handle.stop("the build was aborted");
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.STOPPED);
        assertThat(outcome.message()).isEqualTo("the build was aborted");
        eventually(this::nothingLeft, "the Job and its pod are deleted");
    }

    @Test
    void abortRacingTheEndEndsTheRunOnceAndLeavesNothing() throws Exception {
        sim.onImage("example.com/quick:1", PodBehavior.succeed().runFor(Duration.ofMillis(300))
                .logs("first", "last"));
        List<RecordingListener> listeners = new ArrayList<>();
        // Stop each run at a different moment around its end: after its first line, after its
        // last line (while the engine drains the log and deletes the Job), and after it ended.
        for (int stopAfter = 0; stopAfter < 3; stopAfter++) {
            RecordingListener listener = new RecordingListener();
            RunHandle handle = engine.start(plan("example.com/quick:1", null), listener);
            int lines = stopAfter + 1;
            eventually(() -> listener.lines.size() >= Math.min(lines, 2) || listener.outcome.isDone(), "progress");
            if (lines == 3) {
                listener.await(WAIT);
            }
            handle.stop("the build was aborted");
            listeners.add(listener);
        }
        for (RecordingListener listener : listeners) {
            RunOutcome outcome = listener.await(WAIT);
            assertThat(outcome.state()).isIn(RunState.STOPPED, RunState.COMPLETED);
            Thread.sleep(200);
            assertThat(listener.completions).as("ends exactly once").hasValue(1);
        }
        eventually(this::nothingLeft, "every Job and pod is deleted");
    }
}
