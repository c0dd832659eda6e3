package io.jenkins.plugins.functions.runtime.impl;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.KubeAiModel;
import io.jenkins.plugins.functions.runtime.FunctionRuntime;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.WorkloadOutputs;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code kubeai} runtime: a KubeAI {@code Model} resource ({@code kubeai.org/v1}), which
 * KubeAI's controller serves (vLLM, Ollama, FasterWhisper or Infinity pods it manages itself)
 * behind its OpenAI-compatible endpoint {@code http://kubeai.<namespace>.svc/openai/v1}
 * ({@code serve} only). The plan is the Model alone; the engine follows its
 * {@code status.replicas} (see {@code CustomWorkload#KUBEAI_MODEL}) and fails at once, creating
 * nothing, when the cluster has no KubeAI.
 */
public final class KubeAiRuntime implements FunctionRuntime {

    public static final String KIND = "kubeai";
    public static final String API_VERSION = "kubeai.org/v1";
    public static final String MODEL_KIND = "Model";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Set<ActionKind> actions() {
        return Set.of(ActionKind.SERVE);
    }

    @Override
    public List<String> fields() {
        return KubeAiFunctionParser.FIELDS;
    }

    @Override
    public FunctionSpec validate(FunctionSpec function) throws SpecException {
        return read(function).toSpec(KIND);
    }

    private static KubeAiModel read(FunctionSpec function) throws SpecException {
        RuntimeChecks.requireRuntime(function, KIND);
        return KubeAiFunctionParser.parse(function);
    }

    @Override
    public Plan plan(RunRequest request) throws SpecException {
        if (request.action() != ActionKind.SERVE) {
            throw RuntimeChecks.unsupported(request, KIND, actions());
        }
        KubeAiModel m = read(request.function());
        String endpointNamespace = m.kubeaiNamespace() != null ? m.kubeaiNamespace() : request.namespace();
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("url", "http://kubeai." + endpointNamespace + ".svc/openai/v1");
        outputs.put("model", m.name());
        outputs.put("modelUri", m.url());
        outputs.put("engine", m.engine());
        outputs.put("features", String.join(",", m.features()));
        Map<String, String> annotations = new LinkedHashMap<>(request.annotations());
        annotations.putAll(WorkloadOutputs.annotations(outputs));
        GenericKubernetesResource model = new GenericKubernetesResourceBuilder()
                .withApiVersion(API_VERSION)
                .withKind(MODEL_KIND)
                .withNewMetadata()
                    .withName(m.name())
                    .withNamespace(request.namespace())
                    .withLabels(PodTemplates.labels(m.labels(), request))
                    .withAnnotations(annotations)
                .endMetadata()
                .addToAdditionalProperties("spec", m.toModelSpec())
                .build();
        return new Plan(request, List.<HasMetadata>of(model), model);
    }
}
