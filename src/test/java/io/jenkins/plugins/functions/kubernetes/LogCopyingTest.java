package io.jenkins.plugins.functions.kubernetes;

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

/** How logs are copied: live streams up to a limit, by time beyond it; and what a run costs the API server. */
class LogCopyingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        client.close();
        sim.close();
    }

    private static List<String> numbered(String prefix, int count) {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            lines.add(prefix + i);
        }
        return lines;
    }

    @Test
    void beyondTheLiveStreamsLogsAreCopiedByTimeCompleteAndInOrder() throws Exception {
        engine = new FunctionEngine(client, EngineOptions.defaults(), new LogLimits(1, 2, Duration.ofMillis(200)));
        sim.onImage("example.com/chatty:1", PodBehavior.succeed().runFor(Duration.ofSeconds(2))
                .logEvery(Duration.ofMillis(50), 40, "line "));
        List<RecordingListener> listeners = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            RecordingListener l = new RecordingListener();
            listeners.add(l);
            engine.start(plan("example.com/chatty:1", null), l);
        }
        FunctionEngineTest.eventually(() -> listeners.stream().allMatch(l -> l.states.contains(RunState.RUNNING)),
                "all run");
        assertThat(engine.liveLogStreams()).as("one live stream; the others are polled").isLessThanOrEqualTo(1);

        for (RecordingListener l : listeners) {
            RunOutcome outcome = l.await(WAIT);
            assertThat(outcome.state()).isEqualTo(RunState.COMPLETED);
            assertThat(l.lines).as("every line once, in order, live or polled")
                    .containsExactlyElementsOf(numbered("line ", 40));
        }
        assertThat(engine.liveLogStreams()).isZero();
    }

    @Test
    void aJobRunCostsThreeRequestsBesidesTheSharedWatches() throws Exception {
        engine = new FunctionEngine(client, EngineOptions.defaults());
        sim.onImage("example.com/hello:1", PodBehavior.succeed().runFor(Duration.ofMillis(400)).logs("a", "b"));
        // warm up: the namespace's informers list and watch once for all runs
        RecordingListener warm = new RecordingListener();
        engine.start(plan("example.com/hello:1", null), warm);
        warm.await(WAIT);
        Thread.sleep(300);
        sim.requests().reset();

        RecordingListener listener = new RecordingListener();
        engine.start(plan("example.com/hello:1", null), listener);
        RunOutcome outcome = listener.await(WAIT);
        Thread.sleep(300);

        assertThat(outcome.state()).isEqualTo(RunState.COMPLETED);
        assertThat(listener.lines).containsExactly("a", "b");
        List<String> perRun = sim.requests().lines().stream()
                .filter(l -> !l.contains("watch=true")).toList();
        assertThat(perRun).as("create, one log stream, delete: " + perRun).hasSize(3);
        assertThat(sim.requests().count("POST", "/apis/batch/v1/namespaces/*/jobs")).isEqualTo(1);
        assertThat(sim.requests().count("GET", "/api/v1/namespaces/*/pods/*/log")).isEqualTo(1);
        assertThat(sim.requests().count("DELETE", "/apis/batch/v1/namespaces/*/jobs/*")).isEqualTo(1);
    }

    @Test
    void aPollAfterTheContainersEndSparesTheFinalRead() throws Exception {
        // No live stream: the log is read every 3 s. The node reports the container's end 4.5 s
        // after it (a busy kubelet); the second read, more than 2 s after the end, had it whole.
        engine = new FunctionEngine(client, EngineOptions.defaults(), new LogLimits(0, 1, Duration.ofSeconds(3)));
        sim.onImage("example.com/late:1", PodBehavior.succeed().runFor(Duration.ofMillis(300)).logs("a", "b")
                .terminalStatusLag(Duration.ofMillis(4500)));
        RecordingListener listener = new RecordingListener();

        engine.start(plan("example.com/late:1", null), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.COMPLETED);
        assertThat(listener.lines).containsExactly("a", "b");
        assertThat(sim.requests().matching("GET", "/api/v1/namespaces/*/pods/*/log"))
                .as("a read when the container ran, one after its end, none when the end was reported").hasSize(2);
    }
}
