package io.jenkins.plugins.functions.kubernetes;

import static io.jenkins.plugins.functions.kubernetes.FunctionEngineTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.build.BuildContext;
import io.jenkins.plugins.functions.runtime.build.ContextArchive;
import io.jenkins.plugins.functions.runtime.build.ImageBuild;
import io.jenkins.plugins.functions.runtime.build.ImageReference;
import io.jenkins.plugins.functions.runtime.impl.ContainerRuntime;
import io.jenkins.plugins.functions.spec.FunctionSpecReader;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Image builds run by the engine against the cluster simulation. The simulator does not run
 * BuildKit: a {@link PodBehavior} registered for the builder image stands for what the build
 * script prints and writes (the pushed digest in the termination message, or the log's tail as
 * the error). What is checked is the plumbing: the context ConfigMap and the registry Secret
 * exist while the build runs, owned by its Job, and go with it however the build ends.
 */
class ImageBuildEngineTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String BUILDER = "registry.example.com/buildkit-engine-test:rootless";
    private static final String DESTINATION = "harbor.example.com/team/web:1.0";
    private static final String DIGEST = "sha256:" + "ab12".repeat(16);
    private static final String PASSWORD = "robot-password-never-logged";

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
        ContainerRuntime runtime = new ContainerRuntime();
        FunctionSpec function = runtime.validate(new FunctionSpecReader().fromMap(
                Map.of("name", "web", "runtime", "container", "image", DESTINATION), "test"));
        BuildContext.Archive context = new ContextArchive("context", "workspace folder 'app'")
                .add("Dockerfile", "FROM busybox:1.36\n").pack();
        RunRequest request = RunRequest.builder(function, ActionKind.BUILD)
                .runId(UUID.randomUUID().toString().substring(0, 10))
                .namespace("default")
                .credentials(Map.of("robot", CredentialValue.usernamePassword("robot", "robot$team", PASSWORD)))
                .build(new ImageBuild(ImageReference.parse("image", DESTINATION), context, null, null, "robot",
                        BUILDER))
                .build();
        return runtime.plan(request);
    }

    private <T extends HasMetadata> T get(Class<T> type, String name) {
        return client.resources(type).inNamespace("default").withName(name).get();
    }

    private void assertNothingLeft() {
        eventually(() -> client.batch().v1().jobs().inNamespace("default").list().getItems().isEmpty()
                && client.pods().inNamespace("default").list().getItems().isEmpty()
                && client.configMaps().inNamespace("default").withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                        .list().getItems().isEmpty()
                && client.secrets().inNamespace("default").withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                        .list().getItems().isEmpty(),
                "no Job, Pod, ConfigMap or Secret of the plugin is left");
    }

    private static void assertNoSecretIn(RecordingListener listener, RunOutcome outcome) {
        assertThat(String.join("\n", listener.lines)).doesNotContain(PASSWORD);
        assertThat(String.join("\n", listener.events)).doesNotContain(PASSWORD);
        assertThat(String.valueOf(outcome.message()) + outcome.outputs()).doesNotContain(PASSWORD);
    }

    @Test
    void aBuildReturnsThePushedImageWithItsDigestAndItsContextAndSecretGoWithTheJob() throws Exception {
        sim.onImage(BUILDER, PodBehavior.succeed().runFor(Duration.ofSeconds(2))
                .logs("[build] building " + DESTINATION, "#5 pushing layers done",
                        "[build] pushed " + DESTINATION + "@" + DIGEST)
                .terminationMessage("{\"image\":\"" + DESTINATION + "@" + DIGEST + "\",\"digest\":\"" + DIGEST + "\"}"));
        Plan plan = plan();
        String jobName = plan.workload().getMetadata().getName();
        RecordingListener listener = new RecordingListener();

        engine.start(plan, listener);
        listener.awaitRunning(WAIT);

        eventually(() -> get(ConfigMap.class, jobName + "-context") != null
                && get(Secret.class, jobName + "-registry") != null, "the context and the registry Secret exist");
        Job job = get(Job.class, jobName);
        for (HasMetadata owned : List.of(get(ConfigMap.class, jobName + "-context"),
                get(Secret.class, jobName + "-registry"))) {
            assertThat(owned.getMetadata().getOwnerReferences()).as(owned.getKind()).singleElement().satisfies(o -> {
                assertThat(o.getKind()).isEqualTo("Job");
                assertThat(o.getUid()).isEqualTo(job.getMetadata().getUid());
                assertThat(o.getBlockOwnerDeletion()).isTrue();
            });
        }
        assertThat(get(Secret.class, jobName + "-registry").getType()).isEqualTo("kubernetes.io/dockerconfigjson");

        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.COMPLETED);
        assertThat(outcome.outputs()).containsExactly(
                Map.entry("image", DESTINATION + "@" + DIGEST), Map.entry("digest", DIGEST));
        assertThat(listener.lines).contains("[build] pushed " + DESTINATION + "@" + DIGEST);
        assertNothingLeft();
        assertNoSecretIn(listener, outcome);
        assertThat(sim.errors()).isEmpty();
    }

    @Test
    void aFailedBuildEndsInErrorWithTheTailOfItsLog() throws Exception {
        String error = "ERROR: failed to solve: process \"/bin/sh -c make\" did not complete successfully: exit code: 2";
        sim.onImage(BUILDER, PodBehavior.fail(1).runFor(Duration.ofMillis(500))
                .logs("#7 [3/3] RUN make", "#7 0.41 make: *** No rule to make target 'all'.  Stop.", error,
                        "[build] error: the build failed (buildctl exit code 1)")
                .terminationMessage("{\"error\":\"#7 0.41 make: *** No rule to make target 'all'.  Stop.\\n"
                        + error.replace("\"", "\\\"") + "\\n[build] error: the build failed (buildctl exit code 1)\"}"));
        RecordingListener listener = new RecordingListener();

        engine.start(plan(), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat((String) outcome.outputs().get("error")).contains("No rule to make target", error);
        assertThat(listener.lines).contains(error);
        assertNothingLeft();
        assertNoSecretIn(listener, outcome);
    }

    @Test
    void abortingABuildTakesItsContextAndSecretWithTheJob() throws Exception {
        // Aborted while its pod is still pulling: no log stream is open yet.
        sim.onImage(BUILDER, PodBehavior.longRunning().pendingFor(Duration.ofMinutes(10)));
        Plan plan = plan();
        String jobName = plan.workload().getMetadata().getName();
        RecordingListener listener = new RecordingListener();

        var handle = engine.start(plan, listener);
        eventually(() -> get(Secret.class, jobName + "-registry") != null
                && get(ConfigMap.class, jobName + "-context") != null
                && !client.pods().inNamespace("default").list().getItems().isEmpty(),
                "the build's pod, context and registry Secret exist");
        handle.stop("Aborted");
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.STOPPED);
        assertNothingLeft();
    }

    @Test
    void abortingARunningBuildWhoseLogIsFollowedReturnsAtOnce() throws Exception {
        // Stopping closes the live log stream while holding the run's lock: the close must not
        // wait for the stream (fabric8's okhttp body drains it on cancel), or the informers'
        // events of every run in the namespace would wait too.
        sim.onImage(BUILDER, PodBehavior.longRunning().logs("#3 [2/5] RUN apt-get update"));
        Plan plan = plan();
        RecordingListener listener = new RecordingListener();

        var handle = engine.start(plan, listener);
        listener.awaitRunning(WAIT);
        eventually(() -> listener.lines.contains("#3 [2/5] RUN apt-get update"), "the log is followed");
        handle.stop("Aborted");
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.STOPPED);
        assertNothingLeft();
    }

    @Test
    void aRefusedJobLeavesNoSecretAndNoContextBehind() throws Exception {
        sim.forbid("POST", "/apis/batch/v1/namespaces/*/jobs");
        RecordingListener listener = new RecordingListener();

        engine.start(plan(), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        assertThat(outcome.reason()).isEqualTo("CreateFailed");
        assertThat(sim.requests().count("POST", "/api/v1/namespaces/*/secrets")).isZero();
        assertThat(sim.requests().count("POST", "/api/v1/namespaces/*/configmaps")).isZero();
        assertNothingLeft();
        assertNoSecretIn(listener, outcome);
    }

    @Test
    void aRefusedSecretRemovesTheJobThatWasAlreadyCreated() throws Exception {
        sim.forbid("POST", "/api/v1/namespaces/*/secrets");
        RecordingListener listener = new RecordingListener();

        engine.start(plan(), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.reason()).as(outcome.toString()).isEqualTo("CreateFailed");
        assertThat(outcome.message()).contains("secrets", "HTTP 403").doesNotContain(PASSWORD);
        assertNothingLeft();
    }
}
