package io.jenkins.plugins.functions.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.jenkins.FakeStepContext;
import io.jenkins.plugins.functions.jenkins.artifacts.StoreAccess;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.model.ArtifactStore;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import io.jenkins.plugins.functions.testing.S3TestServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Artifacts and inputs through {@code runFunction}, end to end on the Jenkins side: the step with
 * test doubles of the Pipeline context, the engine against the cluster simulation, and a real S3
 * server. The simulated pod of the producer uploads with the AWS SDK through exactly the variables
 * its container gets ({@code AWS_ENDPOINT_URL}, the keys resolved from the run's Secret,
 * {@code FUNCTION_ARTIFACTS_PREFIX}): what a container function's own tool does in a real cluster.
 */
class ArtifactsStepTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String BUCKET = "ml-artifacts";

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;
    private S3TestServer s3;
    private Clusters.Resolver previous;
    private volatile Map<String, String> consumerEnv;
    private io.jenkins.plugins.functions.jenkins.artifacts.DownloadLinks.Source previousLinks;

    @BeforeEach
    void start() throws Exception {
        s3 = S3TestServer.start(BUCKET);
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        engine = new FunctionEngine(client, EngineOptions.defaults().withLogDrainTimeout(Duration.ofSeconds(5)));
        RuntimeRegistry runtimes = RuntimeRegistry.fromServiceLoader(getClass().getClassLoader());
        StoreAccess access = new StoreAccess(new ArtifactStore(s3.endpoint(), null, BUCKET, true, "ci"), "minio");
        previous = Clusters.setResolver(build -> new Clusters.Target(engine, "default", runtimes)
                .withCredentials((id, b) -> "minio".equals(id) ? CredentialValue.usernamePassword(id,
                        S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY) : null)
                .withArtifactStores(profile -> access));
        // the run pages' links, signed with the store's key as Jenkins finds it for the build
        previousLinks = io.jenkins.plugins.functions.jenkins.artifacts.DownloadLinks.setSource((b, record) ->
                io.jenkins.plugins.functions.jenkins.artifacts.DownloadLinks.signedBy(access,
                        new io.jenkins.plugins.functions.model.StoreKeys(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)));
        sim.onImage("example.com/train:1", PodBehavior.succeed().logs("training").pendingFor(Duration.ofMillis(300))
                .runFor(Duration.ofMillis(200)));
        sim.onStart("example.com/train:1", ArtifactsStepTest::uploadModel);
        sim.onImage("example.com/evaluate:1", PodBehavior.succeed().pendingFor(Duration.ofMillis(300)));
        sim.onStart("example.com/evaluate:1", env -> consumerEnv = env);
    }

    /** What the producer's container does: puts model.joblib under its prefix, as its own tool would. */
    private static void uploadModel(Map<String, String> env) {
        try (S3Client c = S3Client.builder().endpointOverride(URI.create(env.get("AWS_ENDPOINT_URL")))
                .region(Region.of(env.get("AWS_REGION"))).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"))))
                .httpClient(UrlConnectionHttpClient.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).build()) {
            c.putObject(r -> r.bucket(env.get("FUNCTION_ARTIFACTS_BUCKET"))
                    .key(env.get("FUNCTION_ARTIFACTS_PREFIX") + "/model.joblib").contentType("application/octet-stream")
                    .metadata(Map.of("artifact-name", "model")), RequestBody.fromString("weights"));
        }
    }

    @AfterEach
    void stop() throws Exception {
        Clusters.setResolver(previous);
        io.jenkins.plugins.functions.jenkins.artifacts.DownloadLinks.setSource(previousLinks);
        engine.close();
        client.close();
        sim.close();
        s3.close();
    }

    private static RunFunctionStep step(String name, String image) {
        RunFunctionStep step = new RunFunctionStep();
        step.setName(name);
        step.setRuntime("container");
        step.setImage(image);
        return step;
    }

    @Test
    void aRunsArtifactIsTheNextRunsInputWithItsLineage() throws Exception {
        FakeBuild build = new FakeBuild("team-a/train-job", 42);
        FakeStepContext trainContext = new FakeStepContext(build, null);
        step("train", "example.com/train:1").start(trainContext).start();
        @SuppressWarnings("unchecked")
        Map<String, Object> train = (Map<String, Object>) trainContext.await(WAIT);

        String runId = (String) train.get("runId");
        String model = "s3://" + BUCKET + "/ci/team-a/train-job/42/" + runId + "/model.joblib";
        assertThat(train).containsEntry("status", "COMPLETED");
        assertThat(train.get("artifacts")).isEqualTo(Map.of("model", model));
        assertThat(trainContext.log()).contains("Artifact model: " + model + " (7 bytes)")
                .doesNotContain(S3TestServer.SECRET_KEY);

        RunFunctionStep evaluate = step("evaluate", "example.com/evaluate:1");
        evaluate.setInputs(Map.of("model", model));
        FakeStepContext evalContext = new FakeStepContext(build, null);
        evaluate.start(evalContext).start();
        @SuppressWarnings("unchecked")
        Map<String, Object> eval = (Map<String, Object>) evalContext.await(WAIT);
        assertThat(eval).containsEntry("status", "COMPLETED");
        assertThat(consumerEnv).containsEntry("FUNCTION_INPUT_MODEL", model)
                .containsEntry("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY)
                .containsEntry("AWS_ENDPOINT_URL", s3.endpoint());

        List<FunctionRunAction> runs = FunctionRunAction.of(build);
        FunctionRunAction trainRun = runs.get(0);
        FunctionRunAction evalRun = runs.get(1);
        assertThat(trainRun.getArtifacts()).singleElement().satisfies(a -> {
            assertThat(a.getName()).isEqualTo("model");
            assertThat(a.getSize()).isEqualTo(7);
            assertThat(a.getMediaType()).isEqualTo("application/octet-stream");
            assertThat(a.getConsumedBy()).containsExactly(evalRun.getRunId());
            assertThat(a.getDownloadUrl()).startsWith(s3.endpoint() + "/" + BUCKET + "/ci/team-a/train-job/42/" + runId
                    + "/model.joblib?").contains("X-Amz-Signature=");
        });
        assertThat(evalRun.getInputs()).singleElement().satisfies(i -> {
            assertThat(i.getProducerRunId()).isEqualTo(runId);
            assertThat(i.getProducerFunction()).isEqualTo("train");
        });
        // the Secret with the store's key went with the Job
        assertThat(client.secrets().inNamespace("default").list().getItems()).allSatisfy(s ->
                assertThat(s.getMetadata().getOwnerReferences()).isNotEmpty());
    }

    /**
     * The issue's {@code serveFunction file: 'iris.yaml', inputs: [model: train.artifacts.model]}: a
     * modelserve function without a model serves the train run's; its download container gets what
     * it needs to read the store, and with exactly that (its variables as the kubelet resolves them
     * from the run's Secret) the model is read from the store.
     */
    @Test
    void aModelServeFunctionServesTheModelATrainRunStored() throws Exception {
        sim.onImage("seldonio/mlserver:*", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        FakeBuild build = new FakeBuild("team-a/train-job", 43);
        FakeStepContext trainContext = new FakeStepContext(build, null);
        step("train", "example.com/train:1").start(trainContext).start();
        @SuppressWarnings("unchecked")
        Map<String, Object> train = (Map<String, Object>) trainContext.await(WAIT);
        @SuppressWarnings("unchecked")
        String model = ((Map<String, String>) train.get("artifacts")).get("model");

        ModelServeStepTest.ModelStep serve = new ModelServeStepTest.ModelStep(Map.of("name", "iris", "runtime",
                "modelserve", "framework", "sklearn"));
        serve.setInputs(Map.of("model", model));
        FakeStepContext serveContext = new FakeStepContext(build, null);
        serve.start(serveContext).start();
        @SuppressWarnings("unchecked")
        Map<String, Object> served = (Map<String, Object>) serveContext.await(WAIT);

        assertThat(served).containsEntry("status", "RUNNING").containsEntry("modelUri", model)
                .containsEntry("url", "http://iris.default.svc:8080/v2/models/iris");
        var pod = client.apps().deployments().inNamespace("default").withName("iris").get().getSpec().getTemplate()
                .getSpec();
        var download = pod.getInitContainers().get(0);
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (var e : download.getEnv()) {
            if (e.getValueFrom() == null) {
                env.put(e.getName(), e.getValue());
                continue;
            }
            var ref = e.getValueFrom().getSecretKeyRef();
            var secret = client.secrets().inNamespace("default").withName(ref.getName()).get();
            assertThat(secret.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(o -> assertThat(o.getKind()).isEqualTo("Deployment"));
            env.put(e.getName(), new String(java.util.Base64.getDecoder().decode(secret.getData().get(ref.getKey())),
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(download.getCommand().get(2)).contains("'" + model + "'");
        io.jenkins.plugins.functions.model.ArtifactUri object = io.jenkins.plugins.functions.model.ArtifactUri.parse(model);
        try (S3Client c = S3Client.builder().endpointOverride(URI.create(env.get("AWS_ENDPOINT_URL")))
                .region(Region.of(env.get("AWS_REGION"))).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"))))
                .httpClient(UrlConnectionHttpClient.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
                .build()) {
            assertThat(c.getObjectAsBytes(r -> r.bucket(object.bucket()).key(object.key())).asUtf8String())
                    .isEqualTo("weights");
        }

        FunctionRunAction trainRun = FunctionRunAction.of(build).get(0);
        FunctionRunAction serveRun = FunctionRunAction.of(build).get(1);
        assertThat(serveRun.getInputs()).singleElement().satisfies(i -> {
            assertThat(i.getProducerRunId()).isEqualTo(trainRun.getRunId());
            assertThat(i.getProducerFunction()).isEqualTo("train");
        });
        assertThat(trainRun.getArtifacts().get(0).getConsumedBy()).containsExactly(serveRun.getRunId());
        assertThat(serveContext.log()).doesNotContain(S3TestServer.SECRET_KEY);
        assertThat(serveRun.getManifests()).doesNotContain(S3TestServer.SECRET_KEY);
    }

    /** A run that stored something and then failed lists it: what a failed training wrote is kept. */
    @Test
    void aFailedRunListsWhatItStoredBeforeItFailed() throws Exception {
        sim.onImage("example.com/broken-train:1", PodBehavior.fail(3).pendingFor(Duration.ofMillis(300)));
        sim.onStart("example.com/broken-train:1", ArtifactsStepTest::uploadModel);
        FakeBuild build = new FakeBuild("team-a/train-job", 43);
        RunFunctionStep step = step("train", "example.com/broken-train:1");
        step.setFailOnError(false);
        FakeStepContext context = new FakeStepContext(build, null);
        step.start(context).start();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.await(WAIT);

        String model = "s3://" + BUCKET + "/ci/team-a/train-job/43/" + result.get("runId") + "/model.joblib";
        assertThat(result).containsEntry("status", "ERROR").containsEntry("artifacts", Map.of("model", model));
        assertThat(FunctionRunAction.of(build).get(0).getArtifacts()).singleElement()
                .satisfies(a -> assertThat(a.getUri()).isEqualTo(model));
    }

    @Test
    void aDeclaredArtifactThatWasNotStoredFailsACompletedRun() {
        io.jenkins.plugins.functions.run.RunOutcome completed = new io.jenkins.plugins.functions.run.RunOutcome(
                io.jenkins.plugins.functions.run.RunState.COMPLETED, 0, "Completed", null, Map.of(), null, null);
        io.jenkins.plugins.functions.run.RunOutcome checked = io.jenkins.plugins.functions.jenkins.artifacts
                .RunArtifactsSetup.checked(completed, List.of(new io.jenkins.plugins.functions.model.DeclaredFile(
                        "model", "/out/model.joblib", null)), List.of(), "s3://b/p");
        assertThat(checked.state()).isEqualTo(io.jenkins.plugins.functions.run.RunState.ERROR);
        assertThat(checked.reason()).isEqualTo("ArtifactMissing");
        assertThat(checked.message()).isEqualTo("artifact 'model' is declared (path /out/model.joblib) but the run"
                + " stored no object named so under s3://b/p/ (stored: none)");
    }

    @Test
    void inputsWithoutAStoreAreRefusedBeforeAnythingIsSent() throws Exception {
        Clusters.setResolver(build -> new Clusters.Target(engine, "default",
                RuntimeRegistry.fromServiceLoader(getClass().getClassLoader())));
        RunFunctionStep step = step("evaluate", "example.com/evaluate:1");
        step.setInputs(Map.of("model", "s3://b/k"));
        FakeStepContext context = new FakeStepContext(new FakeBuild("team-a/x", 1), null);
        step.start(context).start();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> context.await(WAIT))
                .hasMessageContaining("inputs").hasMessageContaining("artifact store");
        assertThat(client.batch().v1().jobs().inNamespace("default").list().getItems()).isEmpty();
    }
}
