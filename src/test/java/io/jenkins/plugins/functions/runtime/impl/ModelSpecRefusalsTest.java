package io.jenkins.plugins.functions.runtime.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.runtime.FunctionRuntime;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input for every field of the model runtimes: each is refused when the function is validated
 * (before anything is planned or sent) with a {@link SpecException} naming the field, the value
 * given and what is allowed.
 */
class ModelSpecRefusalsTest {

    private static final Map<String, FunctionRuntime> RUNTIMES = Map.of("vllm", new VllmRuntime(),
            "modelserve", new ModelServeRuntime(), "kubeai", new KubeAiRuntime());
    private static final Map<String, Map<String, Object>> VALID = Map.of(
            "vllm", Map.of("model", "Qwen/Qwen2.5-0.5B-Instruct"),
            "modelserve", Map.of("model", "https://models.example.com/iris.joblib", "framework", "sklearn"),
            "kubeai", Map.of("url", "hf://Qwen/Qwen2.5-0.5B-Instruct", "engine", "VLLM",
                    "features", List.of("TextGeneration")));
    private static final Object MISSING = new Object();

    static Stream<Arguments> refusals() {
        return Stream.of(
                // vllm
                bad("vllm", "model", MISSING, "model", null),
                bad("vllm", "model", "https://example.com/model.bin", "model", "https://example.com/model.bin"),
                bad("vllm", "model", "pvc://weights/../etc", "model", "pvc://weights/../etc"),
                bad("vllm", "model", "pvc://Bad_Claim/x", "model", "pvc://Bad_Claim/x"),
                bad("vllm", "model", "s3://b/x", "model", "s3://b/x"),
                bad("vllm", "model", "my model", "model", "my model"),
                bad("vllm", "model", 42L, "model", "42"),
                bad("vllm", "servedModelName", "-qwen", "servedModelName", "-qwen"),
                bad("vllm", "servedModelName", 7L, "servedModelName", "7"),
                bad("vllm", "image", "Not An Image", "image", "Not An Image"),
                bad("vllm", "args", "--enforce-eager", "args", "--enforce-eager"),
                bad("vllm", "args", List.of("--port=9000"), "args[0]", "--port=9000"),
                bad("vllm", "args", List.of("--enforce-eager", "--model", "x"), "args[1]", "--model"),
                bad("vllm", "gpus", "1", "gpus", "1"),
                bad("vllm", "gpus", -1L, "gpus", "-1"),
                bad("vllm", "gpus", 17L, "gpus", "17"),
                bad("vllm", "gpus", 1.5, "gpus", "1.5"),
                bad("vllm", "maxModelLen", 0L, "maxModelLen", "0"),
                bad("vllm", "maxModelLen", "8k", "maxModelLen", "8k"),
                bad("vllm", "dtype", "int4", "dtype", "int4"),
                bad("vllm", "dtype", true, "dtype", "true"),
                bad("vllm", "hfTokenCredentialsId", 12L, "hfTokenCredentialsId", "12"),
                bad("vllm", "hfTokenCredentialsId", "my token", "hfTokenCredentialsId", "my token"),
                bad("vllm", "resources", Map.of("limits", Map.of("gpu", 1L)), "resources.limits.gpu", "1"),
                bad("vllm", "resources", Map.of("limits", Map.of("memory", "lots")), "resources.limits.memory", "lots"),
                bad("vllm", "resources", "big", "resources", "big"),
                bad("vllm", "profile", "GPU_Small", "profile", "GPU_Small"),
                bad("vllm", "profile", 3L, "profile", "3"),
                bad("vllm", "startupTimeout", "10s", "startupTimeout", "10s"),
                bad("vllm", "startupTimeout", "7h", "startupTimeout", "7h"),
                bad("vllm", "startupTimeout", "forever", "startupTimeout", "forever"),
                bad("vllm", "replicas", 0L, "replicas", "0"),
                bad("vllm", "replicas", 21L, "replicas", "21"),
                bad("vllm", "replicas", "2", "replicas", "2"),
                bad("vllm", "shmSize", "0", "shmSize", "0"),
                bad("vllm", "shmSize", "lots", "shmSize", "lots"),
                bad("vllm", "gpu", 1L, "gpu", "1"),
                bad("vllm", "labels", Map.of("functions.jenkins.io/run-id", "x"),
                        "labels[\"functions.jenkins.io/run-id\"]", "functions.jenkins.io/run-id"),
                bad("vllm", "description", List.of("x"), "description", "[x]"),
                // modelserve
                // modelserve's model may be left out: the run's input 'model' is then the model (ModelServeInputsTest)
                bad("modelserve", "model", "Qwen/Qwen2.5-0.5B", "model", "Qwen/Qwen2.5-0.5B"),
                bad("modelserve", "model", "https://models.example.com/dir/", "model", "https://models.example.com/dir/"),
                bad("modelserve", "model", "http://models.example.com/m.joblib", "model",
                        "http://models.example.com/m.joblib"),
                bad("modelserve", "framework", MISSING, "framework", null),
                bad("modelserve", "framework", "pytorch", "framework", "pytorch"),
                bad("modelserve", "framework", "SKLEARN", "framework", "SKLEARN"),
                bad("modelserve", "framework", "mlflow", "model", "https://models.example.com/iris.joblib"),
                bad("modelserve", "modelName", "iris model", "modelName", "iris model"),
                bad("modelserve", "modelName", 5L, "modelName", "5"),
                bad("modelserve", "image", "seldonio/mlserver:1.6.1 ", "image", "seldonio/mlserver:1.6.1 "),
                bad("modelserve", "resources", Map.of("requests", Map.of("cpu", "-1")), "resources.requests.cpu", "-1"),
                bad("modelserve", "profile", "Cpu", "profile", "Cpu"),
                bad("modelserve", "startupTimeout", "5s", "startupTimeout", "5s"),
                bad("modelserve", "replicas", 0L, "replicas", "0"),
                bad("modelserve", "replicas", 51L, "replicas", "51"),
                bad("modelserve", "port", 8080L, "port", "8080"),
                // kubeai
                bad("kubeai", "url", MISSING, "url", null),
                bad("kubeai", "url", "s3://models/qwen", "url", "s3://models/qwen"),
                bad("kubeai", "url", "ollama://qwen2:0.5b", "url", "ollama://qwen2:0.5b"),
                bad("kubeai", "url", "hf://", "url", "hf://"),
                bad("kubeai", "engine", MISSING, "engine", null),
                bad("kubeai", "engine", "vllm", "engine", "vllm"),
                bad("kubeai", "engine", "OLlama", "url", "hf://Qwen/Qwen2.5-0.5B-Instruct"),
                bad("kubeai", "features", MISSING, "features", null),
                bad("kubeai", "features", List.of(), "features", "[]"),
                bad("kubeai", "features", "TextGeneration", "features", "TextGeneration"),
                bad("kubeai", "features", List.of("Chat"), "features[0]", "Chat"),
                bad("kubeai", "features", List.of("TextGeneration", "TextGeneration"), "features[1]", "TextGeneration"),
                bad("kubeai", "features", List.of("SpeechToText"), "features", "[SpeechToText]"),
                bad("kubeai", "resourceProfile", "L4", "resourceProfile", "L4"),
                bad("kubeai", "resourceProfile", "nvidia-gpu-l4:0", "resourceProfile", "nvidia-gpu-l4:0"),
                bad("kubeai", "minReplicas", -1L, "minReplicas", "-1"),
                bad("kubeai", "minReplicas", "1", "minReplicas", "1"),
                bad("kubeai", "maxReplicas", 0L, "maxReplicas", "0"),
                bad("kubeai", "args", "--max-model-len=2048", "args", "--max-model-len=2048"),
                bad("kubeai", "args", List.of(Map.of("a", "b")), "args[0]", "{a=b}"),
                bad("kubeai", "env", List.of("A=b"), "env", "[A=b]"),
                bad("kubeai", "env", Map.of("1BAD", "x"), "env[\"1BAD\"]", "1BAD"),
                bad("kubeai", "env", Map.of("FUNCTION_X", "x"), "env.FUNCTION_X", "FUNCTION_X"),
                bad("kubeai", "kubeaiNamespace", "Kube_AI", "kubeaiNamespace", "Kube_AI"),
                bad("kubeai", "resourceprofile", "cpu:1", "resourceprofile", "cpu:1"));
    }

