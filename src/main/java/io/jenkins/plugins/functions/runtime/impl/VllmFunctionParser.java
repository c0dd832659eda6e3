package io.jenkins.plugins.functions.runtime.impl;

import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.ModelUri;
import io.jenkins.plugins.functions.model.ModelUri.Scheme;
import io.jenkins.plugins.functions.model.VllmFunction;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.spec.CommonFields;
import io.jenkins.plugins.functions.spec.Fields;
import io.jenkins.plugins.functions.spec.SpecException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads and checks the fields of a {@code vllm} function into a {@link VllmFunction}: unknown
 * fields, wrong types and values out of range are refused with the field, the value and the rule.
 */
public final class VllmFunctionParser {

    public static final String MODEL = "model";
    public static final String SERVED_MODEL_NAME = "servedModelName";
    public static final String IMAGE = "image";
    public static final String ARGS = "args";
    public static final String GPUS = "gpus";
    public static final String MAX_MODEL_LEN = "maxModelLen";
    public static final String DTYPE = "dtype";
    public static final String HF_TOKEN_CREDENTIALS_ID = "hfTokenCredentialsId";
    /** The kinds of credential {@link #HF_TOKEN_CREDENTIALS_ID} may name. */
    public static final Set<CredentialValue.Kind> HF_TOKEN_KINDS = Set.of(CredentialValue.Kind.SECRET_TEXT);
    /** What {@link #HF_TOKEN_CREDENTIALS_ID} takes, in the words of its form check. */
    public static final String HF_TOKEN_RULE = "the id of a secret text credential holding a Hugging Face token"
            + " that this job can use";
    public static final String RESOURCES = "resources";
    public static final String PROFILE = ModelFields.PROFILE;
    public static final String STARTUP_TIMEOUT = "startupTimeout";
    public static final String REPLICAS = "replicas";
    public static final String SHM_SIZE = "shmSize";

    public static final List<String> FIELDS = Stream.concat(CommonFields.ALL.stream(), Stream.of(MODEL,
            SERVED_MODEL_NAME, IMAGE, ARGS, GPUS, MAX_MODEL_LEN, DTYPE, HF_TOKEN_CREDENTIALS_ID, RESOURCES, PROFILE,
            STARTUP_TIMEOUT, REPLICAS, SHM_SIZE)).toList();

