package io.jenkins.plugins.functions.kubernetes;

import static io.jenkins.plugins.functions.kubernetes.FunctionEngineTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.impl.PythonRuntime;
import io.jenkins.plugins.functions.spec.FunctionSpecReader;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The python runtime's {@code serve} plan run by the engine against the cluster simulation. The
 * simulator runs no Python: a {@link PodBehavior} for the function's image stands for the runner
 * in server mode (its log lines, when its {@code /healthz} turns ready, how it exits). What is
 * checked is the plumbing: the Deployment, its Service and its code ConfigMap, owned by it, the
 * rollout to ready with the URL, a new version rolled forward onto a new ConfigMap, a crash loop
 * ended with the runner's reason, and {@code stopService} leaving nothing behind.
 */
class PythonServeEngineTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final PythonRuntime PYTHON = new PythonRuntime();
    private static final String IMAGE = "registry.example.com/python-serve-test:3.12";
    private static final String FUNCTION = """
            name: echo
            runtime: python
            source:
              files:
                main.py: |
                  from lib.words import greet
                  MODEL = {}
                  def load():
                      MODEL["greeting"] = "Hello"
                  def handler(body):
                      return {"greeting": greet(MODEL["greeting"], body["name"])}
                lib/words.py: |
                  def greet(greeting, name):
                      return f"%s, {name}!"
            handler: {function: main:handler, init: load}
            image: %s
            replicas: 2
            """;

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

    /** The function, its greeting's punctuation standing for a change of code. */
    private static Plan plan(String punctuation) throws Exception {
        FunctionSpec spec = PYTHON.validate(new FunctionSpecReader().read(
                FUNCTION.formatted("{greeting}" + punctuation, IMAGE), "echo.yaml"));
        return PYTHON.plan(RunRequest.builder(spec, ActionKind.SERVE)
                .runId(UUID.randomUUID().toString().substring(0, 10))
                .namespace("default")
                .annotations(Map.of(RunLabels.JENKINS_JOB_ANNOTATION, "team/app"))
                .build());
    }

    private static String configMapName(Plan plan) {
        return plan.objects().stream().filter(o -> o instanceof ConfigMap).findFirst().orElseThrow()
                .getMetadata().getName();
    }

    private static PodBehavior serving() {
        return PodBehavior.longRunning().readyAfter(Duration.ofMillis(200)).logs(
                "[runner] listening on port 8080; GET /healthz answers 503 until the function is set up",
                "[runner] ready: main:handler answers POST requests on port 8080");
    }

    private Set<String> configMapsOfTheFunction() {
        return client.configMaps().inNamespace("default").withLabel(RunLabels.FUNCTION, "echo").list().getItems()
                .stream().map(c -> c.getMetadata().getName()).collect(Collectors.toSet());
    }

    private static String mountedConfigMap(List<Volume> volumes) {
        return volumes.stream().filter(v -> v.getConfigMap() != null).findFirst().orElseThrow()
                .getConfigMap().getName();
    }

    @Test
    void servesToReadyWithTheUrlAndTheCodeConfigMapOwnedByTheDeployment() throws Exception {
        sim.onImage(IMAGE, serving());
        Plan plan = plan("!");
        RecordingListener listener = new RecordingListener();

        engine.start(plan, listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.RUNNING);
        assertThat(outcome.reason()).isEqualTo("Available");
        assertThat(outcome.outputs()).containsEntry("url", "http://echo.default.svc:8080")
                .containsEntry("deployment", "echo").containsEntry("replicas", 2).containsEntry("readyReplicas", 2);
        assertThat(listener.lines).contains("[runner] ready: main:handler answers POST requests on port 8080");

        Deployment deployment = client.apps().deployments().inNamespace("default").withName("echo").get();
        Service service = client.services().inNamespace("default").withName("echo").get();
        ConfigMap code = client.configMaps().inNamespace("default").withName(configMapName(plan)).get();
        assertThat(code).isNotNull();
        assertThat(code.getData()).containsOnlyKeys("runner.py", "code__main.py", "code__lib__words.py");
        for (var owned : List.of(service.getMetadata(), code.getMetadata())) {
            assertThat(owned.getOwnerReferences()).singleElement().satisfies(owner -> {
                assertThat(owner.getKind()).isEqualTo("Deployment");
                assertThat(owner.getUid()).isEqualTo(deployment.getMetadata().getUid());
            });
        }
        List<Pod> pods = client.pods().inNamespace("default").withLabel(RunLabels.FUNCTION, "echo").list().getItems();
        assertThat(pods).hasSize(2).allSatisfy(pod -> {
            assertThat(mountedConfigMap(pod.getSpec().getVolumes())).isEqualTo(code.getMetadata().getName());
            assertThat(pod.getSpec().getContainers().get(0).getReadinessProbe().getHttpGet().getPath())
                    .isEqualTo("/healthz");
        });
        assertThat(service.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void aNewVersionOfTheCodeRollsForwardOntoANewConfigMap() throws Exception {
        sim.onImage(IMAGE, serving());
        Plan first = plan("!");
        RecordingListener firstListener = new RecordingListener();
        engine.start(first, firstListener);
        assertThat(firstListener.await(WAIT).state()).isEqualTo(RunState.RUNNING);

        Plan next = plan("!!");
        RecordingListener nextListener = new RecordingListener();
        engine.start(next, nextListener);
        RunOutcome outcome = nextListener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.RUNNING);
        assertThat(outcome.outputs()).containsEntry("url", "http://echo.default.svc:8080");
        assertThat(nextListener.events).anyMatch(e -> e.contains("rolling forward"));
        assertThat(configMapName(next)).isNotEqualTo(configMapName(first));
        Deployment deployment = client.apps().deployments().inNamespace("default").withName("echo").get();
        assertThat(deployment.getMetadata().getLabels()).containsEntry(RunLabels.VERSION, next.request().function().version());
        assertThat(mountedConfigMap(deployment.getSpec().getTemplate().getSpec().getVolumes()))
                .isEqualTo(configMapName(next));
        eventually(() -> client.pods().inNamespace("default").withLabel(RunLabels.FUNCTION, "echo").list().getItems()
                .stream().allMatch(p -> mountedConfigMap(p.getSpec().getVolumes()).equals(configMapName(next))),
                "only pods of the new code are left");
        assertThat(UnmountedConfigMaps.delete(client, "default", "echo"))
                .as("the old ReplicaSet, kept for a rollback, still mounts the old code").isEmpty();
        assertThat(configMapsOfTheFunction()).containsExactlyInAnyOrder(configMapName(first), configMapName(next));
    }

    @Test
    void theCodeOfAVersionWhoseReplicaSetIsGoneIsDeletedAfterTheNextRollout() throws Exception {
        sim.onImage(IMAGE, serving());
        List<Plan> versions = new ArrayList<>();
        for (String punctuation : List.of("!", "!!", "?")) {
            Plan plan = plan(punctuation);
            RecordingListener listener = new RecordingListener();
            engine.start(plan, listener);
            assertThat(listener.await(WAIT).state()).isEqualTo(RunState.RUNNING);
            versions.add(plan);
            // a roll-forward's clean-up runs after the run ended: let it finish before the
            // ReplicaSet below goes, or it would take the oldest code before the next rollout
            eventually(() -> engine.removal().pendingCleanups() == 0, "the clean-up after the rollout ran");
        }
        String oldest = configMapName(versions.get(0));
        // what Kubernetes' revision history clean-up does beyond revisionHistoryLimit
        for (ReplicaSet replicaSet : client.apps().replicaSets().inNamespace("default")
                .withLabel(RunLabels.FUNCTION, "echo").list().getItems()) {
            if (mountedConfigMap(replicaSet.getSpec().getTemplate().getSpec().getVolumes()).equals(oldest)) {
                client.apps().replicaSets().inNamespace("default").withName(replicaSet.getMetadata().getName())
                        .delete();
            }
        }
        assertThat(configMapsOfTheFunction()).contains(oldest);

        Plan latest = plan("??");
        RecordingListener listener = new RecordingListener();
        engine.start(latest, listener);
        assertThat(listener.await(WAIT).state()).isEqualTo(RunState.RUNNING);

        eventually(() -> !configMapsOfTheFunction().contains(oldest), "the oldest code is deleted");
        assertThat(configMapsOfTheFunction()).as("what the Deployment and its kept ReplicaSets mount stays")
                .containsExactlyInAnyOrder(configMapName(versions.get(1)), configMapName(versions.get(2)),
                        configMapName(latest));
    }

    @Test
    void onlyConfigMapsTheDeploymentOwnsAreEverDeleted() throws Exception {
        sim.onImage(IMAGE, serving());
        RecordingListener listener = new RecordingListener();
        engine.start(plan("!"), listener);
        listener.await(WAIT);
        // a ConfigMap with the function's labels that the Deployment does not own (made by hand)
        client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("echo-settings").withLabels(Map.of(RunLabels.MANAGED_BY, RunLabels.MANAGER,
                        RunLabels.FUNCTION, "echo")).endMetadata().withData(Map.of("a", "1")).build()).create();

        assertThat(UnmountedConfigMaps.delete(client, "default", "echo")).isEmpty();
        assertThat(configMapsOfTheFunction()).contains("echo-settings");
    }

    @Test
    void stopRemovesTheDeploymentTheServiceAndEveryCodeConfigMap() throws Exception {
        sim.onImage(IMAGE, serving());
        Plan first = plan("!");
        RecordingListener firstListener = new RecordingListener();
        engine.start(first, firstListener);
        firstListener.await(WAIT);
        RecordingListener nextListener = new RecordingListener();
        Plan next = plan("?");
        engine.start(next, nextListener);
        nextListener.await(WAIT);
        assertThat(configMapsOfTheFunction()).hasSize(2);

        List<StoppedService> stopped = engine.stopService("default", "echo").get();

        assertThat(stopped).singleElement().satisfies(s -> assertThat(s.runId()).isEqualTo(next.request().runId()));
        eventually(() -> client.apps().deployments().inNamespace("default").list().getItems().isEmpty()
                && client.services().inNamespace("default").withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                        .list().getItems().isEmpty()
                && configMapsOfTheFunction().isEmpty()
                && client.pods().inNamespace("default").list().getItems().isEmpty(),
                "no Deployment, Service, ConfigMap or Pod of the function is left");
    }

    @Test
    void anInitFunctionThatRaisesEndsInACrashLoopWithTheRunnersReason() throws Exception {
        // what the runner does when load() raises: the traceback on stderr, the error as the
        // termination message, exit code 1; Kubernetes restarts it until it backs off. Its
        // /healthz never said 200: it is never ready
        sim.onImage(IMAGE, PodBehavior.fail(1).crashLoop().restartBackoff(Duration.ofMillis(50))
                .runFor(Duration.ofMillis(100)).neverReady()
                .logs("[runner] listening on port 8080; GET /healthz answers 503 until the function is set up",
                        "Traceback (most recent call last):",
                        "  File \"/function/code/main.py\", line 4, in load",
                        "RuntimeError: no model file")
                .terminationMessage("{\"error\":\"RuntimeError: no model file\"}"));
        Plan plan = plan("!");
        RecordingListener listener = new RecordingListener();

        engine.start(plan, listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        assertThat(outcome.reason()).isEqualTo("CrashLoopBackOff");
        assertThat(outcome.message()).startsWith("the container keeps exiting (")
                .contains("last exit code 1 Error").endsWith("): RuntimeError: no model file");
        assertThat(listener.lines).contains("RuntimeError: no model file");
        // a first serve that fails leaves nothing: the Deployment goes, and what it owns with it
        eventually(() -> client.apps().deployments().inNamespace("default").list().getItems().isEmpty()
                && client.services().inNamespace("default").withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                        .list().getItems().isEmpty()
                && configMapsOfTheFunction().isEmpty(), "nothing of the failed service is left");
    }

    @Test
    void aServiceThatNeverTurnsReadyEndsAsNotReady() throws Exception {
        // the runner listens, but its /healthz stays 503: an init function that never returns
        sim.onImage(IMAGE, PodBehavior.longRunning().neverReady()
                .logs("[runner] listening on port 8080; GET /healthz answers 503 until the function is set up"));
        RecordingListener listener = new RecordingListener();
        Plan plan = PYTHON.plan(RunRequest.builder(plan("!").request().function(), ActionKind.SERVE)
                .runId("slowinit01").namespace("default").timeout(Duration.ofSeconds(2)).build());

        engine.start(plan, listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        assertThat(outcome.reason()).isIn("NotReady", "ProgressDeadlineExceeded");
        eventually(() -> configMapsOfTheFunction().isEmpty(), "its ConfigMap goes with its Deployment");
    }
}
