package io.jenkins.plugins.functions.jenkins.builders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.thoughtworks.xstream.XStream;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.model.TaskListener;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
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
import io.jenkins.plugins.functions.model.Resources;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.runtime.build.LocalContextFiles;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The freestyle "Build image" builder end to end: {@code perform} on a test double of a build,
 * against the cluster simulation (a {@link PodBehavior} stands for BuildKit), through the same
 * {@code BuildRun} and {@code ImageBuildArguments} as the {@code buildImage} step. The test thread
 * plays the build's executor thread.
 */
class BuildImageBuilderTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String BUILDER = "registry.example.com/buildkit-builder-test:rootless";
    private static final String DESTINATION = "harbor.example.com/team/web:1.0";
    private static final String DIGEST = "sha256:" + "4f".repeat(32);
    private static final String PASSWORD = "harbor-robot-password-0815";
    private static final Profile BUILDERS = new Profile("builders", Map.of("pool", "builds"), List.of(), null, null,
            new Resources(new Resources.Amounts("1", "2Gi", null), Resources.Amounts.NONE), null, null, List.of());

    @TempDir
    Path workspace;

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;
    private Clusters.Resolver previous;
    private final ByteArrayOutputStream logBuffer = new ByteArrayOutputStream();
    private final PrintStream logStream = new PrintStream(logBuffer, true, StandardCharsets.UTF_8);
    private final TaskListener listener = () -> logStream;

    @BeforeEach
    void start() throws Exception {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        engine = new FunctionEngine(client, EngineOptions.defaults().withLogDrainTimeout(Duration.ofSeconds(5)));
        RuntimeRegistry runtimes = RuntimeRegistry.fromServiceLoader(getClass().getClassLoader());
        Map<String, CredentialValue> credentials = Map.of(
                "harbor-robot", CredentialValue.usernamePassword("harbor-robot", "robot$team", PASSWORD),
                "a-token", CredentialValue.secretText("a-token", "token-" + PASSWORD));
        previous = Clusters.setResolver(build -> new Clusters.Target(engine, "default", runtimes)
                .withCredentials((id, b) -> credentials.get(id))
                .withProfiles(Map.of("builders", BUILDERS))
                .withBuilderImage(BUILDER));
        Files.createDirectories(workspace.resolve("app"));
        Files.writeString(workspace.resolve("app/Dockerfile"), "FROM busybox:1.36\nARG VERSION\nCOPY . /app\n");
        Files.writeString(workspace.resolve("app/hello.txt"), "hello\n");
    }

    @AfterEach
    void stop() {
        Clusters.setResolver(previous);
        engine.close();
        client.close();
        sim.close();
    }

    private String log() {
        return logBuffer.toString(StandardCharsets.UTF_8);
    }

    private static EnvVars env(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return new FakeEnvVars(m);
    }

    private static BuildImageBuilder web() {
        BuildImageBuilder b = new BuildImageBuilder();
        b.setImage(DESTINATION);
        b.setContext("app");
        b.setRegistryCredentialsId("harbor-robot");
        return b;
    }

    /** perform, as Jenkins calls it, with the temporary folder as the workspace. */
    private void perform(BuildImageBuilder builder, FakeBuild build, EnvVars environment) throws Exception {
        builder.perform(build, new LocalFolder(workspace), new LocalContextFiles(workspace), environment, listener);
    }

    private void builderPushes(String destination) {
        sim.onImage(BUILDER, PodBehavior.succeed().runFor(Duration.ofMillis(300))
                .logs("[build] building " + destination, "[build] login robot$team " + PASSWORD,
                        "[build] pushed " + destination + "@" + DIGEST)
                .terminationMessage("{\"image\":\"" + destination + "@" + DIGEST + "\",\"digest\":\"" + DIGEST + "\"}"));
    }

    private static Map<String, String> variables(FakeBuild build) {
        EnvVars env = new FakeEnvVars(Map.of());
        build.getActions(FunctionResultEnvironment.class).forEach(a -> a.buildEnvironment(build, env));
        return env;
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

    private void assertNothingLeft() throws InterruptedException {
        eventually(() -> client.batch().v1().jobs().inNamespace("default").list().getItems().isEmpty()
                && client.configMaps().inNamespace("default").withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                        .list().getItems().isEmpty()
                && client.secrets().inNamespace("default").withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                        .list().getItems().isEmpty(), "no Job, ConfigMap or Secret is left");
    }

    private void assertNothingSent() {
        assertThat(sim.requests().count("POST", "/**")).isZero();
    }

    private void assertNoSecret(FakeBuild build) {
        assertThat(log()).doesNotContain(PASSWORD);
        XStream xstream = new XStream();
        xstream.allowTypesByWildcard(new String[] {"io.jenkins.plugins.functions.**"});
        for (FunctionRunAction action : FunctionRunAction.of(build)) {
            assertThat(xstream.toXML(action.getRecord())).doesNotContain(PASSWORD).doesNotContain("robot$team");
        }
        assertThat(variables(build).toString()).doesNotContain(PASSWORD);
    }

    /** The build's Job while it exists (it is deleted at the end), caught by a thread that lists Jobs. */
    private Thread catchJob(AtomicReference<Job> created) {
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
        return watcher;
    }

    @Test
    void buildsAWorkspaceFolderAndGivesTheImagePinnedByDigestToLaterSteps() throws Exception {
        builderPushes(DESTINATION);
        FakeBuild build = new FakeBuild("team/web", 7);

        perform(web(), build, env());

        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        assertThat(run.getState()).isEqualTo("COMPLETED");
        assertThat(run.getAction()).isEqualTo("build");
        assertThat(run.getFunction()).isEqualTo("web");
        assertThat(run.getOutputs()).containsEntry("image", DESTINATION + "@" + DIGEST).containsEntry("digest", DIGEST);
        String job = "web-" + run.getRunId();
        assertThat(run.getObjects()).containsExactly("Job default/" + job, "ConfigMap default/" + job + "-context",
                "Secret default/" + job + "-registry");
        assertThat(variables(build)).containsEntry("FUNCTION_IMAGE", DESTINATION + "@" + DIGEST)
                .containsEntry("FUNCTION_DIGEST", DIGEST).containsEntry("FUNCTION_STATUS", "COMPLETED")
                .containsEntry("FUNCTION_NAME", "web").containsEntry("FUNCTION_RUN_ID", run.getRunId())
                .containsEntry("FUNCTION_NAMESPACE", "default");
        assertThat(log()).contains("[function-runtimes] Building " + DESTINATION + " from workspace folder 'app'",
                "with " + BUILDER, "pushing with credential 'harbor-robot'", "[build] pushed " + DESTINATION,
                "[build] login robot$team ****", "web: COMPLETED (Completed, exit code 0)");
        assertNothingLeft();
        assertNoSecret(build);
    }

    @Test
    void theBuildsVariablesAreExpandedInEveryField() throws Exception {
        String destination = "harbor.example.com/team/app:1.4.2";
        builderPushes(destination);
        FakeBuild build = new FakeBuild("team/app", 8);
        BuildImageBuilder builder = new BuildImageBuilder();
        builder.setImage("harbor.example.com/team/${APP}:${TAG}");
        builder.setContext("${CONTEXT}");
        builder.setDockerfile("${DOCKERFILE}");
        builder.setBuildArgs("VERSION=${TAG}\nCOMMIT=$GIT_COMMIT\nEMPTY=");
        builder.setRegistryCredentialsId("${ROBOT}");
        builder.setNamespace("${NS}");
        builder.setTimeout("${BUILD_TIMEOUT}");
        EnvVars environment = env("APP", "app", "TAG", "1.4.2", "CONTEXT", "app", "DOCKERFILE", "Dockerfile",
                "GIT_COMMIT", "abc1234", "ROBOT", "harbor-robot", "NS", "default", "BUILD_TIMEOUT", "20m");
        AtomicReference<Job> created = new AtomicReference<>();
        Thread watcher = catchJob(created);

        perform(builder, build, environment);
        watcher.join();

        assertThat(FunctionRunAction.of(build).get(0).getFunction()).isEqualTo("app");
        Job job = created.get();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(1200L);
        Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getEnv()).extracting(e -> e.getName() + "=" + e.getValue())
                .contains("BUILD_DESTINATION=" + destination, "DOCKER_CONFIG=/home/user/.function-docker");
        assertThat(c.getCommand()).as("sorted by name").endsWith("--opt", "build-arg:COMMIT=abc1234", "--opt",
                "build-arg:EMPTY=", "--opt", "build-arg:VERSION=1.4.2");
        assertThat(variables(build)).containsEntry("FUNCTION_IMAGE", destination + "@" + DIGEST);
    }

    @Test
    void aPythonFunctionsImageFromTheFormsPythonFields() throws Exception {
        Files.createDirectories(workspace.resolve("src/greeter"));
        Files.writeString(workspace.resolve("src/greeter/main.py"), "def handler(p):\n    return {'hi': p.get('who')}\n");
        builderPushes("harbor.example.com/team/greeter:1");
        FakeBuild build = new FakeBuild("team/greeter", 3);
        BuildImageBuilder builder = new BuildImageBuilder();
        builder.setName("greeter");
        builder.setRuntime("python");
        builder.setImage("harbor.example.com/team/greeter:${TAG}");
        builder.setSource("src/${FN}/");
        builder.setHandler("main:handler");
        builder.setRequirements("requests==2.32.3\n\nPyYAML==6.0.2\n");
        builder.setPythonVersion("3.11");
        builder.setBaseImage("python:3.11-slim-bookworm");

        perform(builder, build, env("TAG", "1", "FN", "greeter"));

        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        assertThat(run.getState()).isEqualTo("COMPLETED");
        assertThat(run.getSpec()).as("the base image is the function's image; the code read from the workspace")
                .contains("\"image\":\"python:3.11-slim-bookworm\"", "\"runtime\":\"python\"", "requests==2.32.3",
                        "PyYAML==6.0.2", "def handler(p)");
        assertThat(log()).contains("Building harbor.example.com/team/greeter:1 from generated from the function");
        assertThat(variables(build)).containsEntry("FUNCTION_IMAGE", "harbor.example.com/team/greeter:1@" + DIGEST)
                .containsEntry("FUNCTION_DIGEST", DIGEST);
        assertNothingLeft();
    }

    @Test
    void aFailedBuildFailsTheBuildWithTheTailOfItsLog() throws Exception {
        sim.onImage(BUILDER, PodBehavior.fail(1).runFor(Duration.ofMillis(200))
                .logs("#6 [2/2] COPY missing.txt /", "ERROR: failed to calculate checksum: \"/missing.txt\": not found")
                .terminationMessage("{\"error\":\"#6 [2/2] COPY missing.txt /\\nERROR: failed to calculate checksum:"
                        + " \\\"/missing.txt\\\": not found\\n[build] error: the build failed (buildctl exit code 1)\"}"));
        FakeBuild build = new FakeBuild("team/web", 9);

        assertThatThrownBy(() -> perform(web(), build, env())).isInstanceOf(AbortException.class)
                .hasMessageStartingWith("Build image: web failed: Error: the container exited with code 1\n")
                .hasMessageContaining("\"/missing.txt\": not found")
                .hasMessageEndingWith("[build] error: the build failed (buildctl exit code 1)");
        assertThat(FunctionRunAction.of(build).get(0).getState()).isEqualTo("ERROR");
        assertThat(build.getActions(FunctionResultEnvironment.class)).isEmpty();
        assertNothingLeft();
        assertNoSecret(build);
    }

    @Test
    void withFailOnErrorOffAFailedBuildLetsTheBuildGoOn() throws Exception {
        sim.onImage(BUILDER, PodBehavior.fail(1).terminationMessage("{\"error\":\"ERROR: push refused\"}"));
        FakeBuild build = new FakeBuild("team/web", 10);
        BuildImageBuilder builder = web();
        builder.setFailOnError(false);

        perform(builder, build, env());

        assertThat(log()).contains("Build image: web failed: Error: the container exited with code 1\nERROR: push"
                + " refused (the build goes on: failOnError is off)");
        assertThat(variables(build)).containsEntry("FUNCTION_STATUS", "ERROR")
                .containsEntry("FUNCTION_OUTPUT_ERROR", "ERROR: push refused")
                .doesNotContainKey("FUNCTION_IMAGE").doesNotContainKey("FUNCTION_DIGEST");
    }

    @Test
    void abortingTheBuildDeletesTheBuildJobAndItsObjects() throws Exception {
        sim.onImage(BUILDER, PodBehavior.longRunning().pendingFor(Duration.ofMinutes(10)));
        FakeBuild build = new FakeBuild("team/web", 11);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread executor = new Thread(() -> {
            try {
                perform(web(), build, env());
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "Executor #0 for team/web #11");
        executor.start();
        eventually(() -> !client.secrets().inNamespace("default").withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                .list().getItems().isEmpty() && !client.pods().inNamespace("default").list().getItems().isEmpty(),
                "the build's pod and Secret exist");

        executor.interrupt(); // what Jenkins does to a freestyle build's executor on abort
        executor.join(WAIT.toMillis());

        assertThat(executor.isAlive()).as("perform returned").isFalse();
        assertThat(thrown.get()).as("the abort reaches Jenkins").isInstanceOf(InterruptedException.class);
        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        assertThat(run.getState()).isEqualTo("STOPPED");
        assertThat(run.getReason()).isEqualTo("Aborted");
        assertThat(sim.requests().count("DELETE", "/apis/batch/v1/namespaces/default/jobs/*"))
                .as("the Job was deleted before perform returned").isPositive();
        assertNothingLeft();
        assertNoSecret(build);
    }

    @Test
    void aProfileSchedulesTheBuildPodAndAnUnknownOneIsRefused() throws Exception {
        builderPushes(DESTINATION);
        FakeBuild build = new FakeBuild("team/web", 12);
        BuildImageBuilder builder = web();
        builder.setProfile("${PROFILE}");
        AtomicReference<Job> created = new AtomicReference<>();
        Thread watcher = catchJob(created);

        perform(builder, build, env("PROFILE", "builders"));
        watcher.join();

        PodSpec pod = created.get().getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeSelector()).containsEntry("pool", "builds");
        assertThat(pod.getContainers().get(0).getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(pod.getContainers().get(0).getSecurityContext().getSeccompProfile().getType())
                .isEqualTo("Unconfined");
        assertNothingLeft();

        sim.requests().reset();
        FakeBuild other = new FakeBuild("team/web", 13);
        BuildImageBuilder unknown = web();
        unknown.setProfile("gpu-huge");
        assertThatThrownBy(() -> perform(unknown, other, env())).isInstanceOf(AbortException.class)
                .hasMessage("Build image: field 'profile': value 'gpu-huge' is not allowed: one of the configured"
                        + " profiles: builders");
        assertThat(FunctionRunAction.of(other).get(0).getReason()).isEqualTo("InvalidSpec");
        assertNothingSent();
    }

    // ---- bad input: refused with the field, the value and what is allowed; nothing is sent ----

    private AbortException refused(BuildImageBuilder builder, EnvVars environment) throws Exception {
        FakeBuild build = new FakeBuild("team/web", 1);
        Throwable thrown = catchThrowable(() -> perform(builder, build, environment));
        assertThat(thrown).isInstanceOf(AbortException.class);
        assertThat(thrown.getMessage()).startsWith("Build image: field '").doesNotContain(PASSWORD);
        assertNothingSent();
        assertNoSecret(build);
        return (AbortException) thrown;
    }

    @Test
    void aBadImageReferenceIsRefusedBeforeAnythingIsSent() throws Exception {
        BuildImageBuilder upper = web();
        upper.setImage("Harbor.example.com/Team/${APP}:1.0");
        assertThat(refused(upper, env("APP", "Web"))).hasMessageContaining("field 'image'")
                .hasMessageContaining("Harbor.example.com/Team/Web:1.0").hasMessageContaining("lowercase repository path");
        BuildImageBuilder digest = web();
        digest.setImage(DESTINATION + "@" + DIGEST);
        assertThat(refused(digest, env())).hasMessageContaining("field 'image'").hasMessageContaining("no digest");
    }

    @Test
    void anUnknownRegistryCredentialOrOneOfAnotherTypeIsRefused() throws Exception {
        BuildImageBuilder unknown = web();
        unknown.setRegistryCredentialsId("no-such-robot");
        assertThat(refused(unknown, env())).hasMessageContaining("field 'registryCredentialsId'")
                .hasMessageContaining("no-such-robot").hasMessageContaining("username with password");
        BuildImageBuilder token = web();
        token.setRegistryCredentialsId("a-token");
        assertThat(refused(token, env())).hasMessageContaining("field 'registryCredentialsId'")
                .hasMessageContaining("a-token").hasMessageContaining("not secret text");
    }

    @Test
    void contextProblemsAreRefused() throws Exception {
        BuildImageBuilder noDockerfile = web();
        noDockerfile.setDockerfile("docker/Dockerfile.prod");
        assertThat(refused(noDockerfile, env())).hasMessageContaining("field 'dockerfile'")
                .hasMessageContaining("a file of the context folder 'app'");
        BuildImageBuilder both = web();
        both.setGitUrl("https://github.com/org/web.git");
        both.setGitRef("main");
        assertThat(refused(both, env())).hasMessageContaining("field 'context'").hasMessageContaining("not both");
        BuildImageBuilder none = web();
        none.setContext(null);
        assertThat(refused(none, env())).hasMessageContaining("field 'context'").hasMessageContaining("gitUrl and gitRef");
    }

    @Test
    void formTextAndRunFieldsAreRefusedBeforeARunIsRecordedAndAnEnvValueIsNeverRepeated() throws Exception {
        FakeBuild build = new FakeBuild("team/web", 2);
        BuildImageBuilder badArgs = web();
        badArgs.setBuildArgs("VERSION=1\nDEBUG");
        assertThatThrownBy(() -> perform(badArgs, build, env())).isInstanceOf(AbortException.class)
                .hasMessage("Build image: field 'buildArgs': value '(a line without '=')' is not allowed:"
                        + " one NAME=value per line");

        BuildImageBuilder withEnv = web();
        withEnv.setEnv("TOKEN=${SECRET}");
        assertThatThrownBy(() -> perform(withEnv, build, env("SECRET", PASSWORD))).isInstanceOf(AbortException.class)
                .hasMessageStartingWith("Build image: field 'env': value '[TOKEN]' is not allowed: not a field of"
                        + " Build image")
                .message().doesNotContain(PASSWORD);

        BuildImageBuilder withCommand = web();
        withCommand.setCommand("make\nimage");
        assertThatThrownBy(() -> perform(withCommand, build, env())).isInstanceOf(AbortException.class)
                .hasMessageStartingWith("Build image: field 'command'");

        BuildImageBuilder withParameters = web();
        withParameters.setParameters("who: Ada");
        assertThatThrownBy(() -> perform(withParameters, build, env())).isInstanceOf(AbortException.class)
                .hasMessageStartingWith("Build image: field 'parameters'");

        assertThat(FunctionRunAction.of(build)).as("nothing recorded").isEmpty();
        assertNothingSent();
    }

    @Test
    void theConfigurationRoundTripsThroughXStream() {
        BuildImageBuilder b = web();
        b.setBuildArgs("VERSION=${TAG}");
        b.setGitPath("services/web");
        b.setSource("src/");
        b.setRequirements("requests==2.32.3");
        b.setProfile("builders");
        XStream x = new XStream();
        x.allowTypesByWildcard(new String[] {"io.jenkins.plugins.functions.**"});

        String xml = x.toXML(b);
        BuildImageBuilder back = (BuildImageBuilder) x.fromXML(xml);

        assertThat(xml).contains("<image>" + DESTINATION + "</image>", "<buildArgs>VERSION=${TAG}</buildArgs>",
                "<registryCredentialsId>harbor-robot</registryCredentialsId>");
        assertThat(back.getImage()).isEqualTo(DESTINATION);
        assertThat(back.getContext()).isEqualTo("app");
        assertThat(back.getBuildArgs()).isEqualTo("VERSION=${TAG}");
        assertThat(back.getGitPath()).isEqualTo("services/web");
        assertThat(back.getSource()).isEqualTo("src/");
        assertThat(back.getRequirements()).isEqualTo("requests==2.32.3");
        assertThat(back.getRegistryCredentialsId()).isEqualTo("harbor-robot");
        assertThat(back.getProfile()).isEqualTo("builders");
        assertThat(back.isFailOnError()).isTrue();
    }
}