    static final Set<Scheme> SCHEMES = EnumSet.of(Scheme.HF, Scheme.S3, Scheme.PVC);
    static final List<String> DTYPES = List.of("auto", "half", "float16", "bfloat16", "float", "float32");
    /** Arguments the runtime sets itself; a function sets them through their own fields. */
    static final Map<String, String> OWN_ARGS = Map.of("--model", MODEL, "--served-model-name", SERVED_MODEL_NAME,
            "--port", "(the runtime: port " + VllmFunction.PORT + ")", "--host", "(the runtime: all interfaces)",
            "--max-model-len", MAX_MODEL_LEN, "--dtype", DTYPE, "--tensor-parallel-size", GPUS);
    static final String SERVED_NAME_RULE = "must be 1 to 128 characters of letters, digits and . _ / : -, starting"
            + " with a letter or digit, such as qwen-0.5b or Qwen/Qwen2.5-0.5B-Instruct";
    static final String CREDENTIALS_ID_RULE = "must be the id of a Jenkins secret text credential holding a Hugging"
            + " Face token, such as hf-token";
    static final String SHM_RULE = "must be a memory quantity above 0 such as 2Gi or 512Mi";
    private static final Pattern SERVED_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:-]{0,127}");
    private static final Pattern CREDENTIALS_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:-]{0,255}");
    private static final Pattern MEMORY = Pattern.compile("[0-9]{1,12}(\\.[0-9]{1,6})?(Ki|Mi|Gi|Ti|k|M|G|T)?");

    private VllmFunctionParser() {
    }

    public static VllmFunction parse(FunctionSpec spec) throws SpecException {
        Map<String, Object> fields = spec.fields();
        Fields.onlyKnown(fields, "", FIELDS, "a 'vllm' function");
        String name = CommonFields.name(spec.name());
        ServiceSettingsParser.checkServiceName(name);
        ModelUri model = ModelFields.modelUri(fields.get(MODEL), MODEL, SCHEMES);
        String servedName = fields.get(SERVED_MODEL_NAME) == null ? defaultServedName(model, name)
                : servedName(fields.get(SERVED_MODEL_NAME));
        String image = fields.get(IMAGE) == null ? VllmFunction.DEFAULT_IMAGE
                : ContainerFunctionParser.image(fields.get(IMAGE));
        List<String> args = ContainerFunctionParser.strings(fields.get(ARGS), ARGS);
        checkArgs(args);
        int gpus = fields.get(GPUS) == null ? 0 : ModelFields.whole(fields.get(GPUS), GPUS, 0, 16,
                "must be a whole number of GPUs per replica from 0 to 16");
        Integer maxLen = fields.get(MAX_MODEL_LEN) == null ? null : ModelFields.whole(fields.get(MAX_MODEL_LEN),
                MAX_MODEL_LEN, 16, 10_485_760, "must be a whole number of tokens from 16 to 10485760, such as 8192");
        String dtype = fields.get(DTYPE) == null ? null : ModelFields.choice(fields.get(DTYPE), DTYPE, DTYPES);
        String credentialsId = null;
        if (fields.get(HF_TOKEN_CREDENTIALS_ID) != null) {
            credentialsId = Fields.text(fields.get(HF_TOKEN_CREDENTIALS_ID), HF_TOKEN_CREDENTIALS_ID,
                    CREDENTIALS_ID_RULE);
            if (!CREDENTIALS_ID.matcher(credentialsId).matches()) {
                throw new SpecException(HF_TOKEN_CREDENTIALS_ID, credentialsId, CREDENTIALS_ID_RULE);
            }
        }
        Duration startup = fields.get(STARTUP_TIMEOUT) == null ? VllmFunction.DEFAULT_STARTUP_TIMEOUT
                : ModelFields.duration(fields.get(STARTUP_TIMEOUT), STARTUP_TIMEOUT, Duration.ofMinutes(1),
                Duration.ofHours(6));
        int replicas = fields.get(REPLICAS) == null ? 1 : ModelFields.whole(fields.get(REPLICAS), REPLICAS, 1, 20,
                "must be a whole number of replicas from 1 to 20");
        String shm = fields.get(SHM_SIZE) == null ? VllmFunction.DEFAULT_SHM_SIZE : memory(fields.get(SHM_SIZE));
        return new VllmFunction(name, CommonFields.description(fields.get(CommonFields.DESCRIPTION)),
                ContainerFunctionParser.labels(fields.get(CommonFields.LABELS)), model, servedName, image, args, gpus,
                maxLen, dtype, credentialsId, ModelFields.resources(fields.get(RESOURCES)),
                ModelFields.profile(fields.get(PROFILE)), startup, replicas, shm);
    }

    /** A Hugging Face model is served under its id, as OpenAI clients expect; others under the function's name. */
    static String defaultServedName(ModelUri model, String functionName) {
        return model.scheme() == Scheme.HF ? model.path() : functionName;
    }

    private static String servedName(Object value) throws SpecException {
        String text = Fields.text(value, SERVED_MODEL_NAME, SERVED_NAME_RULE);
        if (!SERVED_NAME.matcher(text).matches()) {
            throw new SpecException(SERVED_MODEL_NAME, text, SERVED_NAME_RULE);
        }
        return text;
    }

    private static void checkArgs(List<String> args) throws SpecException {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String owner = OWN_ARGS.get(flag);
            if (owner != null) {
                throw new SpecException(Fields.index(ARGS, i), arg, "must not set " + flag + ": it is set by "
                        + (owner.startsWith("(") ? owner.substring(1, owner.length() - 1) : "the field " + owner));
            }
        }
    }

    static String memory(Object value) throws SpecException {
        String text = Fields.scalarText(value, SHM_SIZE, SHM_RULE);
        if (!MEMORY.matcher(text).matches() || new io.fabric8.kubernetes.api.model.Quantity(text)
                .getNumericalAmount().signum() <= 0) {
            throw new SpecException(SHM_SIZE, text, SHM_RULE);
        }
        return text;
    }
}
