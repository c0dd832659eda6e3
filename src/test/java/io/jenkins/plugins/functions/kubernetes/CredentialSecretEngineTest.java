package io.jenkins.plugins.functions.kubernetes;

import static io.jenkins.plugins.functions.kubernetes.FunctionEngineTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.CredentialEnv;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.impl.ContainerRuntime;
import io.jenkins.plugins.functions.runtime.impl.PythonRuntime;
import io.jenkins.plugins.functions.spec.FunctionSpecReader;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-run credentials Secret through the engine, against the cluster simulation: created
 * after the workload and owned by it, referenced by the pod, gone with the workload (after the
 * run, on abort, when a create fails), updated in place for a service; and the values masked in
 * everything the run reports.
 */
class CredentialSecretEngineTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String IMAGE = "example.com/secretive:1";
    private static final String TOKEN = "tok-8f3a9c2e71";
    private static final String PASSWORD = "pw-Zx81!long";
    private static final String KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: []\n";
    private static final String FUNCTION = """
            name: secretive
            runtime: container
            image: %s
            env:
              PLAIN: visible
              TOKEN: {credentialsId: api-token}
              DB_USER: {credentialsId: db, key: username}
              DB_PASS: {credentialsId: db, key: password}
              KUBECONFIG: {credentialsId: kube}
            """.formatted(IMAGE);

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        engine = new FunctionEngine(client, EngineOptions.defaults().withLogDrainTimeout(Duration.ofSeconds(5)));
    }

    @AfterEach
    void stop() {
        engine.close();
        client.close();
        sim.close();
    }

    private static Map<String, CredentialValue> credentials(String token) {
        return Map.of("api-token", CredentialValue.secretText("api-token", token),
                "db", CredentialValue.usernamePassword("db", "app-user", PASSWORD),
                "kube", CredentialValue.secretFile("kube", "config", KUBECONFIG.getBytes(StandardCharsets.UTF_8)));
    }

    private static Plan jobPlan() throws Exception {
        FunctionSpec spec = new ContainerRuntime().validate(new FunctionSpecReader().read(FUNCTION, "f.yaml"));
        return new ContainerRuntime().plan(RunRequest.builder(spec, ActionKind.JOB)
                .runId(UUID.randomUUID().toString().substring(0, 10)).namespace("default")
                .credentials(credentials(TOKEN)).build());
    }

    private List<Secret> pluginSecrets() {
        return client.secrets().inNamespace("default").withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER).list()
                .getItems();
    }

    private void assertNothingLeft() {
        eventually(() -> client.batch().v1().jobs().inNamespace("default").list().getItems().isEmpty()
                && client.pods().inNamespace("default").list().getItems().isEmpty() && pluginSecrets().isEmpty(),
                "no Job, Pod or Secret of the plugin is left");
    }

    private static String decoded(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }

    @Test
    void theSecretIsOwnedByTheJobReferencedByThePodMaskedInTheLogAndGoneAfterTheRun() throws Exception {
        sim.onImage(IMAGE, PodBehavior.succeed().runFor(Duration.ofSeconds(2))
                .logs("token is " + TOKEN, "login app-user:" + PASSWORD, "plain is visible")
                .terminationMessage("{\"echo\":\"" + TOKEN + "\"}"));
        Plan plan = jobPlan();
        String jobName = plan.workload().getMetadata().getName();
        RecordingListener listener = new RecordingListener();

        engine.start(plan, listener);
        listener.awaitRunning(WAIT);

        eventually(() -> !pluginSecrets().isEmpty(), "the Secret exists");
        Job job = client.batch().v1().jobs().inNamespace("default").withName(jobName).get();
        Secret secret = pluginSecrets().get(0);
        assertThat(secret.getMetadata().getName()).isEqualTo(jobName + CredentialEnv.SECRET_SUFFIX);
        assertThat(secret.getMetadata().getLabels()).containsEntry(RunLabels.RUN_ID, plan.request().runId());
        assertThat(secret.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getKind()).isEqualTo("Job");
            assertThat(owner.getUid()).isEqualTo(job.getMetadata().getUid());
        });
        assertThat(secret.getData()).containsOnlyKeys("TOKEN", "DB_USER", "DB_PASS", "KUBECONFIG");
        assertThat(decoded(secret, "TOKEN")).isEqualTo(TOKEN);
        assertThat(decoded(secret, "DB_USER")).isEqualTo("app-user");
        assertThat(decoded(secret, "KUBECONFIG")).isEqualTo(KUBECONFIG);
        // the Secret was created after the Job: a refused Job never leaves a Secret behind
        List<String> posts = sim.requests().lines().stream().filter(l -> l.startsWith("POST")).toList();
        assertThat(posts).hasSize(2);
        assertThat(posts.get(0)).contains("/jobs");
        assertThat(posts.get(1)).contains("/secrets");

        PodSpec pod = client.pods().inNamespace("default").withLabel(RunLabels.RUN_ID, plan.request().runId())
                .list().getItems().get(0).getSpec();
        List<EnvVar> env = pod.getContainers().get(0).getEnv();
        assertThat(env).filteredOn(e -> e.getName().equals("TOKEN")).singleElement().satisfies(e -> {
            assertThat(e.getValue()).isNull();
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo(secret.getMetadata().getName());
            assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("TOKEN");
        });
        assertThat(env).filteredOn(e -> e.getName().equals("KUBECONFIG")).singleElement()
                .satisfies(e -> assertThat(e.getValue()).isEqualTo(CredentialEnv.MOUNT_PATH + "/KUBECONFIG/config"));
        assertThat(env).filteredOn(e -> e.getName().equals("PLAIN")).singleElement()
                .satisfies(e -> assertThat(e.getValue()).isEqualTo("visible"));
        assertThat(pod.getVolumes()).filteredOn(v -> v.getSecret() != null).singleElement().satisfies(v -> {
            assertThat(v.getSecret().getSecretName()).isEqualTo(secret.getMetadata().getName());
            assertThat(v.getSecret().getItems()).singleElement().satisfies(i -> {
                assertThat(i.getKey()).isEqualTo("KUBECONFIG");
                assertThat(i.getPath()).isEqualTo("KUBECONFIG/config");
            });
        });
        assertThat(pod.getContainers().get(0).getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo(CredentialEnv.MOUNT_PATH);
            assertThat(m.getReadOnly()).isTrue();
        });

        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.COMPLETED);
        assertThat(listener.lines).containsExactly("token is ****", "login app-user:****", "plain is visible");
        assertThat(outcome.outputs()).isEqualTo(Map.of("echo", "****"));
        assertThat(String.join("\n", listener.events)).doesNotContain(TOKEN).doesNotContain(PASSWORD);
        // the engine deletes the Job; the garbage collector takes the Secret with it
        assertNothingLeft();
        assertThat(sim.errors()).isEmpty();
    }

    @Test
    void aRefusedJobNeverSendsTheSecret() throws Exception {
        sim.forbid("POST", "/apis/batch/v1/namespaces/*/jobs");
        RecordingListener listener = new RecordingListener();

        engine.start(jobPlan(), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.reason()).isEqualTo("CreateFailed");
        assertThat(sim.requests().count("POST", "/api/v1/namespaces/*/secrets")).isZero();
        assertThat(pluginSecrets()).isEmpty();
    }

    @Test
    void aRefusedSecretTakesTheJobBackAndLeavesNothing() throws Exception {
        sim.onImage(IMAGE, PodBehavior.succeed().runForever());
        sim.forbid("POST", "/api/v1/namespaces/*/secrets");
        RecordingListener listener = new RecordingListener();

        engine.start(jobPlan(), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        // the engine deletes the Job it created; the informers may report that deletion first
        assertThat(outcome.reason()).isIn("CreateFailed", "Deleted");
        assertThat(outcome.message()).doesNotContain(TOKEN);
        assertNothingLeft();
    }

    @Test
    void aTeamsOwnSecretOfTheSameNameIsNeverReplaced() throws Exception {
        sim.onImage(IMAGE, PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        client.secrets().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("secretive" + CredentialEnv.SECRET_SUFFIX).endMetadata()
                .withData(Map.of("team", "a2VlcCBtZQ==")).build()).create();
        FunctionSpec spec = new ContainerRuntime().validate(new FunctionSpecReader().read(FUNCTION
                + "ports: [8080]\n", "f.yaml"));
        RecordingListener listener = new RecordingListener();

        engine.start(servePlan(spec, TOKEN), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        assertThat(outcome.message()).contains("exists and was not created by function-runtimes");
        Secret team = client.secrets().inNamespace("default").withName("secretive" + CredentialEnv.SECRET_SUFFIX)
                .get();
        assertThat(team.getData()).containsOnlyKeys("team");
        assertThat(team.getMetadata().getOwnerReferences()).isNullOrEmpty();
        eventually(() -> client.apps().deployments().inNamespace("default").list().getItems().isEmpty(),
                "the Deployment of the failed start is deleted");
    }

    @Test
    void abortingTheRunTakesTheSecretWithTheJob() throws Exception {
        sim.onImage(IMAGE, PodBehavior.succeed().runForever().logs("working with " + TOKEN));
        RecordingListener listener = new RecordingListener();

        RunHandle handle = engine.start(jobPlan(), listener);
        listener.awaitRunning(WAIT);
        eventually(() -> !pluginSecrets().isEmpty(), "the Secret exists");
        handle.stop("Aborted by test");
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.STOPPED);
        assertNothingLeft();
        assertThat(listener.lines).doesNotContain("working with " + TOKEN);
    }

    @Test
    void aPythonJobGetsItsCredentialsTheSameWay() throws Exception {
        String image = "example.com/python-secretive:3.12";
        sim.onImage(image, PodBehavior.succeed().runFor(Duration.ofMillis(500)).logs("key " + TOKEN));
        FunctionSpec spec = new PythonRuntime().validate(new FunctionSpecReader().read("""
                name: py-secretive
                runtime: python
                source: {code: "def handler(p): return 1"}
                handler: main:handler
                image: %s
                env: {TOKEN: {credentialsId: api-token}}
                """.formatted(image), "p.yaml"));
        Plan plan = new PythonRuntime().plan(RunRequest.builder(spec, ActionKind.JOB).runId("py12345678")
                .namespace("default").credentials(credentials(TOKEN)).build());
        assertThat(plan.objects()).extracting(o -> o.getKind()).containsExactly("Job", "Secret", "ConfigMap");
        RecordingListener listener = new RecordingListener();

        engine.start(plan, listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.COMPLETED);
        assertThat(listener.lines).containsExactly("key ****");
        assertNothingLeft();
    }

    @Test
    void servingAgainWithANewCredentialValueUpdatesTheSecretAndRollsThePods() throws Exception {
        sim.onImage(IMAGE, PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        FunctionSpec spec = new ContainerRuntime().validate(new FunctionSpecReader().read(FUNCTION
                + "ports: [8080]\n", "f.yaml"));
        RecordingListener first = new RecordingListener();
        engine.start(servePlan(spec, TOKEN), first);
        assertThat(first.await(WAIT).state()).isEqualTo(RunState.RUNNING);
        String firstHash = client.apps().deployments().inNamespace("default").withName("secretive").get()
                .getSpec().getTemplate().getMetadata().getAnnotations().get(CredentialEnv.HASH_ANNOTATION);

        RecordingListener second = new RecordingListener();
        engine.start(servePlan(spec, "tok-rotated-42"), second);
        assertThat(second.await(WAIT).state()).isEqualTo(RunState.RUNNING);

        Deployment deployment = client.apps().deployments().inNamespace("default").withName("secretive").get();
        assertThat(deployment.getMetadata().getLabels().get(RunLabels.VERSION)).isEqualTo(spec.version());
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsKey(CredentialEnv.HASH_ANNOTATION)
                .doesNotContainEntry(CredentialEnv.HASH_ANNOTATION, firstHash);
        Secret secret = client.secrets().inNamespace("default").withName("secretive" + CredentialEnv.SECRET_SUFFIX)
                .get();
        assertThat(decoded(secret, "TOKEN")).isEqualTo("tok-rotated-42");
        assertThat(secret.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(deployment.getMetadata().getUid()));

        engine.stopService("default", "secretive").get();
        eventually(() -> pluginSecrets().isEmpty(), "stopping the service takes its Secret");
    }

    private static Plan servePlan(FunctionSpec spec, String token) throws Exception {
        return new ContainerRuntime().plan(RunRequest.builder(spec, ActionKind.SERVE)
                .runId(UUID.randomUUID().toString().substring(0, 10)).namespace("default")
                .credentials(credentials(token)).build());
    }
}
