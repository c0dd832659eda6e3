package io.jenkins.plugins.functions.jenkins.builders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.greeting.GreetingRuntime;
import com.thoughtworks.xstream.XStream;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.model.TaskListener;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.jenkins.FakeEnvVars;
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
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The freestyle builders' "Additional fields": any runtime's fields as YAML, a model's and those of
 * a runtime registered only here included, with the build's variables expanded, checked by the
 * runtime like a function file's, end to end against the cluster simulation.
 */
class AdditionalFieldsBuilderTest {

    private static final String TOKEN = "hf_s3cretT0ken";
    private static final Profile GPU = new Profile("gpu-small", Map.of("gpu", "l4"), List.of(), null, null, null,
            "nvidia.com/gpu", null, List.of());

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;
    private Clusters.Resolver previous;
    private final Map<String, FakeBuild> builds = new ConcurrentHashMap<>();
    private final ByteArrayOutputStream logBuffer = new ByteArrayOutputStream();
    private final TaskListener listener = () -> new PrintStream(logBuffer, true, StandardCharsets.UTF_8);

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        engine = new FunctionEngine(client, EngineOptions.defaults());
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

    private FakeBuild build(String job, int number) {
        FakeBuild b = new FakeBuild(job, number);
        builds.put(b.getExternalizableId(), b);
        return b;
    }

    private static EnvVars env(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return new FakeEnvVars(m);
    }

    private static Map<String, String> variables(FakeBuild build) {
        EnvVars env = new FakeEnvVars(Map.of());
        build.getActions(FunctionResultEnvironment.class).forEach(a -> a.buildEnvironment(build, env));
        return env;
    }

    private Container server(String name) {
        return client.apps().deployments().inNamespace("default").withName(name).get().getSpec().getTemplate()
                .getSpec().getContainers().get(0);
    }

