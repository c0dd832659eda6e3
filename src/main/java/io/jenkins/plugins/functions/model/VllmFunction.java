package io.jenkins.plugins.functions.model;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The typed view of a {@code vllm} function: a large language model served by vLLM's
 * OpenAI-compatible server. Immutable; built and checked by {@code VllmFunctionParser}.
 *
 * @param name                 the function's name: the Deployment's and the Service's
 * @param description          free text, null when none
 * @param labels               the function's own labels
 * @param model                where the weights come from (Hugging Face id, {@code s3://}, {@code pvc://})
 * @param servedModelName      the name clients pass as {@code model} in OpenAI requests
 * @param image                the vLLM server image
 * @param args                 extra engine arguments, after the ones the runtime sets
 * @param gpus                 GPUs per replica, 0 for none; more than one shards the model (tensor parallel)
 * @param maxModelLen          the context length, null for the model's own
 * @param dtype                the weights' data type, null for {@code auto}
 * @param hfTokenCredentialsId the id of a Jenkins secret-text credential holding a Hugging Face
 *                             token, null for none (public models)
 * @param resources            CPU and memory requests and limits
 * @param profile              the name of the administrator's profile, null for none
 * @param startupTimeout       how long a replica may take to load its model before it is restarted
 * @param replicas             how many replicas
 * @param shmSize              the size of the shared-memory volume at {@code /dev/shm}
 */
public record VllmFunction(
        String name,
        String description,
        Map<String, String> labels,
        ModelUri model,
        String servedModelName,
        String image,
        List<String> args,
        int gpus,
        Integer maxModelLen,
        String dtype,
        String hfTokenCredentialsId,
        Resources resources,
        String profile,
        Duration startupTimeout,
        int replicas,
        String shmSize) {

    /** vLLM's OpenAI-compatible server, pinned: a new default is a new version of every function using it. */
    public static final String DEFAULT_IMAGE = "vllm/vllm-openai:v0.8.5";
    public static final int PORT = 8000;
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofMinutes(20);
    public static final String DEFAULT_SHM_SIZE = "2Gi";

    public VllmFunction {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(servedModelName, "servedModelName");
        Objects.requireNonNull(image, "image");
        labels = Collections.unmodifiableMap(new TreeMap<>(labels == null ? Map.of() : labels));
        args = List.copyOf(args == null ? List.of() : args);
        resources = resources == null ? Resources.NONE : resources;
        startupTimeout = startupTimeout == null ? DEFAULT_STARTUP_TIMEOUT : startupTimeout;
        shmSize = shmSize == null ? DEFAULT_SHM_SIZE : shmSize;
    }

    /** The canonical fields: defaults that change behaviour (image, served name, probes) written out. */
    public Map<String, Object> toFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        SpecFields.putCommon(fields, description, labels);
        fields.put("model", model.text());
        fields.put("servedModelName", servedModelName);
        fields.put("image", image);
        if (!args.isEmpty()) {
            fields.put("args", args);
        }
        if (gpus > 0) {
            fields.put("gpus", gpus);
        }
        if (maxModelLen != null) {
            fields.put("maxModelLen", maxModelLen);
        }
        SpecFields.putIf(fields, "dtype", dtype);
        SpecFields.putIf(fields, "hfTokenCredentialsId", hfTokenCredentialsId);
        if (!resources.isEmpty()) {
            fields.put("resources", resources.toMap());
        }
        SpecFields.putIf(fields, "profile", profile);
        fields.put("startupTimeout", startupTimeout.toSeconds() + "s");
        fields.put("replicas", replicas);
        fields.put("shmSize", shmSize);
        return Collections.unmodifiableMap(fields);
    }

    public FunctionSpec toSpec(String runtime) {
        return FunctionSpec.of(name, runtime, toFields());
    }
}
