package io.jenkins.plugins.functions.jenkins.builders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.EnvVars;
import hudson.model.EnvironmentContributingAction;
import hudson.model.InvisibleAction;
import hudson.model.Run;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The result of a freestyle builder's run as environment variables for the build's later steps
 * ({@code FUNCTION_STATUS}, {@code FUNCTION_OUTPUT_GREETING}, {@code FUNCTION_URL}, ...). One per
 * builder that ran; Jenkins applies them in order and each replaces every {@code FUNCTION_*}
 * variable before it, so the variables are always the last builder's, never a mix with an
 * earlier run's outputs. The full record of every run stays in its {@code FunctionRunAction}.
 *
 * <p>Persisted with the build: never rename or move this class; it holds only strings.
 */
public class FunctionResultEnvironment extends InvisibleAction implements EnvironmentContributingAction {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The prefix of every variable, and of each top-level output ({@code FUNCTION_OUTPUT_<KEY>}). */
    static final String PREFIX = "FUNCTION_";

    /** Sorted by name; a LinkedHashMap, which XStream reads back without reflection into the JDK. */
    private final LinkedHashMap<String, String> variables;

    public FunctionResultEnvironment(Map<String, String> variables) {
        this.variables = new LinkedHashMap<>(new TreeMap<>(variables));
    }

    /** The variables every run gives: its id, function, version, status, reason, exit code and outputs. */
    static Map<String, String> common(RunRecord record, RunOutcome outcome) {
        Map<String, String> v = new TreeMap<>();
        put(v, "RUN_ID", record.getRunId());
        put(v, "NAME", record.getFunctionName());
        put(v, "VERSION", record.getFunctionVersion());
        put(v, "NAMESPACE", record.getNamespace());
        put(v, "STATUS", outcome.state().name());
        put(v, "REASON", outcome.reason());
        put(v, "EXIT_CODE", outcome.exitCode() == null ? null : String.valueOf(outcome.exitCode()));
        put(v, "OUTPUTS", json(outcome.outputs()));
        for (Map.Entry<String, Object> e : outcome.outputs().entrySet()) {
            Object value = e.getValue();
            if (value == null || value instanceof Map || value instanceof Iterable) {
                continue; // structured values are in FUNCTION_OUTPUTS only
            }
            put(v, "OUTPUT_" + variableName(e.getKey()), String.valueOf(value));
        }
        // the run's artifacts: FUNCTION_ARTIFACT_<NAME> is its s3:// URI (docs/artifacts.md)
        for (RunRecord.Artifact a : record.getArtifacts()) {
            put(v, "ARTIFACT_" + variableName(a.getName()), a.getUri());
        }
        return v;
    }

    static void put(Map<String, String> variables, String name, String value) {
        if (value != null) {
            variables.put(PREFIX + name, value);
        }
    }

    /** An output key as a variable name: upper case, anything but letters and digits as {@code _}. */
    static String variableName(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    public Map<String, String> getVariables() {
        return Collections.unmodifiableMap(variables);
    }

    @Override
    public void buildEnvironment(Run<?, ?> run, EnvVars env) {
        env.keySet().removeIf(name -> name.startsWith(PREFIX));
        env.putAll(variables);
    }

    private static String json(Map<String, Object> outputs) {
        try {
            return JSON.writeValueAsString(outputs);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