    private static Arguments bad(String runtime, String field, Object value, String expectedField, String expectedValue) {
        return Arguments.of(runtime + " " + field + " = " + (value == MISSING ? "(missing)" : value), runtime, field,
                value, expectedField, expectedValue);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void isRefusedNamingTheFieldTheValueAndWhatIsAllowed(String title, String runtime, String field, Object value,
            String expectedField, String expectedValue) {
        Map<String, Object> fields = new LinkedHashMap<>(VALID.get(runtime));
        if (value == MISSING) {
            fields.remove(field);
        } else {
            fields.put(field, value);
        }
        SpecException e = catchThrowableOfType(() -> RUNTIMES.get(runtime)
                .validate(FunctionSpec.of("model-fn", runtime, fields)), SpecException.class);

        assertThat(e).as(title).isNotNull();
        assertThat(e.getField()).isEqualTo(expectedField);
        assertThat(e.getValue()).isEqualTo(expectedValue);
        assertThat(e.getAllowed()).isNotBlank();
        assertThat(e.getMessage()).contains("field '" + expectedField + "'");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void aServedFunctionsNameMustStartWithALetter(String runtime) {
        SpecException e = catchThrowableOfType(() -> RUNTIMES.get(runtime)
                .validate(FunctionSpec.of("7b-chat", runtime, VALID.get(runtime))), SpecException.class);
        if (runtime.equals("kubeai")) {
            assertThat(e).as("a Model's name is a DNS-1123 label, a digit may start it").isNull();
        } else {
            assertThat(e.getField()).isEqualTo("name");
        }
    }

    static Stream<String> names() {
        return Stream.of("vllm", "modelserve", "kubeai");
    }
}
