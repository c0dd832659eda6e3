package io.jenkins.plugins.functions.kubernetes;

import static io.jenkins.plugins.functions.kubernetes.FunctionEngineTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.FunctionRuntime;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.impl.KubeAiRuntime;
import io.jenkins.plugins.functions.runtime.impl.ModelServeRuntime;
import io.jenkins.plugins.functions.runtime.impl.VllmRuntime;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.KubeAiController;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The model runtimes end to end against the simulated cluster: what they create, readiness to
 * the returned endpoint, a KubeAI that is absent or never ready, a crashing server, and stop.
 */
class ModelServingEngineTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "hf_s3cr3tTokenValue0123456789";
    private static final Profile GPU = new Profile("gpu-small", Map.of("nvidia.com/gpu.present", "true"),
            List.of(new Profile.Toleration("nvidia.com/gpu", "Exists", null, "NoSchedule", null)), null, null, null,
            "nvidia.com/gpu", null, List.of());

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

    static Plan plan(FunctionRuntime runtime, String name, Map<String, Object> fields, Profile profile,
                     Map<String, CredentialValue> credentials) throws Exception {
        FunctionSpec spec = runtime.validate(FunctionSpec.of(name, runtime.kind(), fields));
        RunRequest request = RunRequest.builder(spec, ActionKind.SERVE)
                .runId(UUID.randomUUID().toString().substring(0, 10))
                .namespace("default")
                .annotations(Map.of(RunLabels.JENKINS_JOB_ANNOTATION, "team/models"))
                .profile(profile)
                .credentials(credentials)
                .build();
        return runtime.plan(request);
    }

    // ---- vllm ----

    @Test
    void vllmServesAndReturnsTheOpenAiEndpointAndModel() throws Exception {
        sim.onImage("vllm/vllm-openai:*", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100))
                .logs("INFO: Uvicorn running on http://0.0.0.0:8000"));
        RecordingListener listener = new RecordingListener();
        Plan plan = plan(new VllmRuntime(), "chat", Map.of("model", "Qwen/Qwen2.5-0.5B-Instruct", "gpus", 1,
                "hfTokenCredentialsId", "hf-token"), GPU, Map.of("hf-token", CredentialValue.secretText("hf-token",
                TOKEN)));
        engine.start(plan, listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.RUNNING);
        assertThat(outcome.outputs()).containsEntry("url", "http://chat.default.svc:8000/v1")
                .containsEntry("model", "Qwen/Qwen2.5-0.5B-Instruct")
                .containsEntry("modelUri", "Qwen/Qwen2.5-0.5B-Instruct").containsEntry("engine", "vllm")
                .containsEntry("image", "vllm/vllm-openai:v0.8.5").containsEntry("readyReplicas", 1);
        assertThat(listener.events).anyMatch(e -> e.contains("is available at http://chat.default.svc:8000/v1"));

        Deployment deployment = client.apps().deployments().inNamespace("default").withName("chat").get();
        assertThat(client.services().inNamespace("default").withName("chat").get().getSpec().getPorts())
                .singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(8000));
        Container main = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(main.getResources().getLimits()).containsKey("nvidia.com/gpu");
        assertThat(deployment.getSpec().getTemplate().getSpec().getNodeSelector())
                .containsEntry("nvidia.com/gpu.present", "true");
        String secretName = main.getEnv().stream().filter(e -> e.getName().equals("HF_TOKEN")).findFirst()
                .orElseThrow().getValueFrom().getSecretKeyRef().getName();
        Secret secret = client.secrets().inNamespace("default").withName(secretName).get();
        assertThat(secret.getData()).containsKey("HF_TOKEN");
        assertThat(secret.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(deployment.getMetadata().getUid()));
        assertThat(Serialization.asJson(deployment)).doesNotContain(TOKEN);
        assertThat(String.join("\n", listener.events)).doesNotContain(TOKEN);
    }

    @Test
    void aVllmServerThatCrashesFailsAndLeavesNothing() throws Exception {
        sim.onImage("vllm/vllm-openai:*", PodBehavior.fail(1).crashLoop().restartBackoff(Duration.ofMillis(50))
                .logs("torch.OutOfMemoryError: CUDA out of memory"));
        RecordingListener listener = new RecordingListener();
        engine.start(plan(new VllmRuntime(), "chat", Map.of("model", "Qwen/Qwen2.5-0.5B-Instruct"), Profile.NONE,
                Map.of()), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        assertThat(outcome.reason()).isEqualTo("CrashLoopBackOff");
        eventually(() -> client.apps().deployments().inNamespace("default").withName("chat").get() == null
                && client.services().inNamespace("default").withName("chat").get() == null,
                "the Deployment and its Service are deleted");
    }

    @Test
    void stoppingAVllmServiceDeletesItsDeploymentServiceAndSecret() throws Exception {
        sim.onImage("vllm/vllm-openai:*", PodBehavior.longRunning());
        RecordingListener listener = new RecordingListener();
        engine.start(plan(new VllmRuntime(), "chat", Map.of("model", "pvc://models/qwen", "hfTokenCredentialsId",
                "hf-token"), Profile.NONE, Map.of("hf-token", CredentialValue.secretText("hf-token", TOKEN))), listener);
        assertThat(listener.await(WAIT).state()).isEqualTo(RunState.RUNNING);

        List<StoppedService> stopped = engine.stopService("default", "chat").get();

        assertThat(stopped).extracting(StoppedService::name).containsExactly("chat");
        eventually(() -> client.apps().deployments().inNamespace("default").withName("chat").get() == null
                && client.services().inNamespace("default").withName("chat").get() == null
                && client.secrets().inNamespace("default").withLabel(RunLabels.FUNCTION, "chat").list().getItems()
                .isEmpty(), "the Deployment, its Service and the token's Secret are gone");
    }

    // ---- modelserve ----

    @Test
    void modelServeServesTheV2Endpoint() throws Exception {
        sim.onImage("seldonio/mlserver:*", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        RecordingListener listener = new RecordingListener();
        engine.start(plan(new ModelServeRuntime(), "iris", Map.of("model",
                "https://models.example.com/iris/model.joblib", "framework", "sklearn"), Profile.NONE, Map.of()),
                listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.RUNNING);
        assertThat(outcome.outputs()).containsEntry("url", "http://iris.default.svc:8080/v2/models/iris")
                .containsEntry("model", "iris").containsEntry("framework", "sklearn")
                .containsEntry("engine", "mlserver");
        Deployment deployment = client.apps().deployments().inNamespace("default").withName("iris").get();
        assertThat(deployment.getSpec().getTemplate().getSpec().getInitContainers()).singleElement()
                .satisfies(c -> assertThat(c.getCommand()).contains("https://models.example.com/iris/model.joblib"));
    }

    // ---- kubeai ----

    private static Map<String, Object> qwen() {
        return Map.of("url", "hf://Qwen/Qwen2.5-0.5B-Instruct", "engine", "VLLM", "features", List.of("TextGeneration"),
                "resourceProfile", "nvidia-gpu-l4:1", "minReplicas", 1, "maxReplicas", 3,
                "args", List.of("--max-model-len=8192"), "env", Map.of("VLLM_LOGGING_LEVEL", "INFO"));
    }

    @Test
    void aKubeAiModelIsCreatedAndItsEndpointReturnedWhenReady() throws Exception {
        sim.installKubeAi(KubeAiController.Behavior.readyAfter(Duration.ofMillis(200)));
        RecordingListener listener = new RecordingListener();
        RunHandle handle = engine.start(plan(new KubeAiRuntime(), "qwen-chat", qwen(), Profile.NONE, Map.of()),
                listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.RUNNING);
        assertThat(outcome.reason()).isEqualTo("Available");
        assertThat(outcome.outputs()).containsEntry("url", "http://kubeai.default.svc/openai/v1")
                .containsEntry("model", "qwen-chat").containsEntry("engine", "VLLM")
                .containsEntry("modelUri", "hf://Qwen/Qwen2.5-0.5B-Instruct").containsEntry("readyReplicas", 1L);
        assertThat(handle.ref().kind()).isEqualTo("Model");
        assertThat(engine.activeRuns()).isZero();

        GenericKubernetesResource model = client.genericKubernetesResources("kubeai.org/v1", "Model")
                .inNamespace("default").withName("qwen-chat").get();
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) model.getAdditionalProperties().get("spec");
        assertThat(spec).containsEntry("url", "hf://Qwen/Qwen2.5-0.5B-Instruct").containsEntry("engine", "VLLM")
                .containsEntry("features", List.of("TextGeneration")).containsEntry("resourceProfile", "nvidia-gpu-l4:1")
                .containsEntry("minReplicas", 1).containsEntry("maxReplicas", 3)
                .containsEntry("args", List.of("--max-model-len=8192"))
                .containsEntry("env", Map.of("VLLM_LOGGING_LEVEL", "INFO"));
        assertThat(model.getMetadata().getLabels()).containsEntry(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                .containsEntry(RunLabels.FUNCTION, "qwen-chat").containsEntry(RunLabels.RUNTIME, "kubeai");
    }

    @Test
    void withoutKubeAiTheRunFailsAtOnceAndCreatesNothing() throws Exception {
        RecordingListener listener = new RecordingListener();
        engine.start(plan(new KubeAiRuntime(), "qwen-chat", qwen(), Profile.NONE, Map.of()), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        assertThat(outcome.reason()).isEqualTo("NotInstalled");
        assertThat(outcome.message()).contains("KubeAI is not installed").contains("kubeai.org/v1")
                .contains("nothing was created");
        assertThat(sim.requests().count("POST", "/**")).isZero();
        assertThat(sim.requests().count("GET", "/apis/kubeai.org/v1/namespaces/**")).as("no watch either").isZero();
    }

    @Test
    void aKubeAiModelThatNeverGetsReadyFailsAndIsDeleted() throws Exception {
        sim.installKubeAi(KubeAiController.Behavior.neverReady());
        RecordingListener listener = new RecordingListener();
        engine.start(plan(new KubeAiRuntime(), "qwen-chat", qwen(), Profile.NONE, Map.of()), listener,
                Duration.ofMillis(800));
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.ERROR);
        assertThat(outcome.reason()).isEqualTo("NotReady");
        assertThat(outcome.message()).contains("0 of 1 replicas ready");
        eventually(() -> client.genericKubernetesResources("kubeai.org/v1", "Model").inNamespace("default")
                .withName("qwen-chat").get() == null, "the Model this run created is deleted");
    }

    @Test
    void aModelThatScalesFromZeroIsReadyOnceCreated() throws Exception {
        sim.installKubeAi(KubeAiController.Behavior.neverReady());
        RecordingListener listener = new RecordingListener();
        engine.start(plan(new KubeAiRuntime(), "whisper", Map.of("url", "hf://Systran/faster-whisper-medium.en",
                "engine", "FasterWhisper", "features", List.of("SpeechToText"), "minReplicas", 0), Profile.NONE,
                Map.of()), listener);
        RunOutcome outcome = listener.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.RUNNING);
        assertThat(outcome.outputs()).containsEntry("url", "http://kubeai.default.svc/openai/v1")
                .containsEntry("model", "whisper").containsEntry("features", "SpeechToText");
    }

    @Test
    void stoppingAKubeAiFunctionDeletesItsModel() throws Exception {
        sim.installKubeAi(KubeAiController.Behavior.readyAfter(Duration.ofMillis(50)));
        RecordingListener listener = new RecordingListener();
        Plan plan = plan(new KubeAiRuntime(), "qwen-chat", qwen(), Profile.NONE, Map.of());
        engine.start(plan, listener);
        assertThat(listener.await(WAIT).state()).isEqualTo(RunState.RUNNING);

        List<StoppedService> stopped = engine.stopService("default", "qwen-chat").get();

        assertThat(stopped).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("qwen-chat");
            assertThat(s.runId()).isEqualTo(plan.request().runId());
        });
        assertThat(client.genericKubernetesResources("kubeai.org/v1", "Model").inNamespace("default")
                .withName("qwen-chat").get()).isNull();
    }

    @Test
    void aStartReattachedAfterARestartReadsTheModelAgain() throws Exception {
        sim.installKubeAi(KubeAiController.Behavior.readyAfter(Duration.ofMillis(50)));
        RecordingListener first = new RecordingListener();
        RunHandle handle = engine.start(plan(new KubeAiRuntime(), "qwen-chat", qwen(), Profile.NONE, Map.of()), first);
        assertThat(first.await(WAIT).state()).isEqualTo(RunState.RUNNING);

        try (FunctionEngine restarted = new FunctionEngine(client, EngineOptions.defaults())) {
            RecordingListener again = new RecordingListener();
            restarted.attach(handle.ref(), LogCursor.START, again, Duration.ofSeconds(20));
            RunOutcome outcome = again.await(WAIT);

            assertThat(outcome.state()).isEqualTo(RunState.RUNNING);
            assertThat(outcome.outputs()).containsEntry("url", "http://kubeai.default.svc/openai/v1")
                    .containsEntry("model", "qwen-chat");
            assertThat(again.events).anyMatch(e -> e.contains("Waiting again for Model default/qwen-chat"));

            RecordingListener lost = new RecordingListener();
            restarted.attach(new RunRef("default", "Model", "gone", "gone123456"), LogCursor.START, lost,
                    Duration.ofSeconds(20));
            assertThat(lost.await(WAIT).reason()).isEqualTo("Lost");
        }
    }

    @Test
    void servingAModelAgainUpdatesItInPlace() throws Exception {
        sim.installKubeAi(KubeAiController.Behavior.readyAfter(Duration.ofMillis(50)));
        RecordingListener first = new RecordingListener();
        engine.start(plan(new KubeAiRuntime(), "qwen-chat", qwen(), Profile.NONE, Map.of()), first);
        assertThat(first.await(WAIT).state()).isEqualTo(RunState.RUNNING);

        Map<String, Object> bigger = new java.util.LinkedHashMap<>(qwen());
        bigger.put("minReplicas", 2);
        bigger.put("maxReplicas", 4);
        RecordingListener second = new RecordingListener();
        Plan next = plan(new KubeAiRuntime(), "qwen-chat", bigger, Profile.NONE, Map.of());
        engine.start(next, second);
        RunOutcome outcome = second.await(WAIT);

        assertThat(outcome.state()).isEqualTo(RunState.RUNNING);
        assertThat(outcome.outputs()).containsEntry("readyReplicas", 2L);
        assertThat(second.events).anyMatch(e -> e.startsWith("Updated Model default/qwen-chat"));
        GenericKubernetesResource model = client.genericKubernetesResources("kubeai.org/v1", "Model")
                .inNamespace("default").withName("qwen-chat").get();
        assertThat(model.getMetadata().getLabels()).containsEntry(RunLabels.RUN_ID, next.request().runId());
    }
}
