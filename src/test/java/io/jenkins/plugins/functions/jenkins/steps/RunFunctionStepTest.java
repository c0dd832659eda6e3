package io.jenkins.plugins.functions.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.jenkins.FakeStepContext;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.jenkins.history.StateTransition;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code runFunction} step's execution, with test doubles of the Pipeline context and the
 * build, against the mock API server and the cluster simulation: the same code path a Pipeline
 * takes, minus Jenkins itself.
 */
class RunFunctionStepTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;
    private Clusters.Resolver previous;

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        useNewEngine();
    }

    private void useNewEngine() {
        engine = new FunctionEngine(client, EngineOptions.defaults().withLogDrainTimeout(Duration.ofSeconds(5)));
        FunctionEngine e = engine;
        RuntimeRegistry runtimes = RuntimeRegistry.fromServiceLoader(getClass().getClassLoader());
        Clusters.Resolver old = Clusters.setResolver(build -> new Clusters.Target(e, "default", runtimes));
        if (previous == null) {
            previous = old;
        }
    }

    @AfterEach
    void stop() {
        Clusters.setResolver(previous);
        engine.close();
        client.close();
        sim.close();
    }

    private static RunFunctionStep inline(String image) {
        RunFunctionStep step = new RunFunctionStep();
        step.setName("hello");
        step.setRuntime("container");
        step.setImage(image);
        step.setParameters(Map.of("who", "world"));
        return step;
    }

    private boolean nothingLeft() {
        return client.batch().v1().jobs().inNamespace("default").list().getItems().isEmpty()
                && client.pods().inNamespace("default").list().getItems().isEmpty();
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void inlineFunctionRunsAndReturnsItsResult() throws Exception {
        sim.onImage("example.com/hello:1", PodBehavior.succeed().logs("hello world")
                .terminationMessage("{\"answer\":42}"));
        FakeBuild build = new FakeBuild("team/app", 12);
        FakeStepContext context = new FakeStepContext(build, null);

        boolean sync = inline("example.com/hello:1").start(context).start();
        assertThat(sync).as("asynchronous: start() returns at once").isFalse();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.await(WAIT);

        assertThat(result).containsEntry("status", "COMPLETED").containsEntry("succeeded", true)
                .containsEntry("exitCode", 0).containsEntry("reason", "Completed")
                .containsEntry("function", "hello").containsEntry("runtime", "container")
                .containsEntry("action", "job").containsEntry("namespace", "default");
        assertThat(result.get("outputs")).isEqualTo(Map.of("answer", 42));
        assertThat((String) result.get("version")).hasSize(16);
        assertThat((String) result.get("job")).startsWith("hello-");
        assertThat(context.log()).contains("hello world").contains("Running hello (version ")
                .contains("hello: COMPLETED (Completed, exit code 0)");
        assertThat(context.completions()).isEqualTo(1);

        List<FunctionRunAction> runs = FunctionRunAction.of(build);
        assertThat(runs).hasSize(1);
        FunctionRunAction run = runs.get(0);
        assertThat(run.getState()).isEqualTo("COMPLETED");
        assertThat(run.getOutputs()).containsEntry("answer", 42);
        assertThat(run.getParameters()).containsEntry("who", "world");
        assertThat(run.getObjects()).singleElement().asString().startsWith("Job default/hello-");
        assertThat(run.getTransitions()).extracting(StateTransition::getState)
                .startsWith("CREATED", "BUILT", "READY").endsWith("RUNNING", "COMPLETED");
        assertThat(build.saves()).isPositive();
        eventually(this::nothingLeft, "the Job is deleted");
    }

    @Test
    void pythonFunctionFromArguments() throws Exception {
        sim.onImage("python:3.12-slim", PodBehavior.succeed().logs("computing")
                .terminationMessage("{\"sum\":3}"));
        FakeBuild build = new FakeBuild("data/etl", 2);
        FakeStepContext context = new FakeStepContext(build, null);
        RunFunctionStep step = new RunFunctionStep();
        step.setName("adder");
        step.setRuntime("python");
        step.setSource(Map.of("code", "def handler(p):\n    return {'sum': p['a'] + p['b']}\n"));
        step.setHandler("main:handler");
        step.setParameters(Map.of("a", 1, "b", 2));
        step.start(context).start();

        eventually(() -> !client.configMaps().inNamespace("default").withLabel(RunLabels.FUNCTION, "adder")
                .list().getItems().isEmpty() || context.outcome().isDone(), "the code ConfigMap exists");
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.await(WAIT);
        assertThat(result).containsEntry("status", "COMPLETED").containsEntry("runtime", "python");
        assertThat(result.get("outputs")).isEqualTo(Map.of("sum", 3));
        assertThat(FunctionRunAction.of(build).get(0).getObjects())
                .anyMatch(o -> o.startsWith("ConfigMap default/adder-"));
        eventually(() -> client.configMaps().inNamespace("default").withLabel(RunLabels.FUNCTION, "adder")
                .list().getItems().isEmpty(), "the code ConfigMap went with the Job");
    }

    @Test
    void workspaceSourceWithoutAWorkspaceIsRefused() throws Exception {
        FakeStepContext context = new FakeStepContext(new FakeBuild("data/etl", 3), null);
        RunFunctionStep step = new RunFunctionStep();
        step.setName("adder");
        step.setRuntime("python");
        step.setSource(Map.of("path", "src/adder/"));
        step.setHandler("main:handler");
        step.start(context).start();
        assertThatThrownBy(() -> context.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("field 'source.path'").hasMessageContaining("inside a node block");
    }

    @Test
    void jobIsLabelledWithTheJenkinsBuild() throws Exception {
        sim.onImage("example.com/slow:1", PodBehavior.succeed().runFor(Duration.ofSeconds(2)));
        FakeStepContext context = new FakeStepContext(new FakeBuild("folder/my job", 3), null);
        inline("example.com/slow:1").start(context).start();
        eventually(() -> !client.batch().v1().jobs().inNamespace("default").list().getItems().isEmpty(), "a Job");
        var job = client.batch().v1().jobs().inNamespace("default").list().getItems().get(0);
        assertThat(job.getMetadata().getLabels()).containsEntry(RunLabels.JENKINS_JOB, "folder_my_job")
                .containsEntry(RunLabels.JENKINS_BUILD, "3");
        assertThat(job.getMetadata().getAnnotations()).containsEntry(RunLabels.JENKINS_JOB_ANNOTATION, "folder/my job");
        context.await(WAIT);
    }

    @Test
    void failedRunFailsTheStepWithItsReason() throws Exception {
        sim.onImage("example.com/fails:1", PodBehavior.fail(2));
        FakeBuild build = new FakeBuild("app", 1);
        FakeStepContext context = new FakeStepContext(build, null);
        inline("example.com/fails:1").start(context).start();

        assertThatThrownBy(() -> context.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("hello failed: Error").hasMessageContaining("exited with code 2");
        assertThat(FunctionRunAction.of(build).get(0).getState()).isEqualTo("ERROR");
        assertThat(FunctionRunAction.of(build).get(0).getExitCode()).isEqualTo(2);
    }

    @Test
    void failOnErrorFalseReturnsTheFailure() throws Exception {
        sim.onImage("example.com/fails:1", PodBehavior.fail(2));
        FakeStepContext context = new FakeStepContext(new FakeBuild("app", 1), null);
        RunFunctionStep step = inline("example.com/fails:1");
        step.setFailOnError(false);
        step.start(context).start();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.await(WAIT);
        assertThat(result).containsEntry("status", "ERROR").containsEntry("succeeded", false)
                .containsEntry("exitCode", 2);
    }

    @Test
    void invalidSpecFailsBeforeAnythingIsCreated() throws Exception {
        FakeBuild build = new FakeBuild("app", 1);
        FakeStepContext context = new FakeStepContext(build, null);
        RunFunctionStep step = inline("example.com/hello:1");
        step.setName("Hello_World");
        step.start(context).start();

        assertThatThrownBy(() -> context.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("'name'").hasMessageContaining("Hello_World");
        assertThat(client.batch().v1().jobs().inNamespace("default").list().getItems()).isEmpty();
        assertThat(FunctionRunAction.of(build).get(0).getState()).isEqualTo("ERROR");
        assertThat(FunctionRunAction.of(build).get(0).getReason()).isEqualTo("InvalidSpec");
        assertThat(sim.requests().count("POST", "/apis/batch/v1/namespaces/*/jobs")).isZero();
    }

    @Test
    void badTimeoutNamesTheField() throws Exception {
        FakeStepContext context = new FakeStepContext(new FakeBuild("app", 1), null);
        RunFunctionStep step = inline("example.com/hello:1");
        step.setTimeout("ten minutes");
        step.start(context).start();
        assertThatThrownBy(() -> context.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("'timeout'").hasMessageContaining("ten minutes").hasMessageContaining("10m");
    }

    @Test
    void fileWithoutWorkspaceIsRefused() {
        RunFunctionStep step = new RunFunctionStep();
        step.setFile("functions/hello.yaml");
        FakeStepContext context = new FakeStepContext(new FakeBuild("app", 1), null);
        assertThatThrownBy(() -> step.start(context).start()).isInstanceOf(AbortException.class)
                .hasMessageContaining("'file'").hasMessageContaining("inside a node block");
    }

    @Test
    void abortDeletesTheJobAndEndsTheStepAsAborted() throws Exception {
        sim.onImage("example.com/forever:1", PodBehavior.succeed().runForever().logs("tick"));
        FakeBuild build = new FakeBuild("app", 1);
        FakeStepContext context = new FakeStepContext(build, null);
        RunFunctionStep.Execution execution = (RunFunctionStep.Execution) inline("example.com/forever:1").start(context);
        execution.start();
        eventually(() -> "RUNNING".equals(FunctionRunAction.of(build).get(0).getState()), "the run is running");

        FlowInterruptedException cause = new FlowInterruptedException(hudson.model.Result.ABORTED);
        execution.stop(cause);

        assertThatThrownBy(() -> context.await(WAIT)).isSameAs(cause);
        assertThat(FunctionRunAction.of(build).get(0).getState()).isEqualTo("STOPPED");
        eventually(this::nothingLeft, "the Job and its pod are deleted");
        assertThat(context.completions()).isEqualTo(1);
    }
}
