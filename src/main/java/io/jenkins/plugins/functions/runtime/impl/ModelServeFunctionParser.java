package io.jenkins.plugins.functions.runtime.impl;

import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.ModelServeFunction;
import io.jenkins.plugins.functions.model.ModelServeFunction.Framework;
import io.jenkins.plugins.functions.model.ModelUri;
import io.jenkins.plugins.functions.model.ModelUri.Scheme;
import io.jenkins.plugins.functions.spec.CommonFields;
import io.jenkins.plugins.functions.spec.Fields;
import io.jenkins.plugins.functions.spec.SpecException;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Reads and checks the fields of a {@code modelserve} function into a {@link ModelServeFunction}. */
public final class ModelServeFunctionParser {

    public static final String MODEL = "model";
    public static final String FRAMEWORK = "framework";
    public static final String MODEL_NAME = "modelName";
    public static final String IMAGE = "image";
    public static final String RESOURCES = "resources";
    public static final String PROFILE = ModelFields.PROFILE;
    public static final String STARTUP_TIMEOUT = "startupTimeout";
    public static final String REPLICAS = "replicas";

    public static final List<String> FIELDS = Stream.concat(CommonFields.ALL.stream(), Stream.of(MODEL, FRAMEWORK,
            MODEL_NAME, IMAGE, RESOURCES, PROFILE, STARTUP_TIMEOUT, REPLICAS)).toList();

    static final Set<Scheme> SCHEMES = EnumSet.of(Scheme.S3, Scheme.PVC, Scheme.HTTPS);
    static final String MODEL_NAME_RULE = "must be 1 to 63 characters of letters, digits, '.', '_' and '-',"
            + " starting and ending with a letter or digit: it is a path segment of the V2 endpoint";
    private static final Pattern MODEL_NAME_PATTERN = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?");

    private ModelServeFunctionParser() {
    }

    public static ModelServeFunction parse(FunctionSpec spec) throws SpecException {
        Map<String, Object> fields = spec.fields();
        Fields.onlyKnown(fields, "", FIELDS, "a 'modelserve' function");
        String name = CommonFields.name(spec.name());
        ServiceSettingsParser.checkServiceName(name);
        // left out: the run's input named model is the model (an earlier run's artifact, ModelServeRuntime)
        ModelUri model = fields.get(MODEL) == null ? null : ModelFields.modelUri(fields.get(MODEL), MODEL, SCHEMES);
        List<String> frameworks = Arrays.stream(Framework.values()).map(Framework::id).toList();
        if (fields.get(FRAMEWORK) == null) {
            throw new SpecException(FRAMEWORK, null, "must be one of " + String.join(", ", frameworks));
        }
        Framework framework = Framework.valueOf(ModelFields.choice(fields.get(FRAMEWORK), FRAMEWORK, frameworks)
                .toUpperCase(Locale.ROOT));
        if (framework == Framework.MLFLOW && model != null && model.scheme() == Scheme.HTTPS) {
            throw new SpecException(MODEL, model.text(), "must be s3://bucket/prefix/ or pvc://claim/path for an"
                    + " mlflow model: an MLflow model is a directory, an https:// URI names one file");
        }
        String modelName = name;
        if (fields.get(MODEL_NAME) != null) {
            modelName = Fields.text(fields.get(MODEL_NAME), MODEL_NAME, MODEL_NAME_RULE);
            if (!MODEL_NAME_PATTERN.matcher(modelName).matches()) {
                throw new SpecException(MODEL_NAME, modelName, MODEL_NAME_RULE);
            }
        }
        String image = fields.get(IMAGE) == null ? ModelServeFunction.DEFAULT_IMAGE
                : ContainerFunctionParser.image(fields.get(IMAGE));
        Duration startup = fields.get(STARTUP_TIMEOUT) == null ? ModelServeFunction.DEFAULT_STARTUP_TIMEOUT
                : ModelFields.duration(fields.get(STARTUP_TIMEOUT), STARTUP_TIMEOUT, Duration.ofSeconds(30),
                Duration.ofHours(2));
        int replicas = fields.get(REPLICAS) == null ? 1 : ModelFields.whole(fields.get(REPLICAS), REPLICAS, 1, 50,
                "must be a whole number of replicas from 1 to 50");
        return new ModelServeFunction(name, CommonFields.description(fields.get(CommonFields.DESCRIPTION)),
                ContainerFunctionParser.labels(fields.get(CommonFields.LABELS)), model, framework, modelName, image,
                ModelFields.resources(fields.get(RESOURCES)), ModelFields.profile(fields.get(PROFILE)), startup,
                replicas);
    }
}
