package io.jenkins.plugins.functions.kubernetes;

import static io.jenkins.plugins.functions.kubernetes.FunctionEngineTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
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
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The python runtime's job plan run by the engine against the cluster simulation. The simulator
 * does not run Python: a {@link PodBehavior} registered for the function's image stands for what
 * the runner would print and write. What is checked is the plumbing: the ConfigMap with the runner
 * and the code exists while the Job runs and is owned by it, the pod mounts it, the outcome and
 * outputs come back, and deleting the Job garbage-collects the ConfigMap.
 */
class PythonJobEngineTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final PythonRuntime PYTHON = new PythonRuntime();
    private static final String IMAGE = "registry.example.com/python-engine-test:3.12";
    private static final String FUNCTION = """
            name: greeter
            runtime: python
            source:
              files:
                main.py: |
                  from lib.words import hello
                  def handler(parameters):
                      return {"greeting": hello(parameters["who"])}
                lib/words.py: |
                  def hello(who):
                      return "Hello, " + who + "!"
            handler: main:handler
            image: %s
            """.formatted(IMAGE);

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        engine = new FunctionEngine(client, EngineOptions.defaults()
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

    private static Plan plan() throws Exception {
        FunctionSpec spec = PYTHON.validate(new FunctionSpecReader().read(FUNCTION, "greeter.yaml"));
        RunRequest request = RunRequest.builder(spec, ActionKind.JOB)
                .runId(UUID.randomUUID().toString().substring(0, 10))
                .namespace("default")
                .parameters(Map.of("who", "Ada"))
                .build();
        return PYTHON.plan(request);
    }

    private ConfigMap configMap(Plan plan) {
        return client.configMaps().inNamespace("default")
                .withName(plan.workload().getMetadata().getName() + "-code").get();
    }

    private void assertNothingLeft() {
        eventually(() -> client.batch().v1().jobs().inNamespace("default").list().getItems().isEmpty()
                && client.pods().inNamespace("default").list().getItems().isEmpty()
                && client.configMaps().inNamespace("default").withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                        .list().getItems().isEmpty(),
                "no Job, Pod or ConfigMap of the plugin is left");
    }

    @Test
    void aPythonJobRunsWithItsCodeConfigMapWhichGoesWithTheJob() throws Exception {
        sim.onImage(IMAGE, PodBehavior.succeed().runFor(Duration.ofSeconds(2))
                .logs("[runner] main:handler", "Hello from the handler")
                .terminationMessage("{\"greeting\":\"Hello, Ada!\"}"));
        Plan plan = plan();
        String jobName = plan.workload().getMetadata().getName();
        RecordingListener listener = new RecordingListener();

        engine.start(plan, listener);
        listener.awaitRunning(WAIT);

        // while it runs: the Job's pod mounts the ConfigMap, which holds the runner and the code
        eventually(() -> configMap(plan) != null, "the ConfigMap exists");
        Job job = client.batch().v1().jobs().inNamespace("default").withName(jobName).get();
        ConfigMap code = configMap(plan);
        assertThat(code.getData()).containsOnlyKeys("runner.py", "code__main.py", "code__lib__words.py");
        assertThat(code.getData().get("runner.py")).isEqualTo(PythonRuntime.runner());
        assertThat(code.getData().get("code__lib__words.py")).contains("return \"Hello, \" + who + \"!\"");
        assertThat(code.getImmutable()).isTrue();
        assertThat(code.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getKind()).isEqualTo("Job");
            assertThat(owner.getName()).isEqualTo(jobName);
            assertThat(owner.getUid()).isEqualTo(job.getMetadata().getUid());
            assertThat(owner.getBlockOwnerDeletion()).isTrue();
        });
        assertThat(code.getMetadata().getLabels()).containsEntry(RunLabels.RUN_ID, plan.request().runId())
                .containsEntry(RunLabels.RUNTIME, "python");

        PodSpec podSpec = client.pods().inNamespace("default").withLabel(RunLabels.RUN_ID, plan.request().runId())
                .list().getItems().get(0).getSpec();
        Volume volume = podSpec.getVolumes().stream().filter(v -> v.getConfigMap() != null).findFirst().orElseThrow();
        assertThat(volume.getConfigMap().getName()).isEqualTo(code.getMetadata().getName());
        assertThat(volume.getConfigMap().getItems()).anySatisfy(item -> {
            assertThat(item.getKey()).isEqualTo("code__lib__words.py");
            assertThat(item.getPath()).isEqualTo("code/lib/words.py");
        });
        Container container = podSpec.getContainers().get(0);
        assertThat(container.getName()).isEqualTo(RunLabels.MAIN_CONTAINER);
        assertThat(container.getCommand()).containsExactly("python3", "-u", "/function/runner.py");
        assertThat(container.getVolumeMounts()).anySatisfy(mount -> {
            assertThat(mount.getName()).isEqualTo(volume.getName());
            assertThat(mount.getMountPath()).isEqualTo("/function");
            assertThat(mount.getReadOnly()).isTrue();
        });

        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.COMPLETED);
        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.outputs()).isEqualTo(Map.of("greeting", "Hello, Ada!"));
        assertThat(listener.lines).containsExactly("[runner] main:handler", "Hello from the handler");
        assertThat(listener.events).anyMatch(e -> e.startsWith("Deleted Job default/" + jobName));
        // the engine deletes the Job; the garbage collector takes the ConfigMap with it
        assertNothingLeft();
        assertThat(sim.errors()).isEmpty();
    }

    @Test
    void aHandlerExceptionFailsTheRunWithTheErrorAsOutputs() throws Exception {
        sim.onImage(IMAGE, PodBehavior.fail(1).runFor(Duration.ofMillis(300))
                .logs("Traceback (most recent call last):", "  File \"/function/code/main.py\", line 3, in handler",
                        "KeyError: 'who'")
                .terminationMessage("{\"error\":\"KeyError: 'who'\"}"));
        RecordingListener listener = new RecordingListener();

        engine.start(plan(), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.outputs()).isEqualTo(Map.of("error", "KeyError: 'who'"));
        assertThat(listener.lines).contains("KeyError: 'who'");
        assertNothingLeft();
    }

    @Test
    void abortingTheRunTakesTheConfigMapWithTheJob() throws Exception {
        sim.onImage(IMAGE, PodBehavior.succeed().runForever().logs("working"));
        Plan plan = plan();
        RecordingListener listener = new RecordingListener();

        RunHandle handle = engine.start(plan, listener);
        listener.awaitRunning(WAIT);
        eventually(() -> configMap(plan) != null, "the ConfigMap exists");
        handle.stop("Aborted by test");
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.STOPPED);
        assertNothingLeft();
    }
}
