package io.jenkins.plugins.functions.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jenkins.plugins.functions.spec.PlainValues;
import io.jenkins.plugins.functions.spec.SpecException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The checks every runtime applies to a run's own arguments (its timeout and its parameters), so
 * that all runtimes accept and refuse the same things, with the same messages.
 */
public final class RunArguments {

    public static final String TIMEOUT = "timeout";
    public static final String PARAMETERS = "parameters";
    /** The timeout of a run that gives none. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);
    /** A week: longer than any build should wait on one function. */
    public static final long MAX_TIMEOUT_SECONDS = Duration.ofDays(7).toSeconds();
    /**
     * Parameters travel in an environment variable, i.e. in the pod spec stored in etcd (whose
     * objects are capped at about 1.5 MiB): 64 KiB is plenty for parameters, and bulk data
     * belongs in files or object storage.
     */
    public static final int MAX_PARAMETERS_BYTES = 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private RunArguments() {
    }

    /**
     * The run's timeout in whole seconds (a fraction of a second counts as one more):
     * {@link #DEFAULT_TIMEOUT} when none, otherwise between 1 and {@link #MAX_TIMEOUT_SECONDS}.
     */
    public static long timeoutSeconds(RunRequest request) throws SpecException {
        return timeoutSeconds(request.timeout());
    }

    /** {@link #timeoutSeconds(RunRequest)} of a timeout alone (null: the default). */
    public static long timeoutSeconds(Duration given) throws SpecException {
        Duration timeout = given == null ? DEFAULT_TIMEOUT : given;
        long seconds = timeout.toSeconds() + (timeout.isNegative() || timeout.toNanosPart() == 0 ? 0 : 1);
        if (timeout.isNegative() || seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
            throw new SpecException(TIMEOUT, seconds(timeout),
                    "must be between 1s and " + MAX_TIMEOUT_SECONDS + "s (7 days)");
        }
        return seconds;
    }

    /**
     * The run's parameters as compact JSON with keys sorted (so a run renders the same every
     * time), {@code {}} when none; at most {@link #MAX_PARAMETERS_BYTES} bytes.
     */
    public static String parametersJson(RunRequest request) throws SpecException {
        return parametersJson(request.parameters());
    }

    /** {@link #parametersJson(RunRequest)} of parameters alone (null: none). */
    public static String parametersJson(Map<String, Object> parameters) throws SpecException {
        Map<String, Object> plain = PlainValues.ofMap(parameters == null ? Map.of() : parameters, PARAMETERS);
        String json;
        try {
            json = JSON.writeValueAsString(plain);
        } catch (JsonProcessingException e) {
            throw new SpecException(PARAMETERS, e.getOriginalMessage(), "must be JSON values");
        }
        int bytes = json.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PARAMETERS_BYTES) {
            throw new SpecException(PARAMETERS, bytes + " bytes of JSON", "at most " + MAX_PARAMETERS_BYTES
                    + " bytes (64 KiB) of JSON; pass bulk data as a file or a URL instead");
        }
        return json;
    }

    private static String seconds(Duration d) {
        return d.getNano() == 0 ? d.getSeconds() + "s" : d.toString();
    }
}
