package io.jenkins.plugins.functions.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.jenkins.FakeStepContext;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.KubeAiController;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * serveFunction and stopFunction with the model runtimes: the profile and the Hugging Face token
 * resolved by the Jenkins layer, what the step returns and records, and the refusals that must
 * come before anything is created.
 */
class ModelServeStepTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "hf_aVeryS3cretToken42";
    private static final Profile GPU = new Profile("gpu-small", Map.of("gpu", "l4"), List.of(), null, null, null,
            "nvidia.com/gpu", null, List.of());
    private static final Profile CPU = new Profile("cpu", Map.of(), List.of(), null, null, null, null, null, List.of());

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;
    private Clusters.Resolver previous;
    private final Map<String, FakeBuild> builds = new ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        engine = new FunctionEngine(client, EngineOptions.defaults());
        RuntimeRegistry runtimes = RuntimeRegistry.fromServiceLoader(getClass().getClassLoader());
        previous = Clusters.setResolver(build -> new Clusters.Target(engine, "default", runtimes, builds::get)
                .withProfiles(Map.of("gpu-small", GPU, "cpu", CPU))
                .withCredentials((id, b) -> "hf-token".equals(id) ? CredentialValue.secretText(id, TOKEN)
                        : "registry".equals(id) ? CredentialValue.usernamePassword(id, "robot", "pw") : null));
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

    /** serveFunction with a model function given whole, as it would come from its file. */
    static final class ModelStep extends ServeFunctionStep {
        private final Map<String, Object> function;

        ModelStep(Map<String, Object> function) {
            this.function = function;
        }

        @Override
        Map<String, Object> inlineFields() {
            Map<String, Object> m = super.inlineFields();
            m.putAll(function);
            return m;
        }
    }

    private static Map<String, Object> chat(Map<String, Object> extra) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", "chat");
        f.put("runtime", "vllm");
        f.put("model", "Qwen/Qwen2.5-0.5B-Instruct");
        f.putAll(extra);
        return f;
    }

    @Test
    void vllmReturnsTheOpenAiUrlAndModelAndRecordsThem() throws Exception {
        sim.onImage("vllm/vllm-openai:*", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        FakeBuild build = build("team/llm", 3);
        FakeStepContext context = new FakeStepContext(build, null);
        new ModelStep(chat(Map.of("gpus", 1, "profile", "gpu-small", "hfTokenCredentialsId", "hf-token")))
                .start(context).start();

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.await(WAIT);

        assertThat(result).containsEntry("status", "RUNNING").containsEntry("url", "http://chat.default.svc:8000/v1")
                .containsEntry("model", "Qwen/Qwen2.5-0.5B-Instruct").containsEntry("engine", "vllm")
                .containsEntry("modelUri", "Qwen/Qwen2.5-0.5B-Instruct").containsEntry("image", "vllm/vllm-openai:v0.8.5");
        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        assertThat(run.getOutputs()).containsEntry("url", "http://chat.default.svc:8000/v1")
                .containsEntry("model", "Qwen/Qwen2.5-0.5B-Instruct").containsEntry("engine", "vllm")
                .containsEntry("image", "vllm/vllm-openai:v0.8.5");
        assertThat(run.getObjects()).contains("Deployment default/chat", "Service default/chat");
        var pod = client.apps().deployments().inNamespace("default").withName("chat").get().getSpec().getTemplate()
                .getSpec();
        assertThat(pod.getNodeSelector()).containsEntry("gpu", "l4");
        assertThat(pod.getContainers().get(0).getResources().getLimits()).containsKey("nvidia.com/gpu");
        assertThat(context.log()).doesNotContain(TOKEN);
        assertThat(run.getSpec()).doesNotContain(TOKEN).contains("hf-token");
    }

    @Test
    void gpusWithoutAGpuProfileFailBeforeAnythingIsCreatedNamingTheProfiles() throws Exception {
        FakeStepContext context = new FakeStepContext(build("team/llm", 1), null);
        new ModelStep(chat(Map.of("gpus", 1, "profile", "cpu"))).start(context).start();

        assertThatThrownBy(() -> context.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("field 'gpus': value '1' is not allowed")
                .hasMessageContaining("profile 'cpu' offers none")
                .hasMessageContaining("configured profiles: cpu (no GPUs), gpu-small (nvidia.com/gpu)");
        assertThat(sim.requests().count("POST", "/**")).isZero();
    }

    @Test
    void gpusWithoutAnyProfileAreRefused() throws Exception {
        FakeStepContext context = new FakeStepContext(build("team/llm", 1), null);
        new ModelStep(chat(Map.of("gpus", 2))).start(context).start();

        assertThatThrownBy(() -> context.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("field 'gpus'").hasMessageContaining("names no profile")
                .hasMessageContaining("gpu-small (nvidia.com/gpu)");
        assertThat(sim.requests().count("POST", "/**")).isZero();
    }

    @Test
    void anUnknownProfileListsTheConfiguredOnes() throws Exception {
        FakeStepContext context = new FakeStepContext(build("team/llm", 1), null);
        new ModelStep(chat(Map.of("profile", "gpu-huge"))).start(context).start();

        assertThatThrownBy(() -> context.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("field 'profile': value 'gpu-huge' is not allowed")
                .hasMessageContaining("configured profiles: cpu, gpu-small");
        assertThat(sim.requests().count("POST", "/**")).isZero();
    }

    @Test
    void anUnknownOrWrongKindOfCredentialIsRefusedBeforeAnythingIsCreated() throws Exception {
        FakeStepContext unknown = new FakeStepContext(build("team/llm", 1), null);
        new ModelStep(chat(Map.of("hfTokenCredentialsId", "nope"))).start(unknown).start();
        assertThatThrownBy(() -> unknown.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("field 'hfTokenCredentialsId': value 'nope' is not allowed");

        FakeStepContext wrongKind = new FakeStepContext(build("team/llm", 2), null);
        new ModelStep(chat(Map.of("hfTokenCredentialsId", "registry"))).start(wrongKind).start();
        assertThatThrownBy(() -> wrongKind.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("field 'hfTokenCredentialsId'").hasMessageContaining("secret text")
                .message().doesNotContain("pw");
        assertThat(sim.requests().count("POST", "/**")).isZero();
    }

    private static Map<String, Object> whisper() {
        return Map.of("name", "whisper", "runtime", "kubeai", "url", "hf://Systran/faster-whisper-medium.en",
                "engine", "FasterWhisper", "features", List.of("SpeechToText"));
    }

    @Test
    void kubeAiReturnsItsEndpointAndStopFunctionDeletesTheModel() throws Exception {
        sim.installKubeAi(KubeAiController.Behavior.readyAfter(Duration.ofMillis(100)));
        FakeBuild serving = build("team/speech", 5);
        FakeStepContext context = new FakeStepContext(serving, null);
        new ModelStep(whisper()).start(context).start();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.await(WAIT);

        assertThat(result).containsEntry("status", "RUNNING").containsEntry("url", "http://kubeai.default.svc/openai/v1")
                .containsEntry("model", "whisper").containsEntry("engine", "FasterWhisper")
                .containsEntry("features", "SpeechToText");
        assertThat(FunctionRunAction.of(serving).get(0).getObjects()).containsExactly("Model default/whisper");
        assertThat(context.log()).contains("Model default/whisper is ready");

        FakeStepContext stopContext = new FakeStepContext(build("team/cleanup", 1), null);
        new StopFunctionStep("whisper").start(stopContext).start();
        stopContext.await(WAIT);

        assertThat(client.genericKubernetesResources("kubeai.org/v1", "Model").inNamespace("default").list()
                .getItems()).isEmpty();
        assertThat(FunctionRunAction.of(serving).get(0).getState()).isEqualTo("STOPPED");
    }

    @Test
    void kubeAiWithoutItsCrdFailsTheStepSayingSo() throws Exception {
        FakeStepContext context = new FakeStepContext(build("team/speech", 1), null);
        new ModelStep(whisper()).start(context).start();

        assertThatThrownBy(() -> context.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("NotInstalled").hasMessageContaining("KubeAI is not installed");
        assertThat(sim.requests().count("POST", "/**")).isZero();
    }

    @Test
    void theReadyWaitIsItsOwnArgument() throws Exception {
        sim.installKubeAi(KubeAiController.Behavior.neverReady());
        FakeBuild build = build("team/speech", 2);
        FakeStepContext context = new FakeStepContext(build, null);
        ModelStep step = new ModelStep(whisper());
        step.setReadyTimeout("1s");
        step.start(context).start();

        assertThatThrownBy(() -> context.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("NotReady").hasMessageContaining("not ready after 1s");
        assertThat(FunctionRunAction.of(build).get(0).getState()).isEqualTo("ERROR");
    }

    @Test
    void aBadReadyTimeoutIsRefused() throws Exception {
        FakeStepContext context = new FakeStepContext(build("team/speech", 3), null);
        ModelStep step = new ModelStep(whisper());
        step.setReadyTimeout("soon");

        // refused as the step starts, before a run is recorded or anything is sent
        assertThatThrownBy(() -> step.start(context).start()).isInstanceOf(AbortException.class)
                .hasMessageContaining("field 'readyTimeout': value 'soon' is not allowed");
        assertThat(sim.requests().count("POST", "/**")).isZero();
    }

    @Test
    void stepArgumentsOverrideTheFieldsTheRuntimeHas() throws Exception {
        sim.onImage("vllm/vllm-openai:*", PodBehavior.longRunning());
        FakeStepContext context = new FakeStepContext(build("team/llm", 7), null);
        ModelStep step = new ModelStep(chat(Map.of()));
        step.setImage("vllm/vllm-openai:v0.9.0");
        step.setReplicas(2);
        step.start(context).start();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.await(WAIT);

        assertThat(result).containsEntry("image", "vllm/vllm-openai:v0.9.0").containsEntry("replicas", 2);

        FakeStepContext refused = new FakeStepContext(build("team/llm", 8), null);
        ModelStep withEnv = new ModelStep(chat(Map.of()));
        withEnv.setEnv(Map.of("DEBUG", "1"));
        withEnv.start(refused).start();
        assertThatThrownBy(() -> refused.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("field 'env'").hasMessageContaining("unknown field");
    }
}