    @Test
    void serveFunctionServesAModelFromItsAdditionalFieldsWithTheBuildsVariables() throws Exception {
        sim.onImage("vllm/vllm-openai:*", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        FakeBuild build = build("team/llm", 1);
        ServeFunctionBuilder builder = new ServeFunctionBuilder();
        builder.setName("llm");
        builder.setRuntime("vllm");
        builder.setProfile("gpu-small");
        builder.setAdditionalFields("model: ${MODEL}\ngpus: 1\nmaxModelLen: 4096\nresources:\n  limits:\n"
                + "    memory: 8Gi\n");

        builder.perform(build, null, env("MODEL", "Qwen/Qwen2.5-0.5B-Instruct"), null, listener);

        assertThat(variables(build)).containsEntry("FUNCTION_URL", "http://llm.default.svc:8000/v1");
        Container c = server("llm");
        assertThat(c.getArgs()).contains("--model=Qwen/Qwen2.5-0.5B-Instruct", "--max-model-len=4096");
        assertThat(c.getResources().getLimits()).containsKey("nvidia.com/gpu").containsKey("memory");
    }

    @Test
    void theHuggingFaceTokenHasABoxOfItsOwnWhoseCredentialReachesThePodsOnlyThroughASecret() throws Exception {
        sim.onImage("vllm/vllm-openai:*", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        FakeBuild build = build("team/llm", 5);
        ServeFunctionBuilder builder = new ServeFunctionBuilder();
        builder.setName("llm");
        builder.setRuntime("vllm");
        builder.setHfTokenCredentialsId("${HF_CREDENTIAL}");
        builder.setAdditionalFields("model: meta-llama/Llama-3.2-1B-Instruct");

        builder.perform(build, null, env("HF_CREDENTIAL", "hf-token"), null, listener);

        EnvVar token = server("llm").getEnv().stream().filter(e -> e.getName().equals("HF_TOKEN")).findFirst()
                .orElseThrow();
        assertThat(token.getValue()).as("never in the pod spec").isNull();
        Secret secret = client.secrets().inNamespace("default")
                .withName(token.getValueFrom().getSecretKeyRef().getName()).get();
        assertThat(new String(Base64.getDecoder().decode(secret.getData().get(token.getValueFrom().getSecretKeyRef()
                .getKey())), StandardCharsets.UTF_8)).as("the token is in the run's Secret").isEqualTo(TOKEN);
        assertThat(client.apps().deployments().inNamespace("default").withName("llm").get().toString())
                .doesNotContain(TOKEN);
        assertThat(logBuffer.toString(StandardCharsets.UTF_8)).doesNotContain(TOKEN);
        assertThat(FunctionRunAction.of(build).get(0).getSpec()).contains("hf-token").doesNotContain(TOKEN);

        builder.setAdditionalFields("model: a/b\nhfTokenCredentialsId: other-token");
        assertThatThrownBy(() -> builder.perform(build("team/llm", 6), null, env("HF_CREDENTIAL", "hf-token"), null,
                listener)).isInstanceOf(AbortException.class)
                .hasMessage("Serve function: field 'additionalFields.hfTokenCredentialsId': value 'other-token' is not"
                        + " allowed: hfTokenCredentialsId is also given in its own field of this form: give it in one"
                        + " place");
    }

    @Test
    void aJobThatWroteTheHuggingFaceTokenInTheAdditionalFieldsBeforeItHadABoxStillServes() throws Exception {
        sim.onImage("vllm/vllm-openai:*", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        FakeBuild build = build("team/llm", 7);
        ServeFunctionBuilder builder = new ServeFunctionBuilder();
        builder.setName("llm");
        builder.setRuntime("vllm");
        builder.setAdditionalFields("model: meta-llama/Llama-3.2-1B-Instruct\nhfTokenCredentialsId: hf-token");

        builder.perform(build, null, env(), null, listener);

        assertThat(server("llm").getEnv()).anySatisfy(e -> assertThat(e.getValueFrom()).isNotNull());
        assertThat(FunctionRunAction.of(build).get(0).getSpec()).contains("hf-token").doesNotContain(TOKEN);
    }

    @Test
    void withAFunctionFileEachAdditionalFieldReplacesTheFilesField() throws Exception {
        sim.onImage("vllm/vllm-openai:*", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        FakeBuild build = build("team/llm", 2);
        ServeFunctionBuilder builder = new ServeFunctionBuilder();
        builder.setFile("examples/functions/qwen-chat.yaml");
        builder.setAdditionalFields("maxModelLen: 2048\ndtype: bfloat16");

        builder.perform(build, new LocalFolder(Path.of(".")), env(), listener);

        assertThat(server("qwen-chat").getArgs()).contains("--max-model-len=2048", "--dtype=bfloat16")
                .doesNotContain("--max-model-len=8192");
    }

    @Test
    void aThirdPartyRuntimesFieldsInRunFunction() throws Exception {
        FakeBuild build = build("team/hello", 1);
        RunFunctionBuilder builder = new RunFunctionBuilder();
        builder.setName("hello");
        builder.setRuntime("greeting");
        builder.setAdditionalFields("greeting: Hello, ${WHO}!\ntimes: 1");

        builder.perform(build, null, env("WHO", "Jenkins"), null, listener);

        assertThat(variables(build)).containsEntry("FUNCTION_STATUS", "COMPLETED")
                .containsEntry("FUNCTION_OUTPUT_SAID", "Hello, Jenkins!");
    }

    @Test
    void aMisspeltFieldFailsTheBuildNamingTheRuntimesFieldsBeforeAnythingIsSent() {
        FakeBuild build = build("team/llm", 3);
        ServeFunctionBuilder builder = new ServeFunctionBuilder();
        builder.setName("llm");
        builder.setRuntime("vllm");
        builder.setAdditionalFields("modle: Qwen/Qwen2.5-0.5B-Instruct");

        assertThatThrownBy(() -> builder.perform(build, null, env(), null, listener))
                .isInstanceOf(AbortException.class)
                .hasMessageStartingWith("Serve function: field 'modle': value 'Qwen/Qwen2.5-0.5B-Instruct' is not"
                        + " allowed: unknown field; the fields of a 'vllm' function are: name, runtime, ")
                .hasMessageEndingWith("(did you mean 'model'?)");
        assertThat(FunctionRunAction.of(build).get(0).getState()).isEqualTo("ERROR");
        assertThat(sim.requests().entries()).as("nothing reached the API server").isEmpty();
    }

    @Test
    void aFieldWithABoxOfItsOwnOrBadYamlIsRefusedBeforeTheRunIsRecorded() {
        FakeBuild build = build("team/llm", 4);
        ServeFunctionBuilder builder = new ServeFunctionBuilder();
        builder.setName("llm");
        builder.setRuntime("vllm");
        builder.setAdditionalFields("model: a/b\nnamespace: models");
        assertThatThrownBy(() -> builder.perform(build, null, env(), null, listener))
                .isInstanceOf(AbortException.class)
                .hasMessage("Serve function: field 'additionalFields.namespace': value 'models' is not allowed:"
                        + " namespace has a field of its own in this form: give it there, not in the additional"
                        + " fields");

        builder.setAdditionalFields("env:\n  TOKEN: s3cret");
        assertThatThrownBy(() -> builder.perform(build, null, env(), null, listener))
                .isInstanceOf(AbortException.class).hasMessageContaining("field 'additionalFields.env'")
                .message().doesNotContain("s3cret");

        builder.setAdditionalFields("model: [unclosed");
        assertThatThrownBy(() -> builder.perform(build, null, env(), null, listener))
                .isInstanceOf(AbortException.class)
                .hasMessageStartingWith("Serve function: field 'additionalFields': value 'model: [unclosed' is not"
                        + " allowed: a YAML mapping");

        builder.setAdditionalFields("- model");
        assertThatThrownBy(() -> builder.perform(build, null, env(), null, listener))
                .isInstanceOf(AbortException.class).hasMessageContaining("field 'additionalFields'");
        assertThat(FunctionRunAction.of(build)).as("nothing recorded").isEmpty();
        assertThat(sim.requests().entries()).isEmpty();
    }

    @Test
    void buildImageTakesNoAdditionalFields() {
        BuildImageBuilder builder = new BuildImageBuilder();
        builder.setImage("registry.example.com/team/web:1");
        builder.setContext("app");
        builder.setAdditionalFields("description: nightly");

        assertThatThrownBy(() -> builder.call(env())).isInstanceOf(io.jenkins.plugins.functions.spec.SpecException.class)
                .hasMessageStartingWith("Build image: field 'additionalFields': value '(given)' is not allowed: not a"
                        + " field of Build image");
    }

    @Test
    void theAdditionalFieldsAreKeptInTheJobsConfigurationAndOlderJobsLoadWithout() throws Exception {
        XStream x = new XStream();
        x.allowTypesByWildcard(new String[] {"io.jenkins.plugins.functions.**"});
        ServeFunctionBuilder builder = new ServeFunctionBuilder();
        builder.setRuntime("vllm");
        builder.setAdditionalFields("  model: Qwen/Qwen2.5-0.5B-Instruct\n  ");

        String xml = x.toXML(builder);
        ServeFunctionBuilder back = (ServeFunctionBuilder) x.fromXML(xml);

        assertThat(back.getAdditionalFields()).isEqualTo("model: Qwen/Qwen2.5-0.5B-Instruct");
        assertThat(back.call(env()).inline()).containsEntry("model", "Qwen/Qwen2.5-0.5B-Instruct");
        ServeFunctionBuilder older = (ServeFunctionBuilder) x.fromXML(xml.replaceAll(
                "(?s)\\s*<additionalFields>.*</additionalFields>", ""));
        assertThat(older.getAdditionalFields()).isNull();
        assertThat(older.call(env()).inline()).doesNotContainKey("model");
    }
}
