package io.jenkins.plugins.functions.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.thoughtworks.xstream.XStream;
import hudson.AbortException;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
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
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.runtime.Profiles;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.runtime.impl.ContainerFunctionParser;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Profiles, env from Jenkins credentials and volumes through the real step execution path
 * ({@code runFunction} with test doubles of the Pipeline context and the build) against the
 * cluster simulation: the profile chosen from the target's, the credentials resolved in the
 * build's context, the secret masked in the build log and kept off the build record.
 */
class SharedFieldsStepTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SECRET = "ghp_9f8e7d6c5b4a3210";
    private static final String IMAGE = "example.com/uses-secrets:1";

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;
    private Clusters.Resolver previous;
    private final List<String> lookups = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        engine = new FunctionEngine(client, EngineOptions.defaults().withLogDrainTimeout(Duration.ofSeconds(5)));
        RuntimeRegistry runtimes = RuntimeRegistry.fromServiceLoader(getClass().getClassLoader());
        Map<String, Profile> profiles = Map.of("gpu-small", Profiles.read("gpu-small", Map.of(
                "nodeSelector", Map.of("pool", "gpu"), "gpuResourceName", "nvidia.com/gpu"),
                ContainerFunctionParser::resources));
        previous = Clusters.setResolver(build -> new Clusters.Target(engine, "default", runtimes)
                .withProfiles(profiles)
                .withCredentials((id, b) -> {
                    lookups.add(id + "@" + b.getExternalizableId());
                    return switch (id) {
                        case "gh-token" -> CredentialValue.secretText(id, SECRET);
                        case "ssh-key" -> throw new AbortException("credential 'ssh-key' is a"
                                + " BasicSSHUserPrivateKey; allowed: secret text, username with password, secret file");
                        default -> null;
                    };
                }));
    }

    @AfterEach
    void stop() {
        Clusters.setResolver(previous);
        engine.close();
        client.close();
        sim.close();
    }

    private static RunFunctionStep step(Map<String, Object> env) {
        RunFunctionStep step = new RunFunctionStep();
        step.setName("publisher");
        step.setRuntime("container");
        step.setImage(IMAGE);
        step.setEnv(env);
        return step;
    }

    @Test
    void theSecretReachesThePodAndIsMaskedInTheBuildLogAndNeverStored() throws Exception {
        sim.onImage(IMAGE, PodBehavior.succeed().logs("using token " + SECRET, "done")
                .terminationMessage("{\"token\":\"" + SECRET + "\"}"));
        FakeBuild build = new FakeBuild("team/publish", 3);
        FakeStepContext context = new FakeStepContext(build, null);
        RunFunctionStep step = step(Map.of("GH_TOKEN", Map.of("credentialsId", "gh-token")));
        step.setProfile("gpu-small");
        step.setResources(Map.of("limits", Map.of("gpu", 1)));
        step.setVolumes(List.of(Map.of("name", "cache", "mountPath", "/cache", "emptyDir", Map.of())));
        var execution = step.start(context);

        assertThat(execution.start()).isFalse();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.await(WAIT);

        assertThat(lookups).containsExactly("gh-token@team/publish#3");
        assertThat(result).containsEntry("status", "COMPLETED");
        assertThat(context.log()).contains("using token ****").doesNotContain(SECRET);
        assertThat(result.get("outputs")).isEqualTo(Map.of("token", "****"));
        assertThat(sim.requests().count("POST", "/api/v1/namespaces/*/secrets")).isEqualTo(1);
        // nothing of the value on the build: record, build.xml, the persisted step execution
        FunctionRunAction action = FunctionRunAction.of(build).get(0);
        XStream xstream = new XStream();
        xstream.allowTypesByWildcard(new String[] {"io.jenkins.plugins.functions.**"});
        assertThat(xstream.toXML(action)).doesNotContain(SECRET);
        build.save();
        java.nio.file.Path dir = build.getRootDir().toPath();
        assertThat(Files.readString(dir.resolve("build.xml"))).doesNotContain(SECRET);
        assertThat(Files.readString(dir.resolve("function-runs/" + action.getRunId() + ".json")))
                .doesNotContain(SECRET).contains("gh-token");
        assertThat(action.getOutputs()).containsEntry("token", "****");
        assertThat(new String(serialize(execution), StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
    }

    @Test
    void theProfileIsAppliedToThePod() throws Exception {
        sim.onImage(IMAGE, PodBehavior.succeed().runForever());
        FakeStepContext context = new FakeStepContext(new FakeBuild("team/gpu", 1), null);
        RunFunctionStep step = step(null);
        step.setProfile("gpu-small");
        step.setResources(Map.of("limits", Map.of("gpu", 2)));
        var execution = step.start(context);
        execution.start();

        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Job> jobs = List.of();
        while (jobs.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            jobs = client.batch().v1().jobs().inNamespace("default").withLabel(RunLabels.FUNCTION, "publisher").list()
                    .getItems();
        }
        assertThat(jobs).hasSize(1);
        PodSpec pod = jobs.get(0).getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeSelector()).isEqualTo(Map.of("pool", "gpu"));
        assertThat(pod.getContainers().get(0).getResources().getLimits()).containsKey("nvidia.com/gpu");
        execution.stop(new org.jenkinsci.plugins.workflow.steps.FlowInterruptedException(hudson.model.Result.ABORTED));
        assertThatThrownBy(() -> context.await(WAIT))
                .isInstanceOf(org.jenkinsci.plugins.workflow.steps.FlowInterruptedException.class);
    }

    @Test
    void afterARestartTheResumedRunMasksTheSecretAgain() throws Exception {
        sim.onImage(IMAGE, PodBehavior.succeed().runFor(Duration.ofSeconds(3))
                .logAt(Duration.ZERO, "before " + SECRET).logAt(Duration.ofMillis(2500), "after " + SECRET));
        FakeBuild build = new FakeBuild("team/publish", 9);
        FakePipeline pipeline = FakePipeline.start(step(Map.of("GH_TOKEN", Map.of("credentialsId", "gh-token"))),
                build, null);
        eventually(() -> pipeline.context().log().contains("before ****"), "the run started");
        String runId = ((RunFunctionStep.Execution) pipeline.execution()).getRunId();
        String file = Files.readString(build.getRootDir().toPath().resolve("function-runs/" + runId + ".json"));
        assertThat(file).as("the record names the credential, never its value").contains("gh-token")
                .doesNotContain(SECRET);
        assertThat(new String(pipeline.program(), StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);

        FakePipeline resumed = pipeline.kill("killed", () -> {
            engine.close(); // the controller dies: engine, informers and listeners are gone
            engine = new FunctionEngine(client, EngineOptions.defaults().withLogDrainTimeout(Duration.ofSeconds(5)));
            lookups.clear();
        });
        resumed.context().await(WAIT);

        assertThat(lookups).as("the values are resolved again, by id").containsExactly("gh-token@team/publish#9");
        assertThat(resumed.context().log()).contains("after ****").doesNotContain(SECRET);
    }

    private static void eventually(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    private static byte[] serialize(Object o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }


    @Test
    void anUnknownCredentialNamesTheVariableAndTheIdAndSendsNothing() throws Exception {
        FakeStepContext context = new FakeStepContext(new FakeBuild("team/publish", 4), null);
        step(Map.of("GH_TOKEN", Map.of("credentialsId", "gh-tokn"))).start(context).start();

        assertThatThrownBy(() -> context.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("field 'env.GH_TOKEN'").hasMessageContaining("'gh-tokn'")
                .hasMessageContaining("a credential this job can use: secret text, username with password, secret file");
        assertThat(sim.requests().total()).as("nothing reached the cluster").isZero();
    }

    @Test
    void aCredentialOfAnotherTypeIsRefusedBeforeAnythingIsSent() throws Exception {
        FakeStepContext context = new FakeStepContext(new FakeBuild("team/publish", 5), null);
        step(Map.of("KEY", Map.of("credentialsId", "ssh-key"))).start(context).start();

        assertThatThrownBy(() -> context.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("field 'env.KEY'").hasMessageContaining("BasicSSHUserPrivateKey");
        assertThat(sim.requests().total()).isZero();
    }

    @Test
    void anUnknownProfileNamesTheConfiguredOnesAndSendsNothing() throws Exception {
        FakeBuild build = new FakeBuild("team/gpu", 2);
        FakeStepContext context = new FakeStepContext(build, null);
        RunFunctionStep step = step(null);
        step.setProfile("gpu-large");
        step.start(context).start();

        assertThatThrownBy(() -> context.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("field 'profile'").hasMessageContaining("'gpu-large'")
                .hasMessageContaining("one of the configured profiles: gpu-small");
        assertThat(sim.requests().total()).isZero();
        assertThat(FunctionRunAction.of(build).get(0).getReason()).isEqualTo("InvalidSpec");
    }

    @Test
    void gpusWithoutAProfileSayWhichProfilesOfferThem() throws Exception {
        FakeStepContext context = new FakeStepContext(new FakeBuild("team/gpu", 3), null);
        RunFunctionStep step = step(null);
        step.setResources(Map.of("limits", Map.of("gpu", 1)));
        step.start(context).start();

        assertThatThrownBy(() -> context.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("field 'resources'").hasMessageContaining("profile: gpu-small");
        assertThat(sim.requests().total()).isZero();
    }
}
