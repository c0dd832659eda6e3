package io.jenkins.plugins.functions.kubernetes;

import static io.jenkins.plugins.functions.kubernetes.FunctionEngineTest.eventually;
import static io.jenkins.plugins.functions.kubernetes.FunctionEngineTest.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fail-fast thresholds ({@link EngineOptions}): the pending timeout, its interplay with the
 * other rules, and thresholds changed while the engine runs. The image-pull and unschedulable
 * rules themselves are in {@link FunctionEngineTest}.
 */
class FailFastThresholdsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        engine = new FunctionEngine(client, EngineOptions.defaults().withLogDrainTimeout(Duration.ofSeconds(5))
                .withPendingTimeout(Duration.ofSeconds(1)));
    }

    @AfterEach
    void stop() {
        engine.close();
        client.close();
        sim.close();
    }

    private void assertNothingLeft() {
        eventually(() -> client.batch().v1().jobs().inNamespace("default").list().getItems().isEmpty()
                && client.pods().inNamespace("default").list().getItems().isEmpty(), "the Job and its pod are deleted");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        EngineOptions d = EngineOptions.defaults();
        assertThat(d.imagePullGrace()).isEqualTo(Duration.ofSeconds(15));
        assertThat(d.unschedulableGrace()).isEqualTo(Duration.ofMinutes(2));
        assertThat(d.configErrorGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.pendingTimeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void negativeThresholdsAreRefused() {
        assertThatThrownBy(() -> EngineOptions.defaults().withPendingTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pendingTimeout")
                .hasMessageContaining("-1s").hasMessageContaining("0s or more");
        assertThatThrownBy(() -> EngineOptions.defaults().withImagePullGrace(Duration.ofSeconds(-5)))
                .hasMessageContaining("imagePullGrace");
    }

    @Test
    void aContainerThatNeverStartsEndsAsPendingTooLong() throws Exception {
        sim.onImage("example.com/slow-pull:1", PodBehavior.succeed().pendingFor(Duration.ofHours(1)));
        RecordingListener listener = new RecordingListener();
        long started = System.nanoTime();
        RunHandle handle = engine.start(plan("example.com/slow-pull:1", Duration.ofHours(1)), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        assertThat(outcome.reason()).isEqualTo("PendingTooLong");
        assertThat(outcome.message()).contains("did not start within 1s (pendingTimeout)")
                .contains("default/" + handle.ref().name());
        assertThat(outcome.exitCode()).isNull();
        assertThat(listener.states).contains(RunState.PENDING).doesNotContain(RunState.RUNNING);
        assertThat(listener.events).anyMatch(e -> e.startsWith("Failing Job default/") && e.contains("pendingTimeout"));
        assertThat(listener.completions).hasValue(1);
        assertNothingLeft();
    }

    @Test
    void aContainerThatStartsInTimeIsNotFailedLater() throws Exception {
        sim.onImage("example.com/quick-pull:1", PodBehavior.succeed().pendingFor(Duration.ofMillis(200))
                .runFor(Duration.ofMillis(2500)).logs("working"));
        RecordingListener listener = new RecordingListener();
        engine.start(plan("example.com/quick-pull:1", null), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).as("ran past the 1s pending timeout: the timer was cancelled at the start")
                .isEqualTo(RunState.COMPLETED);
        assertThat(listener.lines).containsExactly("working");
    }

    @Test
    void zeroMeansNoPendingLimit() throws Exception {
        engine.updateOptions(engine.options().withPendingTimeout(Duration.ZERO));
        sim.onImage("example.com/slowish:1", PodBehavior.succeed().pendingFor(Duration.ofMillis(1500)));
        RecordingListener listener = new RecordingListener();
        engine.start(plan("example.com/slowish:1", null), listener);
        assertThat(listener.await(WAIT).state()).isEqualTo(RunState.COMPLETED);
    }

    @Test
    void changedThresholdsApplyToTheNextRun() throws Exception {
        engine.updateOptions(engine.options().withPendingTimeout(Duration.ofMinutes(10))
                .withImagePullGrace(Duration.ZERO));
        sim.onImage("example.com/missing:1", PodBehavior.succeed().imagePullFails());
        RecordingListener listener = new RecordingListener();
        engine.start(plan("example.com/missing:1", null), listener);
        RunOutcome outcome = listener.await(WAIT);
        assertThat(outcome.reason()).as("the image-pull rule, at once (grace 0)").isIn("ErrImagePull", "ImagePullBackOff");
        assertThat(listener.events).noneMatch(e -> e.contains("failing in"));
    }

    @Test
    void anotherRuleThatComesFirstDecides() throws Exception {
        engine.updateOptions(engine.options().withUnschedulableGrace(Duration.ZERO)
                .withPendingTimeout(Duration.ofSeconds(5)));
        sim.onImage("example.com/huge:1", PodBehavior.succeed().unschedulable("0/1 nodes are available: 1 Insufficient cpu."));
        RecordingListener listener = new RecordingListener();
        engine.start(plan("example.com/huge:1", null), listener);
        RunOutcome outcome = listener.await(WAIT);
        assertThat(outcome.reason()).isEqualTo("Unschedulable");
        assertThat(outcome.message()).contains("Insufficient cpu");
        assertNothingLeft();
    }
}
