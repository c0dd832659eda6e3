package io.jenkins.plugins.functions.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.jenkins.plugins.functions.model.DeclaredFile;
import io.jenkins.plugins.functions.spec.ArtifactFields;
import io.jenkins.plugins.functions.spec.SpecException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run's pod gets to use the artifact store, the same for every runtime and any language:
 * the standard S3 variables (the AWS CLI, boto3, the AWS SDKs and MinIO's {@code mc} read them),
 * the run's prefix, and its inputs. The keys are two entries of the run's Secret
 * ({@link CredentialEnv}, owned by the workload), read through {@code secretKeyRef}: they are never
 * in the pod spec, the plan's YAML or a log.
 *
 * <ul>
 *   <li>{@code AWS_ENDPOINT_URL}, {@code AWS_REGION}, {@code AWS_DEFAULT_REGION}, {@code AWS_ACCESS_KEY_ID},
 *       {@code AWS_SECRET_ACCESS_KEY};
 *   <li>{@code FUNCTION_ARTIFACTS_BUCKET}, {@code FUNCTION_ARTIFACTS_PREFIX} (no trailing slash),
 *       {@code FUNCTION_ARTIFACTS_URI} ({@code s3://bucket/prefix}), {@code FUNCTION_ARTIFACTS_PATH_STYLE}
 *       ({@code true}/{@code false});
 *   <li>{@code FUNCTION_ARTIFACTS}: the function's declared artifacts as JSON ({@code [{name, path,
 *       mediaType}]}), {@code FUNCTION_INPUTS}: the inputs as JSON ({@code {name: {uri, path?,
 *       mediaType?}}}), and one {@code FUNCTION_INPUT_<NAME>} per input: its URI.
 * </ul>
 */
public final class ArtifactEnv {

    /** The keys of the run's Secret that hold the store's keys: not variable names, so never a function's. */
    public static final String ACCESS_KEY_ENTRY = "artifact-store-access-key-id";
    public static final String SECRET_KEY_ENTRY = "artifact-store-secret-access-key";

    public static final String ENDPOINT = "AWS_ENDPOINT_URL";
    public static final String REGION = "AWS_REGION";
    public static final String DEFAULT_REGION = "AWS_DEFAULT_REGION";
    public static final String ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
    public static final String SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
    public static final String BUCKET = "FUNCTION_ARTIFACTS_BUCKET";
    public static final String PREFIX = "FUNCTION_ARTIFACTS_PREFIX";
    public static final String URI = "FUNCTION_ARTIFACTS_URI";
    public static final String PATH_STYLE = "FUNCTION_ARTIFACTS_PATH_STYLE";
    public static final String DECLARED = "FUNCTION_ARTIFACTS";
    public static final String INPUTS = "FUNCTION_INPUTS";
    /** Followed by the input's name in upper case, {@code -} as {@code _}. */
    public static final String INPUT_PREFIX = "FUNCTION_INPUT_";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ArtifactEnv() {
    }

    /**
     * The store's variables for the run, or an empty list without a store. Inputs the step passes
     * that the function does not declare are handed over too (as URIs).
     *
     * @param secretName the run's Secret, which holds {@link #ACCESS_KEY_ENTRY} and {@link #SECRET_KEY_ENTRY}
     * @throws SpecException when the function declares an input the step does not pass
     */
    public static List<EnvVar> of(RunRequest request, String secretName) throws SpecException {
        RunArtifacts run = request.artifacts();
        if (run == null) {
            return List.of();
        }
        List<EnvVar> env = new ArrayList<>();
        env.add(plain(ENDPOINT, run.store().endpoint()));
        env.add(plain(REGION, run.store().region()));
        env.add(plain(DEFAULT_REGION, run.store().region()));
        env.add(fromSecret(ACCESS_KEY_ID, secretName, ACCESS_KEY_ENTRY));
        env.add(fromSecret(SECRET_ACCESS_KEY, secretName, SECRET_KEY_ENTRY));
        env.add(plain(BUCKET, run.store().bucket()));
        env.add(plain(PREFIX, run.prefix()));
        env.add(plain(URI, run.uri()));
        env.add(plain(PATH_STYLE, Boolean.toString(run.store().pathStyle())));
        List<Object> declared = new ArrayList<>();
        for (DeclaredFile f : ArtifactFields.artifacts(request.function())) {
            declared.add(f.toMap());
        }
        env.add(plain(DECLARED, json(declared)));
        Map<String, Object> inputs = new LinkedHashMap<>();
        for (DeclaredFile f : ArtifactFields.inputs(request.function())) {
            String uri = run.inputs().get(f.name());
            if (uri == null) {
                throw new SpecException(ArtifactFields.INPUTS + "." + f.name(), null, "an input of the step: the"
                        + " function declares input '" + f.name() + "', so the step must pass it, such as inputs: ["
                        + f.name() + ": other.artifacts.<name>]");
            }
            Map<String, Object> input = new LinkedHashMap<>(f.toMap());
            input.remove("name");
            input.put("uri", uri);
            inputs.put(f.name(), input);
        }
        run.inputs().forEach((name, uri) -> inputs.putIfAbsent(name, Map.of("uri", uri)));
        env.add(plain(INPUTS, json(inputs)));
        for (Map.Entry<String, String> e : run.inputs().entrySet()) {
            env.add(plain(INPUT_PREFIX + DeclaredFile.envSuffix(e.getKey()), e.getValue()));
        }
        return env;
    }

    /** The Secret's entries with the store's keys, or none without a store. */
    public static Map<String, byte[]> secretData(RunRequest request) {
        RunArtifacts run = request.artifacts();
        if (run == null) {
            return Map.of();
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        data.put(ACCESS_KEY_ENTRY, run.keys().accessKeyId().getBytes(StandardCharsets.UTF_8));
        data.put(SECRET_KEY_ENTRY, run.keys().secretAccessKey().getBytes(StandardCharsets.UTF_8));
        return data;
    }

    private static EnvVar plain(String name, String value) {
        return new EnvVar(name, value, null);
    }

    private static EnvVar fromSecret(String name, String secret, String key) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef().withName(secret)
                .withKey(key).endSecretKeyRef().endValueFrom().build();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
