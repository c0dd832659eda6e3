package io.jenkins.plugins.functions.jenkins.builders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.model.TaskListener;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.jenkins.FakeEnvVars;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The freestyle builders end to end: {@code perform} on a test double of a build, against the
 * mock API server and the cluster simulation, through the same {@code BuildRun} as the Pipeline
 * steps. The test thread plays the build's executor thread.
 */
class FreestyleBuildersTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;
    private Clusters.Resolver previous;
    private final Map<String, FakeBuild> builds = new ConcurrentHashMap<>();
    private final ByteArrayOutputStream logBuffer = new ByteArrayOutputStream();
    private final PrintStream logStream = new PrintStream(logBuffer, true, StandardCharsets.UTF_8);
    private final TaskListener listener = () -> logStream;

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        engine = new FunctionEngine(client, EngineOptions.defaults().withLogDrainTimeout(Duration.ofSeconds(5)));
        RuntimeRegistry runtimes = RuntimeRegistry.fromServiceLoader(getClass().getClassLoader());
        // Only the default namespace is allowed (no administrator's list).
        previous = Clusters.setResolver(build -> new Clusters.Target(engine, "default", runtimes, builds::get));
    }

    @AfterEach
    void stop() {
        Clusters.setResolver(previous);
        engine.close();
        client.close();
        sim.close();
    }

    private FakeBuild build(String job, int number) {
        FakeBuild b = new FakeBuild(job, number);
        builds.put(b.getExternalizableId(), b);
        return b;
    }

    private String log() {
        return logBuffer.toString(StandardCharsets.UTF_8);
    }

    private static EnvVars env(String... keyValues) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return new FakeEnvVars(m);
    }

    private static RunFunctionBuilder hello(String image) {
        RunFunctionBuilder b = new RunFunctionBuilder();
        b.setName("hello");
        b.setRuntime("container");
        b.setImage(image);
        return b;
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

    private static Map<String, String> variables(FakeBuild build) {
        EnvVars env = new FakeEnvVars(Map.of());
        build.getActions(FunctionResultEnvironment.class).forEach(a -> a.buildEnvironment(build, env));
        return env;
    }

    @Test
    void runFunctionRunsRecordsAndGivesItsResultToLaterSteps() throws Exception {
        sim.onImage("example.com/hello:1", PodBehavior.succeed().logs("hello from the job")
                .terminationMessage("{\"greeting\":\"Hello, Jenkins!\",\"details\":{\"n\":1}}"));
        FakeBuild build = build("team/freestyle", 7);
        RunFunctionBuilder builder = hello("example.com/hello:1");
        builder.setParameters("who: Jenkins");

        builder.perform(build, null, env(), null, listener);

        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        assertThat(run.getState()).isEqualTo("COMPLETED");
        assertThat(run.getAction()).isEqualTo("job");
        assertThat(run.getParameters()).containsEntry("who", "Jenkins");
        assertThat(run.getOutputs()).containsEntry("greeting", "Hello, Jenkins!");
        assertThat(run.getObjects()).singleElement().asString().startsWith("Job default/hello-");
        assertThat(log()).contains("[function-runtimes] Running hello (version ").contains("hello from the job")
                .contains("hello: COMPLETED (Completed, exit code 0)");
        assertThat(variables(build)).containsEntry("FUNCTION_STATUS", "COMPLETED")
                .containsEntry("FUNCTION_EXIT_CODE", "0").containsEntry("FUNCTION_NAME", "hello")
                .containsEntry("FUNCTION_RUN_ID", run.getRunId())
                .containsEntry("FUNCTION_OUTPUT_GREETING", "Hello, Jenkins!")
                .containsEntry("FUNCTION_OUTPUTS", "{\"greeting\":\"Hello, Jenkins!\",\"details\":{\"n\":1}}")
                .doesNotContainKey("FUNCTION_OUTPUT_DETAILS");
        eventually(this::nothingLeft, "the Job is deleted");
    }

    @Test
    void theBuildsEnvironmentIsExpandedInEveryField() throws Exception {
        sim.onImage("example.com/app:1.4.2", PodBehavior.succeed().runFor(Duration.ofMillis(200)));
        FakeBuild build = build("team/freestyle", 8);
        RunFunctionBuilder builder = new RunFunctionBuilder();
        builder.setName("${FN}");
        builder.setRuntime("container");
        builder.setImage("example.com/${APP}:${TAG}");
        builder.setCommand("sh\n-c\necho $GIT_COMMIT");
        builder.setEnv("COMMIT=${GIT_COMMIT}\nLEVEL=debug");
        builder.setParameters("who: ${USER_NAME}\nbuild: $BUILD_NUMBER");
        builder.setNamespace("${TARGET_NS}");
        builder.setTimeout("${RUN_TIMEOUT}");
        EnvVars environment = env("FN", "release-check", "APP", "app", "TAG", "1.4.2", "GIT_COMMIT", "abc1234",
                "USER_NAME", "Ada", "BUILD_NUMBER", "8", "TARGET_NS", "default", "RUN_TIMEOUT", "5m");

        AtomicReference<Job> created = new AtomicReference<>();
        Thread watcher = new Thread(() -> {
            try {
                eventually(() -> {
                    List<Job> jobs = client.batch().v1().jobs().inNamespace("default").list().getItems();
                    if (!jobs.isEmpty()) {
                        created.set(jobs.get(0));
                    }
                    return created.get() != null;
                }, "a Job");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        watcher.start();
        builder.perform(build, null, environment, null, listener);
        watcher.join();

        Job job = created.get();
        assertThat(job.getMetadata().getName()).startsWith("release-check-");
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(300L);
        Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("example.com/app:1.4.2");
        assertThat(c.getCommand()).containsExactly("sh", "-c", "echo abc1234");
        Map<String, String> containerEnv = c.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertThat(containerEnv).containsEntry("COMMIT", "abc1234").containsEntry("LEVEL", "debug");
        assertThat(FunctionRunAction.of(build).get(0).getParameters()).containsEntry("who", "Ada")
                .containsEntry("build", 8);
    }

    @Test
    void aFunctionFileFromTheWorkspaceWithFormFieldsOverridingIt() throws Exception {
        sim.onImage("busybox:1.37", PodBehavior.succeed().terminationMessage("{\"greeting\":\"Hi, Ada!\"}"));
        FakeBuild build = build("team/freestyle", 14);
        RunFunctionBuilder builder = new RunFunctionBuilder();
        builder.setFile("examples/functions/${FN}.yaml");
        builder.setImage("busybox:${BUSYBOX}");
        builder.setParameters("name: Ada");

        builder.perform(build, new LocalFolder(java.nio.file.Path.of(".")), env("FN", "hello", "BUSYBOX", "1.37"),
                listener);

        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        assertThat(run.getFunction()).isEqualTo("hello");
        assertThat(run.getSpec()).as("the file's fields, the form's image").contains("\"image\":\"busybox:1.37\"")
                .contains("\"GREETING\"");
        assertThat(run.getState()).isEqualTo("COMPLETED");

        RunFunctionBuilder missing = new RunFunctionBuilder();
        missing.setFile("functions/nope.yaml");
        assertThatThrownBy(() -> missing.perform(build, new LocalFolder(java.nio.file.Path.of(".")), env(), listener))
                .isInstanceOf(AbortException.class)
                .hasMessageStartingWith("Run function: field 'file': value 'functions/nope.yaml' is not allowed:"
                        + " must name a function file in the workspace (");
        assertThatThrownBy(() -> missing.perform(build, null, env(), null, listener))
                .as("a builder always has a workspace; without one, the same refusal as a Pipeline step's")
                .isInstanceOf(AbortException.class).hasMessageContaining("needs a workspace");
    }

    @Test
    void aFailedRunFailsTheBuildWithItsReason() throws Exception {
        sim.onImage("example.com/fails:1", PodBehavior.fail(3));
        FakeBuild build = build("team/freestyle", 9);

        assertThatThrownBy(() -> hello("example.com/fails:1").perform(build, null, env(), null, listener))
                .isInstanceOf(AbortException.class)
                .hasMessage("Run function: hello failed: Error: the container exited with code 3");
        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        assertThat(run.getState()).isEqualTo("ERROR");
        assertThat(run.getExitCode()).isEqualTo(3);
        assertThat(build.getActions(FunctionResultEnvironment.class)).isEmpty();
        eventually(this::nothingLeft, "the failed Job is deleted");
    }

    @Test
    void withFailOnErrorOffAFailedRunLetsTheBuildGoOn() throws Exception {
        sim.onImage("example.com/fails:1", PodBehavior.fail(3));
        FakeBuild build = build("team/freestyle", 10);
        RunFunctionBuilder builder = hello("example.com/fails:1");
        builder.setFailOnError(false);

        builder.perform(build, null, env(), null, listener);

        assertThat(log()).contains("Run function: hello failed: Error: the container exited with code 3"
                + " (the build goes on: failOnError is off)");
        assertThat(variables(build)).containsEntry("FUNCTION_STATUS", "ERROR").containsEntry("FUNCTION_REASON", "Error")
                .containsEntry("FUNCTION_EXIT_CODE", "3");
    }

    @Test
    void abortingTheBuildStopsTheRunAndDeletesItsJob() throws Exception {
        sim.onImage("example.com/slow:1", PodBehavior.succeed().runForever());
        FakeBuild build = build("team/freestyle", 11);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread executor = new Thread(() -> {
            try {
                hello("example.com/slow:1").perform(build, null, env(), null, listener);
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "Executor #0 for team/freestyle #11");
        executor.start();
        eventually(() -> !FunctionRunAction.of(build).isEmpty()
                && "RUNNING".equals(FunctionRunAction.of(build).get(0).getState()), "the function runs");
        assertThat(client.batch().v1().jobs().inNamespace("default").list().getItems()).hasSize(1);

        executor.interrupt(); // what Jenkins does to a freestyle build's executor on abort
        executor.join(WAIT.toMillis());

        assertThat(executor.isAlive()).as("perform returned").isFalse();
        assertThat(thrown.get()).as("the abort reaches Jenkins").isInstanceOf(InterruptedException.class);
        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        assertThat(run.getState()).isEqualTo("STOPPED");
        assertThat(run.getReason()).isEqualTo("Aborted");
        assertThat(run.getMessage()).isEqualTo("the build was aborted");
        assertThat(log()).contains("Stopping Job default/hello-").contains("the build was aborted");
        assertThat(sim.requests().count("DELETE", "/apis/batch/v1/namespaces/default/jobs/*"))
                .as("the Job was deleted before perform returned").isPositive();
        eventually(this::nothingLeft, "the Job and its pod are gone");
    }

    @Test
    void anAbortBeforeTheRunReachesTheClusterSendsNothing() throws Exception {
        // The launch is held while it resolves the cluster; the abort comes meanwhile.
        java.util.concurrent.CountDownLatch resolving = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Clusters.Resolver direct = Clusters.setResolver(null);
        Clusters.setResolver(b -> {
            resolving.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return direct.resolve(b);
        });
        FakeBuild build = build("team/freestyle", 15);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread executor = new Thread(() -> {
            try {
                hello("example.com/hello:1").perform(build, null, env(), null, listener);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        executor.start();
        resolving.await();
        executor.interrupt();
        eventually(() -> executor.getState() == Thread.State.TIMED_WAITING, "the executor waits for the stop");
        release.countDown();
        executor.join(WAIT.toMillis());

        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        assertThat(run.getState()).isEqualTo("STOPPED");
        assertThat(run.getMessage()).isEqualTo("aborted before it started");
        assertThat(sim.requests().count("POST", "/**")).isZero();
    }

    @Test
    void aNamespaceThatIsNotAllowedIsRefusedBeforeAnyRequest() throws Exception {
        FakeBuild build = build("team/freestyle", 12);
        RunFunctionBuilder builder = hello("example.com/hello:1");
        builder.setNamespace("${NS}");

        assertThatThrownBy(() -> builder.perform(build, null, env("NS", "prod"), null, listener))
                .isInstanceOf(AbortException.class)
                .hasMessageStartingWith("Run function: field 'namespace': value 'prod' is not allowed: must be a"
                        + " namespace runs may use");
        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        assertThat(run.getState()).isEqualTo("ERROR");
        assertThat(run.getReason()).isEqualTo("InvalidSpec");
        assertThat(sim.requests().count("POST", "/**")).isZero();
    }

    @Test
    void badFormTextIsRefusedNamingTheFieldAndNeverItsValue() throws Exception {
        FakeBuild build = build("team/freestyle", 13);
        RunFunctionBuilder builder = hello("example.com/hello:1");
        builder.setEnv("TOKEN=${SECRET}\nthis line has no equals sign s3cr3t");

        assertThatThrownBy(() -> builder.perform(build, null, env("SECRET", "hunter2"), null, listener))
                .isInstanceOf(AbortException.class)
                .hasMessage("Run function: field 'env': value '(a line without '=')' is not allowed:"
                        + " one NAME=value per line")
                .message().doesNotContain("hunter2").doesNotContain("s3cr3t");

        RunFunctionBuilder params = hello("example.com/hello:1");
        params.setParameters("- just\n- a list");
        assertThatThrownBy(() -> params.perform(build, null, env(), null, listener))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("Run function: field 'parameters': value '- just' is not allowed:"
                        + " a YAML mapping");

        RunFunctionBuilder noName = new RunFunctionBuilder();
        noName.setRuntime("container");
        noName.setImage("example.com/hello:1");
        assertThatThrownBy(() -> noName.perform(build, null, env(), null, listener))
                .isInstanceOf(AbortException.class).hasMessageContaining("Run function: field 'name' is missing");
        assertThat(sim.requests().count("POST", "/**")).isZero();
    }

    @Test
    void serveThenStopAcrossTwoBuilds() throws Exception {
        sim.onImage("example.com/web:1", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        FakeBuild serving = build("team/web", 1);
        ServeFunctionBuilder serve = new ServeFunctionBuilder();
        serve.setName("web");
        serve.setRuntime("container");
        serve.setImage("example.com/web:1");
        serve.setPorts("http:${PORT}");
        serve.setReplicas("${REPLICAS}");
        serve.setTimeout("2m");

        serve.perform(serving, null, env("REPLICAS", "2", "PORT", "8080"), null, listener);

        FunctionRunAction run = FunctionRunAction.of(serving).get(0);
        assertThat(run.getState()).isEqualTo("RUNNING");
        assertThat(run.getAction()).isEqualTo("serve");
        assertThat(variables(serving)).containsEntry("FUNCTION_URL", "http://web.default.svc:8080")
                .containsEntry("FUNCTION_DEPLOYMENT", "web").containsEntry("FUNCTION_REPLICAS", "2")
                .containsEntry("FUNCTION_READY_REPLICAS", "2").containsEntry("FUNCTION_STATUS", "RUNNING");
        assertThat(client.apps().deployments().inNamespace("default").withName("web").get().getSpec().getReplicas())
                .isEqualTo(2);

        FakeBuild cleanup = build("team/cleanup", 3);
        new StopFunctionBuilder("${SERVICE}").perform(cleanup, env("SERVICE", "web"), listener);

        assertThat(log()).contains("Stopped default/web (served by team/web#1)");
        assertThat(run.getState()).isEqualTo("STOPPED");
        assertThat(run.getMessage()).isEqualTo("stopped by team/cleanup#3");
        assertThat(variables(cleanup)).containsEntry("FUNCTION_STOPPED", "web")
                .containsEntry("FUNCTION_STOPPED_RUN_ID", run.getRunId());
        eventually(() -> client.apps().deployments().inNamespace("default").list().getItems().isEmpty(),
                "the Deployment is deleted");
    }

    @Test
    void deployHasNoServiceAndStopRefusesANamespaceThatIsNotAllowed() throws Exception {
        sim.onImage("example.com/worker:1", PodBehavior.longRunning());
        FakeBuild build = build("team/worker", 1);
        DeployFunctionBuilder deploy = new DeployFunctionBuilder();
        deploy.setName("worker");
        deploy.setRuntime("container");
        deploy.setImage("example.com/worker:1");

        deploy.perform(build, null, env(), null, listener);

        assertThat(FunctionRunAction.of(build).get(0).getAction()).isEqualTo("deploy");
        assertThat(variables(build)).containsEntry("FUNCTION_STATUS", "RUNNING").doesNotContainKey("FUNCTION_URL");
        assertThat(client.services().inNamespace("default").withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                .list().getItems()).isEmpty();

        StopFunctionBuilder stop = new StopFunctionBuilder("worker");
        stop.setNamespace("prod");
        assertThatThrownBy(() -> stop.perform(build, null, env(), null, listener)).isInstanceOf(AbortException.class)
                .hasMessageStartingWith("Stop function: field 'namespace': value 'prod' is not allowed");
        assertThat(client.apps().deployments().inNamespace("default").withName("worker").get()).isNotNull();
    }
}
