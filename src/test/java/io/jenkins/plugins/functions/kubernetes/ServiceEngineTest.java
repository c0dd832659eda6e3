package io.jenkins.plugins.functions.kubernetes;

import static io.jenkins.plugins.functions.kubernetes.FunctionEngineTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
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
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The serve and deploy actions end to end: rollout, readiness, roll forward, failures, stop. */
class ServiceEngineTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ContainerRuntime CONTAINER = new ContainerRuntime();

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        engine = new FunctionEngine(client, EngineOptions.defaults().withImagePullGrace(Duration.ZERO));
    }

    @AfterEach
    void stop() {
        engine.close();
        client.close();
        assertThat(sim.errors()).isEmpty();
        sim.close();
    }

    static Plan servePlan(String image, ActionKind action, Map<String, Object> extra, Duration timeout) throws Exception {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("image", image);
        fields.put("ports", List.of(8080));
        fields.put("replicas", 2);
        fields.putAll(extra);
        FunctionSpec spec = CONTAINER.validate(FunctionSpec.of("web", "container", fields));
        RunRequest request = RunRequest.builder(spec, action)
                .runId(UUID.randomUUID().toString().substring(0, 10))
                .namespace("default")
                .timeout(timeout)
                .annotations(Map.of(RunLabels.JENKINS_JOB_ANNOTATION, "team/app"))
                .build();
        return CONTAINER.plan(request);
    }

    @Test
    void serveWaitsForTheRolloutAndReturnsTheUrl() throws Exception {
        sim.onImage("example.com/web:1", PodBehavior.longRunning().readyAfter(Duration.ofMillis(200))
                .logs("listening on :8080"));
        RecordingListener listener = new RecordingListener();
        RunHandle handle = engine.start(servePlan("example.com/web:1", ActionKind.SERVE, Map.of(), null), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.RUNNING);
        assertThat(outcome.reason()).isEqualTo("Available");
        assertThat(outcome.outputs()).containsEntry("url", "http://web.default.svc:8080")
                .containsEntry("replicas", 2).containsEntry("readyReplicas", 2);
        assertThat(listener.lines).contains("listening on :8080");
        assertThat(handle.ref().kind()).isEqualTo("Deployment");
        assertThat(engine.activeRuns()).as("the service outlives its start: the engine no longer follows it").isZero();

        Deployment deployment = client.apps().deployments().inNamespace("default").withName("web").get();
        Service service = client.services().inNamespace("default").withName("web").get();
        assertThat(deployment).isNotNull();
        assertThat(service).isNotNull();
        assertThat(service.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(service.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(deployment.getMetadata().getUid()));
        assertThat(client.pods().inNamespace("default").withLabels(deployment.getSpec().getSelector().getMatchLabels())
                .list().getItems()).hasSize(2);
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(8080));
        assertThat(container.getReadinessProbe().getTcpSocket().getPort().getIntVal()).isEqualTo(8080);
    }

    @Test
    void servingANewVersionRollsForward() throws Exception {
        sim.onImage("example.com/web:*", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        RecordingListener first = new RecordingListener();
        engine.start(servePlan("example.com/web:1", ActionKind.SERVE, Map.of(), null), first);
        assertThat(first.await(WAIT).state()).isEqualTo(RunState.RUNNING);
        String firstVersion = client.apps().deployments().inNamespace("default").withName("web").get()
                .getMetadata().getLabels().get(RunLabels.VERSION);

        RecordingListener second = new RecordingListener();
        Plan next = servePlan("example.com/web:2", ActionKind.SERVE, Map.of(), null);
        engine.start(next, second);
        RunOutcome outcome = second.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.RUNNING);
        assertThat(second.events).anyMatch(e -> e.contains("rolling forward"));
        Deployment deployment = client.apps().deployments().inNamespace("default").withName("web").get();
        assertThat(deployment.getMetadata().getLabels().get(RunLabels.VERSION)).isNotEqualTo(firstVersion)
                .isEqualTo(next.request().function().version());
        eventually(() -> client.pods().inNamespace("default").withLabel(RunLabels.FUNCTION, "web").list().getItems()
                .stream().allMatch(p -> p.getSpec().getContainers().get(0).getImage().equals("example.com/web:2")),
                "only pods of the new version are left");
    }

    @Test
    void aServiceThatNeverBecomesReadyFailsAndIsRemoved() throws Exception {
        sim.onImage("example.com/web:1", PodBehavior.longRunning().neverReady());
        RecordingListener listener = new RecordingListener();
        engine.start(servePlan("example.com/web:1", ActionKind.SERVE, Map.of(), Duration.ofSeconds(2)), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        assertThat(outcome.reason()).isIn("NotReady", "ProgressDeadlineExceeded");
        eventually(() -> client.apps().deployments().inNamespace("default").list().getItems().isEmpty()
                && client.services().inNamespace("default").withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                        .list().getItems().isEmpty(), "a service this run created is removed");
    }

    @Test
    void aCrashLoopingServiceFailsWithItsExitCode() throws Exception {
        sim.onImage("example.com/web:1", PodBehavior.fail(3).crashLoop().restartBackoff(Duration.ofMillis(50)));
        RecordingListener listener = new RecordingListener();
        engine.start(servePlan("example.com/web:1", ActionKind.SERVE, Map.of("replicas", 1), null), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        assertThat(outcome.reason()).isEqualTo("CrashLoopBackOff");
        assertThat(outcome.message()).contains("restarts").contains("exit code 3");
    }

    @Test
    void aFailedNewVersionLeavesTheRunningServiceInPlace() throws Exception {
        sim.onImage("example.com/web:1", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        sim.onImage("example.com/web:broken", PodBehavior.succeed().imagePullFails());
        RecordingListener first = new RecordingListener();
        engine.start(servePlan("example.com/web:1", ActionKind.SERVE, Map.of(), null), first);
        first.await(WAIT);

        RecordingListener second = new RecordingListener();
        engine.start(servePlan("example.com/web:broken", ActionKind.SERVE, Map.of(), null), second);
        RunOutcome outcome = second.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        assertThat(outcome.message()).contains("previous pods keep serving");
        assertThat(client.apps().deployments().inNamespace("default").withName("web").get()).isNotNull();
    }

    @Test
    void deployHasNoService() throws Exception {
        sim.onImage("example.com/worker:1", PodBehavior.longRunning());
        RecordingListener listener = new RecordingListener();
        engine.start(servePlan("example.com/worker:1", ActionKind.DEPLOY, Map.of(), null), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.RUNNING);
        assertThat(outcome.outputs()).doesNotContainKey("url");
        assertThat(client.services().inNamespace("default").withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                .list().getItems()).isEmpty();
    }

    @Test
    void stopServiceRemovesEverythingItCreated() throws Exception {
        sim.onImage("example.com/web:1", PodBehavior.longRunning());
        RecordingListener listener = new RecordingListener();
        Plan plan = servePlan("example.com/web:1", ActionKind.SERVE, Map.of(), null);
        engine.start(plan, listener);
        listener.await(WAIT);

        List<StoppedService> stopped = engine.stopService("default", "web").get();

        assertThat(stopped).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("web");
            assertThat(s.runId()).isEqualTo(plan.request().runId());
            assertThat(s.annotations()).containsEntry(RunLabels.JENKINS_JOB_ANNOTATION, "team/app");
        });
        eventually(() -> client.apps().deployments().inNamespace("default").list().getItems().isEmpty()
                && client.services().inNamespace("default").withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                        .list().getItems().isEmpty()
                && client.pods().inNamespace("default").list().getItems().isEmpty(), "nothing is left");
        assertThat(engine.stopService("default", "web").get()).as("stopping again is harmless").isEmpty();
    }

    @Test
    void abortingARollForwardLeavesTheServingVersion() throws Exception {
        sim.onImage("example.com/web:1", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        sim.onImage("example.com/web:slow", PodBehavior.longRunning().neverReady());
        RecordingListener first = new RecordingListener();
        engine.start(servePlan("example.com/web:1", ActionKind.SERVE, Map.of(), null), first);
        first.await(WAIT);

        RecordingListener second = new RecordingListener();
        RunHandle handle = engine.start(servePlan("example.com/web:slow", ActionKind.SERVE, Map.of(), null), second);
        eventually(() -> second.events.stream().anyMatch(e -> e.contains("rolling forward")), "the update started");
        handle.stop("the build was aborted");
        RunOutcome outcome = second.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.STOPPED);
        assertThat(outcome.message()).contains("was already serving: it is left as it is");
        Thread.sleep(300);
        assertThat(client.apps().deployments().inNamespace("default").withName("web").get())
                .as("the service is not taken down").isNotNull();
    }

    @Test
    void aResumedServeWaitsWithItsOwnTimeoutAndFindsItsUrl() throws Exception {
        sim.onImage("example.com/web:1", PodBehavior.longRunning().readyAfter(Duration.ofMillis(1500)));
        RecordingListener before = new RecordingListener();
        RunHandle handle = engine.start(servePlan("example.com/web:1", ActionKind.SERVE, Map.of(), null), before);
        eventually(() -> before.states.contains(RunState.READY), "the Deployment exists");
        RunRef ref = handle.ref();
        engine.close();

        engine = new FunctionEngine(client, EngineOptions.defaults());
        RecordingListener after = new RecordingListener();
        engine.attach(ref, LogCursor.START, after, Duration.ofSeconds(20));
        RunOutcome outcome = after.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.RUNNING);
        assertThat(outcome.outputs()).containsEntry("url", "http://web.default.svc:8080");
        assertThat(before.completions).hasValue(0);
    }

    @Test
    void aRollForwardWhoseUpdateNeverLandedEndsNotCreatedAndLeavesTheServingVersion() throws Exception {
        sim.onImage("example.com/web:1", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        RecordingListener first = new RecordingListener();
        RunHandle served = engine.start(servePlan("example.com/web:1", ActionKind.SERVE, Map.of(), null), first);
        assertThat(first.await(WAIT).state()).isEqualTo(RunState.RUNNING);
        engine.close();

        // A second version's run recorded its workload, then the controller died before its update landed:
        // the Deployment of that name is the first run's.
        engine = new FunctionEngine(client, EngineOptions.defaults());
        RecordingListener after = new RecordingListener();
        engine.attach(new RunRef("default", "Deployment", served.ref().name(), "second1234"), LogCursor.START, after,
                Duration.ofSeconds(20), false);
        RunOutcome outcome = after.await(WAIT);

        assertThat(outcome.reason()).isEqualTo("NotCreated");
        Thread.sleep(300);
        assertThat(client.apps().deployments().inNamespace("default").withName(served.ref().name()).get()
                .getMetadata().getLabels()).as("the serving version is left alone")
                .containsEntry(RunLabels.RUN_ID, served.ref().runId());
        assertThat(sim.requests().count("DELETE", "/apis/apps/v1/namespaces/default/deployments/*")).isZero();
    }

    @Test
    void abortBeforeTheServiceIsUpRemovesIt() throws Exception {
        sim.onImage("example.com/web:1", PodBehavior.longRunning().neverReady());
        RecordingListener listener = new RecordingListener();
        RunHandle handle = engine.start(servePlan("example.com/web:1", ActionKind.SERVE, Map.of(), null), listener);
        eventually(() -> listener.states.contains(RunState.RUNNING), "pods run");
        handle.stop("the build was aborted");
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.STOPPED);
        eventually(() -> client.apps().deployments().inNamespace("default").list().getItems().isEmpty(),
                "the Deployment is deleted");
    }
}
