package io.jenkins.plugins.functions.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The typed view of a {@code kubeai} function: a KubeAI {@code Model} resource, which KubeAI's
 * controller serves behind its OpenAI-compatible endpoint. Immutable; built and checked by
 * {@code KubeAiFunctionParser}. The fields are KubeAI's own ({@code kubectl explain models.spec}).
 *
 * @param name            the function's name: the Model's, and the name clients pass as {@code model}
 * @param description     free text, null when none
 * @param labels          the function's own labels
 * @param url             the model's location, in KubeAI's form ({@code hf://org/name}, {@code pvc://claim/path},
 *                        {@code ollama://name:tag})
 * @param engine          {@code VLLM}, {@code OLlama}, {@code FasterWhisper} or {@code Infinity}
 * @param features        the APIs the model offers ({@code TextGeneration}, {@code TextEmbedding}, ...)
 * @param resourceProfile KubeAI's resource profile and count ({@code nvidia-gpu-l4:1}), null for KubeAI's default
 * @param minReplicas     replicas kept running; 0 scales from zero on the first request
 * @param maxReplicas     the autoscaler's limit, null for none
 * @param args            extra arguments for the engine
 * @param env             extra environment variables for the engine
 * @param kubeaiNamespace the namespace of KubeAI's Service, for the endpoint; null for the run's namespace
 */
public record KubeAiModel(
        String name,
        String description,
        Map<String, String> labels,
        String url,
        String engine,
        List<String> features,
        String resourceProfile,
        int minReplicas,
        Integer maxReplicas,
        List<String> args,
        Map<String, String> env,
        String kubeaiNamespace) {

    public static final int DEFAULT_MIN_REPLICAS = 1;

    public KubeAiModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(engine, "engine");
        labels = Collections.unmodifiableMap(new TreeMap<>(labels == null ? Map.of() : labels));
        features = List.copyOf(features == null ? List.of() : features);
        args = List.copyOf(args == null ? List.of() : args);
        env = Collections.unmodifiableMap(new TreeMap<>(env == null ? Map.of() : env));
    }

    public Map<String, Object> toFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        SpecFields.putCommon(fields, description, labels);
        fields.put("url", url);
        fields.put("engine", engine);
        fields.put("features", features);
        SpecFields.putIf(fields, "resourceProfile", resourceProfile);
        fields.put("minReplicas", minReplicas);
        if (maxReplicas != null) {
            fields.put("maxReplicas", maxReplicas);
        }
        if (!args.isEmpty()) {
            fields.put("args", args);
        }
        if (!env.isEmpty()) {
            fields.put("env", env);
        }
        SpecFields.putIf(fields, "kubeaiNamespace", kubeaiNamespace);
        return Collections.unmodifiableMap(fields);
    }

    /** The Model's {@code spec}, as KubeAI reads it. */
    public Map<String, Object> toModelSpec() {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("url", url);
        spec.put("engine", engine);
        spec.put("features", features);
        if (resourceProfile != null) {
            spec.put("resourceProfile", resourceProfile);
        }
        spec.put("minReplicas", minReplicas);
        if (maxReplicas != null) {
            spec.put("maxReplicas", maxReplicas);
        }
        if (!args.isEmpty()) {
            spec.put("args", args);
        }
        if (!env.isEmpty()) {
            spec.put("env", env);
        }
        return spec;
    }

    public FunctionSpec toSpec(String runtime) {
        return FunctionSpec.of(name, runtime, toFields());
    }
}
