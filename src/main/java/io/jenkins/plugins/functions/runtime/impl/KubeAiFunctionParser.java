package io.jenkins.plugins.functions.runtime.impl;

import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.KubeAiModel;
import io.jenkins.plugins.functions.model.ModelUri;
import io.jenkins.plugins.functions.model.ModelUri.Scheme;
import io.jenkins.plugins.functions.spec.CommonFields;
import io.jenkins.plugins.functions.spec.Fields;
import io.jenkins.plugins.functions.spec.Names;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Reads and checks the fields of a {@code kubeai} function into a {@link KubeAiModel}. */
public final class KubeAiFunctionParser {

    public static final String URL = "url";
    public static final String ENGINE = "engine";
    public static final String FEATURES = "features";
    public static final String RESOURCE_PROFILE = "resourceProfile";
    public static final String MIN_REPLICAS = "minReplicas";
    public static final String MAX_REPLICAS = "maxReplicas";
    public static final String ARGS = "args";
    public static final String ENV = "env";
    public static final String KUBEAI_NAMESPACE = "kubeaiNamespace";

    public static final List<String> FIELDS = Stream.concat(CommonFields.ALL.stream(), Stream.of(URL, ENGINE, FEATURES,
            RESOURCE_PROFILE, MIN_REPLICAS, MAX_REPLICAS, ARGS, ENV, KUBEAI_NAMESPACE)).toList();

    /** KubeAI's engines and features, spelled as its CRD's enums spell them. */
    public static final List<String> ENGINES = List.of("VLLM", "OLlama", "FasterWhisper", "Infinity");
    public static final List<String> FEATURE_NAMES = List.of("TextGeneration", "TextEmbedding", "Reranking",
            "SpeechToText");
    static final String FEATURES_RULE = "must be a non-empty list of " + String.join(", ", FEATURE_NAMES)
            + ", each at most once, such as [TextGeneration]";
    static final String RESOURCE_PROFILE_RULE = "must be <KubeAI resource profile>:<count>, such as nvidia-gpu-l4:1"
            + " or cpu:2 (the profiles are in KubeAI's configuration)";
    private static final Pattern RESOURCE_PROFILE_PATTERN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?:[1-9][0-9]{0,2}");

    private KubeAiFunctionParser() {
    }

    public static KubeAiModel parse(FunctionSpec spec) throws SpecException {
        Map<String, Object> fields = spec.fields();
        Fields.onlyKnown(fields, "", FIELDS, "a 'kubeai' function");
        String name = CommonFields.name(spec.name());
        if (fields.get(ENGINE) == null) {
            throw new SpecException(ENGINE, null, "must be one of " + String.join(", ", ENGINES));
        }
        String engine = ModelFields.choice(fields.get(ENGINE), ENGINE, ENGINES);
        boolean ollama = engine.equals("OLlama");
        ModelUri uri = ModelFields.modelUri(fields.get(URL), URL, ollama ? EnumSet.of(Scheme.OLLAMA)
                : EnumSet.of(Scheme.HF, Scheme.PVC));
        // KubeAI wants hf:// written out; a bare id is the same model
        String url = uri.scheme() == Scheme.HF ? "hf://" + uri.path() : uri.text();
        List<String> features = features(fields.get(FEATURES));
        boolean speech = features.contains("SpeechToText");
        if (engine.equals("FasterWhisper") != speech || (speech && features.size() > 1)) {
            throw new SpecException(FEATURES, features, "must be [SpeechToText] with engine FasterWhisper, and may"
                    + " hold SpeechToText only then (engine here: " + engine + ")");
        }
        String resourceProfile = null;
        if (fields.get(RESOURCE_PROFILE) != null) {
            resourceProfile = Fields.text(fields.get(RESOURCE_PROFILE), RESOURCE_PROFILE, RESOURCE_PROFILE_RULE);
            if (!RESOURCE_PROFILE_PATTERN.matcher(resourceProfile).matches()) {
                throw new SpecException(RESOURCE_PROFILE, resourceProfile, RESOURCE_PROFILE_RULE);
            }
        }
        int min = fields.get(MIN_REPLICAS) == null ? KubeAiModel.DEFAULT_MIN_REPLICAS
                : ModelFields.whole(fields.get(MIN_REPLICAS), MIN_REPLICAS, 0, 100,
                "must be a whole number from 0 to 100 (0: KubeAI starts a replica on the first request)");
        Integer max = null;
        if (fields.get(MAX_REPLICAS) != null) {
            max = ModelFields.whole(fields.get(MAX_REPLICAS), MAX_REPLICAS, 1, 100,
                    "must be a whole number from 1 to 100");
            if (max < min) {
                throw new SpecException(MAX_REPLICAS, max, "must be at least minReplicas (" + min + ")");
            }
        }
        List<String> args = ContainerFunctionParser.strings(fields.get(ARGS), ARGS);
        Map<String, String> env = ModelFields.envMap(fields.get(ENV), ENV);
        String kubeaiNamespace = fields.get(KUBEAI_NAMESPACE) == null ? null
                : Names.dns1123Label(fields.get(KUBEAI_NAMESPACE), KUBEAI_NAMESPACE);
        return new KubeAiModel(name, CommonFields.description(fields.get(CommonFields.DESCRIPTION)),
                ContainerFunctionParser.labels(fields.get(CommonFields.LABELS)), url, engine, features,
                resourceProfile, min, max, args, env, kubeaiNamespace);
    }

    private static List<String> features(Object value) throws SpecException {
        if (value == null) {
            throw new SpecException(FEATURES, null, FEATURES_RULE);
        }
        List<?> items = Fields.list(value, FEATURES, FEATURES_RULE);
        if (items.isEmpty()) {
            throw new SpecException(FEATURES, items, FEATURES_RULE);
        }
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < items.size(); i++) {
            String field = Fields.index(FEATURES, i);
            String feature = ModelFields.choice(items.get(i), field, FEATURE_NAMES);
            if (!seen.add(feature)) {
                throw new SpecException(field, feature, "must be listed once");
            }
        }
        return new ArrayList<>(seen);
    }
}
