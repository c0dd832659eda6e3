package io.jenkins.plugins.functions.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.thoughtworks.xstream.XStream;
import hudson.AbortException;
import hudson.model.Result;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.jenkins.FakePipeline;
import io.jenkins.plugins.functions.jenkins.FakeStepContext;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.jenkins.plugins.functions.model.Resources;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.runtime.build.LocalContextFiles;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * buildImage with test doubles of the Pipeline, the build, the workspace and Jenkins' credentials,
 * against the cluster simulation (a {@link PodBehavior} stands for BuildKit).
 */
class BuildImageStepTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String BUILDER = "registry.example.com/buildkit-step-test:rootless";
    private static final String DESTINATION = "harbor.example.com/team/web:1.0";
    private static final String DIGEST = "sha256:" + "9f".repeat(32);
    private static final String PASSWORD = "harbor-robot-password-4711";
    /** The administrator's profile for builds. */
    static final Profile BUILDERS = new Profile("builders", Map.of("pool", "builds"),
            List.of(new Profile.Toleration("dedicated", "Equal", "builds", "NoSchedule", null)), null, null,
            new Resources(new Resources.Amounts("1", "2Gi", null), Resources.Amounts.NONE), null, null, List.of());

    @TempDir
    Path workspace;

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;
    private Clusters.Resolver previousResolver;
    private BuildImageStep.WorkspaceAccess previousFiles;

    @BeforeEach
    void start() throws IOException {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        engine = new FunctionEngine(client, EngineOptions.defaults().withLogDrainTimeout(Duration.ofSeconds(5)));
        RuntimeRegistry runtimes = RuntimeRegistry.fromServiceLoader(getClass().getClassLoader());
        Map<String, CredentialValue> credentials = Map.of(
                "harbor-robot", CredentialValue.usernamePassword("harbor-robot", "robot$team", PASSWORD),
                "a-token", CredentialValue.secretText("a-token", "token-" + PASSWORD));
        previousResolver = Clusters.setResolver(build -> new Clusters.Target(engine, "default", runtimes)
                .withCredentials((id, b) -> credentials.get(id))
                .withProfiles(Map.of("builders", BUILDERS))
                .withBuilderImage(BUILDER));
        previousFiles = BuildImageStep.setWorkspaceFiles(ws -> new LocalContextFiles(workspace));
        Files.createDirectories(workspace.resolve("app"));
        Files.writeString(workspace.resolve("app/Dockerfile"), "FROM busybox:1.36\nCOPY . /app\n");
        Files.writeString(workspace.resolve("app/hello.txt"), "hello\n");
    }

    @AfterEach
    void stop() {
        BuildImageStep.setWorkspaceFiles(previousFiles);
        Clusters.setResolver(previousResolver);
        engine.close();
        client.close();
        sim.close();
    }

    private static BuildImageStep web() {
        BuildImageStep step = new BuildImageStep();
        step.setImage(DESTINATION);
        step.setContext("app");
        step.setRegistryCredentialsId("harbor-robot");
        return step;
    }

    private void builderPushes() {
        sim.onImage(BUILDER, PodBehavior.succeed().runFor(Duration.ofMillis(500))
                .logs("[build] building " + DESTINATION, "#4 exporting to image", "[build] pushed " + DESTINATION
                        + "@" + DIGEST)
                .terminationMessage("{\"image\":\"" + DESTINATION + "@" + DIGEST + "\",\"digest\":\"" + DIGEST + "\"}"));
    }

    private void assertNothingLeft() throws InterruptedException {
        FunctionEngineTestSupport.eventually(() -> client.batch().v1().jobs().inNamespace("default").list()
                .getItems().isEmpty()
                && client.configMaps().inNamespace("default").withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                        .list().getItems().isEmpty()
                && client.secrets().inNamespace("default").withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                        .list().getItems().isEmpty(), "no Job, ConfigMap or Secret is left");
    }

    private void assertNothingSent() {
        assertThat(sim.requests().count("POST", "/apis/batch/v1/namespaces/*/jobs")).isZero();
        assertThat(sim.requests().count("POST", "/api/v1/namespaces/*/secrets")).isZero();
        assertThat(sim.requests().count("POST", "/api/v1/namespaces/*/configmaps")).isZero();
    }

    private static void assertNoSecret(FakeBuild build, FakeStepContext context) {
        assertThat(context.log()).doesNotContain(PASSWORD);
        FunctionRunAction action = FunctionRunAction.of(build).get(0);
        XStream xstream = new XStream();
        xstream.allowTypesByWildcard(new String[] {"io.jenkins.plugins.functions.**"});
        assertThat(xstream.toXML(action.getRecord())).doesNotContain(PASSWORD).doesNotContain("robot$team");
    }

    @Test
    void buildsAWorkspaceFolderAndReturnsTheImagePinnedByDigest() throws Exception {
        builderPushes();
        FakeBuild build = new FakeBuild("team/web", 7);
        FakeStepContext context = new FakeStepContext(build, null);
        BuildImageStep step = web();
        step.setBuildArgs(Map.of("VERSION", "1.0", "DEBUG", false));

        step.start(context).start();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.await(WAIT);

        assertThat(result).containsEntry("status", "COMPLETED").containsEntry("succeeded", true)
                .containsEntry("action", "build").containsEntry("runtime", "container").containsEntry("function", "web")
                .containsEntry("image", DESTINATION + "@" + DIGEST).containsEntry("digest", DIGEST);
        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        assertThat(run.getAction()).isEqualTo("build");
        assertThat(run.getOutputs()).containsEntry("image", DESTINATION + "@" + DIGEST).containsEntry("digest", DIGEST);
        String job = "web-" + run.getRunId();
        assertThat(run.getObjects()).containsExactly("Job default/" + job, "ConfigMap default/" + job + "-context",
                "Secret default/" + job + "-registry");
        assertThat(context.log()).contains("Building " + DESTINATION + " from workspace folder 'app'",
                "with " + BUILDER, "pushing with credential 'harbor-robot'", "[build] pushed " + DESTINATION);
        assertNothingLeft();
        assertNoSecret(build, context);
    }

    @Test
    void aBuildKilledWhileItRunsIsFollowedToItsEndAfterTheRestart() throws Exception {
        sim.onImage(BUILDER, PodBehavior.succeed().runFor(Duration.ofSeconds(2))
                .logAt(Duration.ZERO, "[build] building " + DESTINATION)
                .logAt(Duration.ofMillis(1500), "[build] pushed " + DESTINATION + "@" + DIGEST)
                .terminationMessage("{\"image\":\"" + DESTINATION + "@" + DIGEST + "\",\"digest\":\"" + DIGEST + "\"}"));
        FakePipeline pipeline = FakePipeline.start(web(), new FakeBuild("team/web", 21), null);
        FunctionEngineTestSupport.eventually(() -> pipeline.context().log().contains("[build] building"),
                "the build runs");

        FakePipeline resumed = pipeline.kill("building", () -> {
            engine.close(); // the controller dies mid-build
            engine = new FunctionEngine(client, EngineOptions.defaults().withLogDrainTimeout(Duration.ofSeconds(5)));
        });

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) resumed.context().await(WAIT);
        assertThat(result).containsEntry("status", "COMPLETED").containsEntry("image", DESTINATION + "@" + DIGEST)
                .containsEntry("digest", DIGEST);
        String log = resumed.context().log();
        assertThat(log.split("\n")).filteredOn(("[build] pushed " + DESTINATION + "@" + DIGEST)::equals).hasSize(1);
        assertThat(log).contains("Resuming Job default/web-");
        assertNothingLeft();
        assertNoSecret(resumed.build(), resumed.context());
    }

    @Test
    void buildsAPythonFunctionsImageFromItsArguments() throws Exception {
        sim.onImage(BUILDER, PodBehavior.succeed().terminationMessage(
                "{\"image\":\"harbor.example.com/team/greeter:1@" + DIGEST + "\",\"digest\":\"" + DIGEST + "\"}"));
        FakeBuild build = new FakeBuild("team/greeter", 3);
        FakeStepContext context = new FakeStepContext(build, null);
        BuildImageStep step = new BuildImageStep();
        step.setName("greeter");
        step.setRuntime("python");
        step.setImage("harbor.example.com/team/greeter:1");
        step.setSource(Map.of("code", "def handler(p):\n    return {'hi': p.get('who')}\n"));
        step.setHandler("main:handler");
        step.setRequirements(List.of("requests==2.32.3"));
        step.setBaseImage("python:3.12-slim-bookworm");

        step.start(context).start();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.await(WAIT);

        assertThat(result).containsEntry("status", "COMPLETED").containsEntry("runtime", "python")
                .containsEntry("image", "harbor.example.com/team/greeter:1@" + DIGEST);
        // the python function's image is the base the build starts from, recorded with the function
        assertThat(FunctionRunAction.of(build).get(0).getSpec()).contains("\"image\":\"python:3.12-slim-bookworm\"");
        assertThat(context.log()).contains("from generated from the function");
        assertNothingLeft();
    }

    @Test
    void aFailedBuildFailsTheStepWithTheTailOfItsLog() throws Exception {
        sim.onImage(BUILDER, PodBehavior.fail(1).runFor(Duration.ofMillis(300))
                .logs("#6 [2/2] COPY missing.txt /", "ERROR: failed to calculate checksum: \"/missing.txt\": not found")
                .terminationMessage("{\"error\":\"#6 [2/2] COPY missing.txt /\\nERROR: failed to calculate checksum:"
                        + " \\\"/missing.txt\\\": not found\\n[build] error: the build failed (buildctl exit code 1)\"}"));
        FakeBuild build = new FakeBuild("team/web", 8);
        FakeStepContext context = new FakeStepContext(build, null);

        web().start(context).start();

        assertThatThrownBy(() -> context.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageStartingWith("buildImage: web failed: Error: the container exited with code 1")
                .hasMessageContaining("\"/missing.txt\": not found")
                .hasMessageContaining("[build] error: the build failed");
        assertThat(FunctionRunAction.of(build).get(0).getState()).isEqualTo("ERROR");
        assertNothingLeft();
        assertNoSecret(build, context);
    }

    @Test
    void abortingTheBuildStopsItAndLeavesNothing() throws Exception {
        sim.onImage(BUILDER, PodBehavior.longRunning().pendingFor(Duration.ofMinutes(10)));
        FakeBuild build = new FakeBuild("team/web", 9);
        FakeStepContext context = new FakeStepContext(build, null);
        var execution = web().start(context);
        execution.start();
        FunctionEngineTestSupport.eventually(() -> !client.secrets().inNamespace("default")
                .withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER).list().getItems().isEmpty()
                && !client.pods().inNamespace("default").list().getItems().isEmpty(), "the build's pod and Secret exist");

        FlowInterruptedException cause = new FlowInterruptedException(Result.ABORTED);
        execution.stop(cause);

        assertThatThrownBy(() -> context.await(WAIT)).isSameAs(cause);
        assertThat(FunctionRunAction.of(build).get(0).getState()).isEqualTo("STOPPED");
        assertNothingLeft();
    }

    // ---- bad input: refused with the field, the value and what is allowed; nothing is created ----

    private AbortException refused(BuildImageStep step) throws Exception {
        FakeBuild build = new FakeBuild("team/web", 1);
        FakeStepContext context = new FakeStepContext(build, null);
        step.start(context).start();
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> context.await(WAIT));
        assertThat(thrown).isInstanceOf(AbortException.class);
        assertThat(FunctionRunAction.of(build).get(0).getReason()).isEqualTo("InvalidSpec");
        assertNothingSent();
        assertThat(thrown.getMessage()).doesNotContain(PASSWORD);
        return (AbortException) thrown;
    }

    @Test
    void aBadImageReferenceIsRefused() throws Exception {
        BuildImageStep step = web();
        step.setImage("Harbor.example.com/Team/Web:1.0");
        assertThat(refused(step)).hasMessageContaining("buildImage: field 'image'")
                .hasMessageContaining("Harbor.example.com/Team/Web:1.0").hasMessageContaining("lowercase repository path");
        BuildImageStep digest = web();
        digest.setImage(DESTINATION + "@" + DIGEST);
        assertThat(refused(digest)).hasMessageContaining("field 'image'").hasMessageContaining("no digest");
    }

    @Test
    void aContextWithoutItsDockerfileIsRefused() throws Exception {
        BuildImageStep step = web();
        step.setDockerfile("docker/Dockerfile.prod");
        assertThat(refused(step)).hasMessageContaining("field 'dockerfile'")
                .hasMessageContaining("docker/Dockerfile.prod").hasMessageContaining("a file of the context folder 'app'");
    }

    @Test
    void aContextOverOneMebibyteIsRefusedWithItsSizeAndTheGitAdvice() throws Exception {
        byte[] noise = new byte[1536 * 1024];
        new Random(3).nextBytes(noise);
        Files.write(workspace.resolve("app/model.bin"), noise);
        assertThat(refused(web())).hasMessageContaining("field 'context'").hasMessageContaining("bytes packed")
                .hasMessageContaining("at most 1048576 bytes (1 MiB)").hasMessageContaining("gitUrl");
    }

    @Test
    void contextsOutsideTheWorkspaceOrMissingAreRefused() throws Exception {
        BuildImageStep outside = web();
        outside.setContext("../elsewhere");
        assertThat(refused(outside)).hasMessageContaining("field 'context'").hasMessageContaining("'../elsewhere'")
                .hasMessageContaining("no '..'");
        BuildImageStep missing = web();
        missing.setContext("nope");
        assertThat(refused(missing)).hasMessageContaining("field 'context'").hasMessageContaining("exists");
        BuildImageStep none = web();
        none.setContext(null);
        assertThat(refused(none)).hasMessageContaining("field 'context'").hasMessageContaining("gitUrl and gitRef");
    }

    @Test
    void anUnknownRegistryCredentialIsRefused() throws Exception {
        BuildImageStep step = web();
        step.setRegistryCredentialsId("no-such-robot");
        assertThat(refused(step)).hasMessageContaining("field 'registryCredentialsId'")
                .hasMessageContaining("no-such-robot").hasMessageContaining("username with password");
    }

    @Test
    void aRegistryCredentialOfTheWrongTypeIsRefusedWithoutItsValue() throws Exception {
        BuildImageStep step = web();
        step.setRegistryCredentialsId("a-token");
        assertThat(refused(step)).hasMessageContaining("field 'registryCredentialsId'").hasMessageContaining("a-token")
                .hasMessageContaining("not secret text");
    }

    @Test
    void bothAContextAndAGitRepositoryAreRefused() throws Exception {
        BuildImageStep step = web();
        step.setGitUrl("https://github.com/org/web.git");
        step.setGitRef("main");
        assertThat(refused(step)).hasMessageContaining("field 'context'")
                .hasMessageContaining("app and gitUrl https://github.com/org/web.git").hasMessageContaining("not both");
    }

    @Test
    void aGitRepositoryWithCredentialsOrWithoutARefIsRefused() throws Exception {
        BuildImageStep withUser = web();
        withUser.setContext(null);
        withUser.setGitUrl("https://user:" + PASSWORD + "@github.com/org/web.git");
        withUser.setGitRef("main");
        assertThat(refused(withUser)).hasMessageContaining("field 'gitUrl'").hasMessageContaining("//***@");
        BuildImageStep noRef = web();
        noRef.setContext(null);
        noRef.setGitUrl("https://github.com/org/web.git");
        assertThat(refused(noRef)).hasMessageContaining("field 'gitRef'").hasMessageContaining("required with gitUrl");
    }

    @Test
    void runArgumentsThatMeanNothingToABuildAreRefused() throws Exception {
        BuildImageStep step = web();
        step.setCommand(List.of("make"));
        assertThat(refused(step)).hasMessageContaining("field 'command'").hasMessageContaining("not an argument of buildImage");
    }

    @Test
    void aGitContextIsHandedToBuildKit() throws Exception {
        builderPushes();
        BuildImageStep step = web();
        step.setContext(null);
        step.setGitUrl("https://github.com/org/web.git");
        step.setGitRef("v1.0");
        step.setGitPath("services/web");
        step.setRegistryCredentialsId(null);
        FakeBuild build = new FakeBuild("team/web", 11);
        FakeStepContext context = new FakeStepContext(build, null);

        step.start(context).start();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.await(WAIT);

        assertThat(result).containsEntry("digest", DIGEST);
        assertThat(FunctionRunAction.of(build).get(0).getObjects()).singleElement()
                .satisfies(o -> assertThat(o).startsWith("Job default/web-"));
        assertThat(context.log()).contains("from git https://github.com/org/web.git#v1.0:services/web");
        assertThat(sim.requests().count("POST", "/api/v1/namespaces/*/configmaps")).isZero();
    }

    @Test
    void aProfileArgumentSchedulesAndSizesTheBuildPodOfAContainerBuild() throws Exception {
        sim.onImage(BUILDER, PodBehavior.longRunning().pendingFor(Duration.ofMinutes(10)));
        FakeBuild build = new FakeBuild("team/web", 12);
        FakeStepContext context = new FakeStepContext(build, null);
        BuildImageStep step = web();
        step.setProfile("builders");
        var execution = step.start(context);
        execution.start();
        FunctionEngineTestSupport.eventually(() -> !client.batch().v1().jobs().inNamespace("default").list()
                .getItems().isEmpty(), "the build Job exists");

        Job job = client.batch().v1().jobs().inNamespace("default").list().getItems().get(0);
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeSelector()).containsEntry("pool", "builds");
        assertThat(pod.getTolerations()).singleElement().satisfies(t -> assertThat(t.getKey()).isEqualTo("dedicated"));
        assertThat(pod.getContainers().get(0).getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(pod.getContainers().get(0).getSecurityContext().getSeccompProfile().getType())
                .isEqualTo("Unconfined");
        assertThat(FunctionRunAction.of(build).get(0).getSpec()).contains("\"profile\":\"builders\"");

        FlowInterruptedException cause = new FlowInterruptedException(Result.ABORTED);
        execution.stop(cause);
        assertThatThrownBy(() -> context.await(WAIT)).isSameAs(cause);
        assertNothingLeft();
    }

    @Test
    void anUnknownProfileIsRefusedBeforeAnythingIsSent() throws Exception {
        BuildImageStep step = web();
        step.setProfile("gpu-huge");
        assertThat(refused(step)).hasMessageContaining("field 'profile'").hasMessageContaining("gpu-huge")
                .hasMessageContaining("one of the configured profiles: builders");
        BuildImageStep python = new BuildImageStep();
        python.setName("greeter");
        python.setRuntime("python");
        python.setImage("harbor.example.com/team/greeter:1");
        python.setSource(Map.of("code", "def handler(p):\n    return p\n"));
        python.setHandler("main:handler");
        python.setProfile("nope");
        assertThat(refused(python)).hasMessageContaining("field 'profile'").hasMessageContaining("nope");
    }

    @Test
    void volumesAndEnvAreRefusedAndAnEnvValueIsNeverRepeated() throws Exception {
        BuildImageStep env = web();
        env.setEnv(Map.of("TOKEN", "tok-" + PASSWORD));
        assertThat(refused(env)).hasMessageContaining("field 'env'").hasMessageContaining("TOKEN")
                .hasMessageContaining("not an argument of buildImage");
        BuildImageStep volumes = web();
        volumes.setVolumes(List.of(Map.of("name", "cache", "mountPath", "/cache", "emptyDir", Map.of())));
        assertThat(refused(volumes)).hasMessageContaining("field 'volumes'");
    }

    @Test
    void theDefaultFunctionNameIsTheImagesLastPathPart() {
        assertThat(BuildImageStep.nameOf("harbor.example.com:8443/team/web_api:1.0")).isEqualTo("web-api");
        assertThat(BuildImageStep.nameOf("web")).isEqualTo("web");
        assertThat(BuildImageStep.nameOf("r.example/a/" + "x".repeat(80))).hasSize(63);
    }
}
