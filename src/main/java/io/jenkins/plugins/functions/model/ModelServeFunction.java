package io.jenkins.plugins.functions.model;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The typed view of a {@code modelserve} function: a scikit-learn, XGBoost or MLflow model served
 * by MLServer over the Open Inference Protocol (V2). Immutable; built and checked by
 * {@code ModelServeFunctionParser}.
 *
 * @param name           the function's name: the Deployment's and the Service's
 * @param description    free text, null when none
 * @param labels         the function's own labels
 * @param model          where the model artifact comes from ({@code s3://}, {@code pvc://}, {@code https://});
 *                       null when the function leaves it to the run's input {@code model} (an earlier run's artifact)
 * @param framework      which MLServer runtime loads it
 * @param modelName      the name in the V2 paths ({@code /v2/models/<name>})
 * @param image          the MLServer image
 * @param resources      CPU and memory requests and limits
 * @param profile        the name of the administrator's profile, null for none
 * @param startupTimeout how long a replica may take to download and load its model
 * @param replicas       how many replicas
 */
public record ModelServeFunction(
        String name,
        String description,
        Map<String, String> labels,
        ModelUri model,
        Framework framework,
        String modelName,
        String image,
        Resources resources,
        String profile,
        Duration startupTimeout,
        int replicas) {

    /** MLServer with its scikit-learn, XGBoost and MLflow runtimes, pinned. */
    public static final String DEFAULT_IMAGE = "seldonio/mlserver:1.6.1";
    public static final int PORT = 8080;
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofMinutes(10);

    /** The model frameworks, each with the MLServer class that loads it. */
    public enum Framework {
        SKLEARN("mlserver_sklearn.SKLearnModel"),
        XGBOOST("mlserver_xgboost.XGBoostModel"),
        MLFLOW("mlserver_mlflow.MLflowRuntime");

        private final String implementation;

        Framework(String implementation) {
            this.implementation = implementation;
        }

        /** The MLServer inference runtime's class ({@code MLSERVER_MODEL_IMPLEMENTATION}). */
        public String implementation() {
            return implementation;
        }

        /** As functions write it: {@code sklearn}, {@code xgboost}, {@code mlflow}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ModelServeFunction {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(framework, "framework");
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(image, "image");
        labels = Collections.unmodifiableMap(new TreeMap<>(labels == null ? Map.of() : labels));
        resources = resources == null ? Resources.NONE : resources;
        startupTimeout = startupTimeout == null ? DEFAULT_STARTUP_TIMEOUT : startupTimeout;
    }

    public Map<String, Object> toFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        SpecFields.putCommon(fields, description, labels);
        if (model != null) {
            fields.put("model", model.text());
        }
        fields.put("framework", framework.id());
        fields.put("modelName", modelName);
        fields.put("image", image);
        if (!resources.isEmpty()) {
            fields.put("resources", resources.toMap());
        }
        SpecFields.putIf(fields, "profile", profile);
        fields.put("startupTimeout", startupTimeout.toSeconds() + "s");
        fields.put("replicas", replicas);
        return Collections.unmodifiableMap(fields);
    }

    public FunctionSpec toSpec(String runtime) {
        return FunctionSpec.of(name, runtime, toFields());
    }
}
