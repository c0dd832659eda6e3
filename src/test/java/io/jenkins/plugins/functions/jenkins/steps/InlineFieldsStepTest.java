package io.jenkins.plugins.functions.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.greeting.GreetingRuntime;
import hudson.AbortException;
import io.fabric8.kubernetes.api.model.Container;
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
import io.jenkins.plugins.functions.runtime.FunctionRuntime;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.KubeAiController;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every runtime's fields inline in the steps, end to end: the step made by its descriptor's
 * {@code newInstance} from the arguments as the Pipeline passes them, started with the step test
 * doubles against the cluster simulation. The model runtimes and a runtime registered only here
 * (as another plugin would add one) take their own fields without the steps knowing them; a
 * misspelt field fails the step before anything reaches the API server, naming the runtime's fields.
 */
class InlineFieldsStepTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "hf_aVeryS3cretToken42";
    private static final Profile GPU = new Profile("gpu-small", Map.of("gpu", "l4"), List.of(), null, null, null,
            "nvidia.com/gpu", null, List.of());

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
        // the plugin's runtimes and one that only this test registers, as another plugin's provider would
        List<FunctionRuntime> installed = new ArrayList<>(
                RuntimeRegistry.fromServiceLoader(getClass().getClassLoader()).all());
        installed.add(new GreetingRuntime());
        RuntimeRegistry runtimes = new RuntimeRegistry(installed);
        previous = Clusters.setResolver(build -> new Clusters.Target(engine, "default", runtimes, builds::get)
                .withProfiles(Map.of("gpu-small", GPU))
                .withCredentials((id, b) -> "hf-token".equals(id) ? CredentialValue.secretText(id, TOKEN) : null));
    }

    @AfterEach
    void stop() {
        Clusters.setResolver(previous);
        engine.close();
        client.close();
        sim.close();
    }

    private FakeStepContext context(String job, int number) {
        FakeBuild b = new FakeBuild(job, number);
        builds.put(b.getExternalizableId(), b);
        return new FakeStepContext(b, null);
    }

    /** Named arguments as workflow-cps hands them to newInstance: insertion order, plain Groovy values. */
    private static Map<String, Object> args(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static Step newStep(StepDescriptor descriptor, Map<String, Object> arguments) throws Exception {
        return descriptor.newInstance(arguments);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> run(Step step, FakeStepContext context) throws Exception {
        step.start(context).start();
        return (Map<String, Object>) context.await(WAIT);
    }

    private int creates() {
        return sim.requests().count("POST", "/**");
    }

    // ---- the models, inline ---------------------------------------------------------------------

    @Test
    void vllmServedInlineAsTheIssueWroteIt() throws Exception {
        sim.onImage("vllm/vllm-openai:*", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        FakeStepContext context = context("team/llm", 1);
        Step step = newStep(new ServeFunctionStep.DescriptorImpl(), args("name", "llm", "runtime", "vllm",
                "model", "Qwen/Qwen2.5-0.5B-Instruct", "gpus", 1, "profile", "gpu-small", "maxModelLen", 8192,
                "hfTokenCredentialsId", "hf-token", "readyTimeout", "30m"));

        Map<String, Object> result = run(step, context);

        assertThat(result).containsEntry("status", "RUNNING").containsEntry("url", "http://llm.default.svc:8000/v1")
                .containsEntry("model", "Qwen/Qwen2.5-0.5B-Instruct").containsEntry("engine", "vllm");
        Container server = client.apps().deployments().inNamespace("default").withName("llm").get().getSpec()
                .getTemplate().getSpec().getContainers().get(0);
        assertThat(server.getArgs()).contains("--model=Qwen/Qwen2.5-0.5B-Instruct", "--max-model-len=8192");
        assertThat(server.getResources().getLimits()).containsKey("nvidia.com/gpu");
        assertThat(context.log()).doesNotContain("Unknown parameter").doesNotContain(TOKEN);
        FunctionRunAction record = FunctionRunAction.of(context.get(hudson.model.Run.class)).get(0);
        assertThat(record.getSpec()).contains("\"model\":\"Qwen/Qwen2.5-0.5B-Instruct\"").contains("hf-token")
                .doesNotContain(TOKEN);
    }

    @Test
    void kubeAiServedInline() throws Exception {
        sim.installKubeAi(KubeAiController.Behavior.readyAfter(Duration.ofMillis(100)));
        FakeStepContext context = context("team/speech", 1);
        Step step = newStep(new ServeFunctionStep.DescriptorImpl(), args("name", "whisper", "runtime", "kubeai",
                "url", "hf://Systran/faster-whisper-medium.en", "engine", "FasterWhisper",
                "features", List.of("SpeechToText"), "minReplicas", 1, "maxReplicas", 2));

        Map<String, Object> result = run(step, context);

        assertThat(result).containsEntry("status", "RUNNING").containsEntry("url", "http://kubeai.default.svc/openai/v1")
                .containsEntry("model", "whisper").containsEntry("engine", "FasterWhisper")
                .containsEntry("features", "SpeechToText");
        Map<String, Object> spec = client.genericKubernetesResources("kubeai.org/v1", "Model").inNamespace("default")
                .withName("whisper").get().get("spec");
        assertThat(spec).containsEntry("url", "hf://Systran/faster-whisper-medium.en").containsEntry("maxReplicas", 2);
    }

    @Test
    void modelServeServedInlineWithTheFieldsMap() throws Exception {
        sim.onImage("seldonio/mlserver:*", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        FakeStepContext context = context("team/iris", 1);
        // fields: [...] is the form a declarative steps block accepts
        Step step = newStep(new ServeFunctionStep.DescriptorImpl(), args("name", "iris", "runtime", "modelserve",
                "fields", args("model", "https://models.example.com/iris/model.joblib", "framework", "sklearn"),
                "replicas", 2));

        Map<String, Object> result = run(step, context);

        assertThat(result).containsEntry("status", "RUNNING")
                .containsEntry("url", "http://iris.default.svc:8080/v2/models/iris")
                .containsEntry("framework", "sklearn").containsEntry("replicas", 2);
    }

    // ---- a runtime another plugin adds ----------------------------------------------------------

    @Test
    void aThirdPartyRuntimesOwnFieldsInline() throws Exception {
        FakeStepContext context = context("team/hello", 1);
        Step step = newStep(new RunFunctionStep.DescriptorImpl(), args("name", "hello", "runtime", "greeting",
                "greeting", "Hello, Jenkins!", "times", 2, "timeout", "2m"));

        Map<String, Object> result = run(step, context);

        assertThat(result).containsEntry("status", "COMPLETED");
        assertThat((Map<String, Object>) result.get("outputs")).containsEntry("said", "Hello, Jenkins!");
        assertThat(context.log().split("Hello, Jenkins!\n", -1)).as("printed twice").hasSize(3);
    }

    @Test
    void aMisspeltThirdPartyFieldNamesTheRuntimesFieldsAndSendsNothing() throws Exception {
        FakeStepContext context = context("team/hello", 2);
        Step step = newStep(new RunFunctionStep.DescriptorImpl(), args("name", "hello", "runtime", "greeting",
                "greting", "Hello"));

        step.start(context).start();

        assertThatThrownBy(() -> context.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessage("runFunction: field 'greting': value 'Hello' is not allowed: unknown field; the fields of"
                        + " a 'greeting' function are: name, runtime, description, labels, greeting, times (did you"
                        + " mean 'greeting'?)");
        assertThat(creates()).isZero();
        assertThat(sim.requests().entries()).as("nothing reached the API server").isEmpty();
    }

    // ---- refusals ---------------------------------------------------------------------------------

    @Test
    void aMisspeltModelFieldFailsBeforeAnythingIsSentNamingTheRuntimesFields() throws Exception {
        FakeStepContext context = context("team/llm", 2);
        Step step = newStep(new ServeFunctionStep.DescriptorImpl(), args("name", "llm", "runtime", "vllm",
                "modle", "Qwen/Qwen2.5-0.5B-Instruct"));

        step.start(context).start();

        assertThatThrownBy(() -> context.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageStartingWith("serveFunction: field 'modle': value 'Qwen/Qwen2.5-0.5B-Instruct' is not"
                        + " allowed: unknown field; the fields of a 'vllm' function are: name, runtime, description,"
                        + " labels, model, servedModelName, image, args, gpus, ")
                .hasMessageEndingWith("(did you mean 'model'?)");
        assertThat(sim.requests().entries()).as("nothing reached the API server").isEmpty();
        FunctionRunAction record = FunctionRunAction.of(context.get(hudson.model.Run.class)).get(0);
        assertThat(record.getState()).isEqualTo("ERROR");
        assertThat(record.getReason()).isEqualTo("InvalidSpec");
    }

    @Test
    void aStepArgumentTheRuntimeHasNotIsRefusedLikeAnUnknownFieldOfAFile() throws Exception {
        FakeStepContext context = context("team/llm", 3);
        Step step = newStep(new ServeFunctionStep.DescriptorImpl(), args("name", "llm", "runtime", "vllm",
                "model", "Qwen/Qwen2.5-0.5B-Instruct", "ports", List.of(8080)));

        step.start(context).start();

        assertThatThrownBy(() -> context.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("field 'ports'").hasMessageContaining("the fields of a 'vllm' function are");
        assertThat(sim.requests().entries()).isEmpty();
    }

    @Test
    void aStepArgumentInsideFieldsIsRefusedAsTheStepIsMade() {
        assertThatThrownBy(() -> newStep(new ServeFunctionStep.DescriptorImpl(), args("name", "web",
                "runtime", "container", "fields", args("image", "nginx:1.27"))))
                .isInstanceOf(AbortException.class)
                .hasMessage("serveFunction: field 'fields.image': value 'nginx:1.27' is not allowed: image is an"
                        + " argument of serveFunction: give it on its own (image: ...), not in fields");
        assertThatThrownBy(() -> newStep(new ServeFunctionStep.DescriptorImpl(), args("name", "llm", "runtime",
                "vllm", "model", "a/b", "fields", args("model", "c/d"))))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("field 'fields.model': value 'c/d' is not allowed: given twice");
        assertThatThrownBy(() -> newStep(new RunFunctionStep.DescriptorImpl(), args("fields", "model: x")))
                .isInstanceOf(AbortException.class)
                .hasMessageStartingWith("runFunction: field 'fields': value 'model: x' is not allowed: must be a mapping");
    }

    @Test
    void argumentsOfTheWrongTypeAreRefusedNamingTheArgumentNeverAnEnvValue() {
        assertThatThrownBy(() -> newStep(new ServeFunctionStep.DescriptorImpl(), args("replicas", "two")))
                .isInstanceOf(AbortException.class)
                .hasMessage("serveFunction: field 'replicas': value 'two' is not allowed: must be a whole number, such"
                        + " as 2");
        assertThatThrownBy(() -> newStep(new RunFunctionStep.DescriptorImpl(), args("command", List.of("sleep", 5))))
                .isInstanceOf(AbortException.class)
                .hasMessage("runFunction: field 'command[1]': value '5' is not allowed: must be text, such as 'hello'");
        assertThatThrownBy(() -> newStep(new RunFunctionStep.DescriptorImpl(), args("failOnError", "no")))
                .isInstanceOf(AbortException.class).hasMessageContaining("must be true or false");
        assertThatThrownBy(() -> newStep(new RunFunctionStep.DescriptorImpl(), args("env", "TOKEN=s3cret")))
                .isInstanceOf(AbortException.class).hasMessageContaining("field 'env'")
                .message().doesNotContain("s3cret");
        assertThatThrownBy(() -> newStep(new RunFunctionStep.DescriptorImpl(), args("model", new Object())))
                .isInstanceOf(AbortException.class).hasMessageContaining("field 'model'")
                .hasMessageContaining("must be text, a number, true or false, a list or a mapping");
    }

    // ---- newInstance and its round trip -------------------------------------------------------------

    @Test
    void newInstanceBindsTheStepsArgumentsAndKeepsTheRestAsPlainFields() throws Exception {
        Map<String, Object> resources = args("limits", args("memory", "8Gi"));
        ServeFunctionStep step = (ServeFunctionStep) newStep(new ServeFunctionStep.DescriptorImpl(), args(
                "name", "llm", "runtime", "vllm", "namespace", "models", "timeout", 600, "failOnError", false,
                "readyTimeout", "45m", "replicas", 2L, "resources", resources, "args", List.of("--enable-prefix-caching"),
                "model", new StringBuilder("Qwen/Qwen2.5-0.5B-Instruct"), "gpus", 1,
                "gpuMemoryUtilization", new java.math.BigDecimal("0.85"), "tags", List.of("a", 1)));

        assertThat(step.getName()).isEqualTo("llm");
        assertThat(step.getNamespace()).isEqualTo("models");
        assertThat(step.getTimeout()).isEqualTo(600);
        assertThat(step.isFailOnError()).isFalse();
        assertThat(step.getReadyTimeout()).isEqualTo("45m");
        assertThat(step.getReplicas()).isEqualTo(2);
        assertThat(step.getResources()).isEqualTo(resources);
        assertThat(step.getArgs()).containsExactly("--enable-prefix-caching");
        assertThat(step.getFields()).containsExactly(Map.entry("model", "Qwen/Qwen2.5-0.5B-Instruct"),
                Map.entry("gpus", 1L), Map.entry("gpuMemoryUtilization", new java.math.BigDecimal("0.85")),
                Map.entry("tags", List.of("a", 1L)));
        assertThat(step.call("serveFunction", step.action()).inline()).containsEntry("model", "Qwen/Qwen2.5-0.5B-Instruct")
                .containsEntry("replicas", 2).containsKeys("name", "runtime", "resources", "args", "gpus");
    }

    @Test
    void eachStepsDescriptorMakesItsOwnStep() throws Exception {
        assertThat(newStep(new RunFunctionStep.DescriptorImpl(), args("greeting", "hi")))
                .isExactlyInstanceOf(RunFunctionStep.class);
        assertThat(newStep(new ServeFunctionStep.DescriptorImpl(), args())).isExactlyInstanceOf(ServeFunctionStep.class);
        assertThat(newStep(new DeployFunctionStep.DescriptorImpl(), args("model", "x")))
                .isExactlyInstanceOf(DeployFunctionStep.class);
        BuildImageStep build = (BuildImageStep) newStep(new BuildImageStep.DescriptorImpl(), args(
                "image", "registry.example.com/team/web:1", "context", "app", "description", "nightly",
                "colour", "red"));
        assertThat(build.getContext()).isEqualTo("app");
        assertThat(build.inlineFields()).containsEntry("runtime", "container").containsEntry("colour", "red");
    }

    /**
     * What the Snippet Generator and declarative write a step back as (structs' uninstantiate: every
     * data-bound property whose getter differs from a new step's) is taken again by newInstance: the
     * extra fields travel as {@code fields}.
     */
    @Test
    void theStepWrittenBackAsItsPropertiesIsTheSameStepAgain() throws Exception {
        ServeFunctionStep.DescriptorImpl descriptor = new ServeFunctionStep.DescriptorImpl();
        ServeFunctionStep original = (ServeFunctionStep) newStep(descriptor, args("name", "llm", "runtime", "vllm",
                "model", "Qwen/Qwen2.5-0.5B-Instruct", "gpus", 1, "replicas", 2, "timeout", "10m"));

        Map<String, Object> written = Properties.uninstantiate(original, new ServeFunctionStep());

        assertThat(written).containsEntry("fields", Map.of("model", "Qwen/Qwen2.5-0.5B-Instruct", "gpus", 1L))
                .doesNotContainKeys("model", "gpus");
        ServeFunctionStep again = (ServeFunctionStep) newStep(descriptor, new LinkedHashMap<>(written));
        assertThat(again.call("serveFunction", again.action()))
                .isEqualTo(original.call("serveFunction", original.action()));
    }

    /** structs' DescribableModel.uninstantiate, for the property types the steps use. */
    static final class Properties {
        static Map<String, Object> uninstantiate(Object step, Object fresh) throws Exception {
            Map<String, Object> written = new java.util.TreeMap<>();
            for (java.lang.reflect.Method setter : step.getClass().getMethods()) {
                String property = io.jenkins.plugins.functions.jenkins.runs.ExtraFields.setterProperty(setter);
                if (property == null) {
                    continue;
                }
                String suffix = Character.toUpperCase(property.charAt(0)) + property.substring(1);
                java.lang.reflect.Method getter;
                try {
                    getter = step.getClass().getMethod("get" + suffix);
                } catch (NoSuchMethodException e) {
                    getter = step.getClass().getMethod("is" + suffix);
                }
                Object value = getter.invoke(step);
                if (!java.util.Objects.equals(value, getter.invoke(fresh))) {
                    written.put(property, value);
                }
            }
            return written;
        }
    }
}
