package io.jenkins.plugins.functions.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Outputs a runtime knows when it plans (a model server's endpoint, its model name, its image),
 * carried as annotations {@code functions.jenkins.io/output.<key>} on the workload. The engine adds
 * them to the outputs of a service's start: the runtime says what its service offers without the
 * engine knowing model servers, and a start re-attached after a restart reads them again from the
 * workload.
 */
public final class WorkloadOutputs {

    public static final String PREFIX = RunLabels.PREFIX + "output.";

    private WorkloadOutputs() {
    }

    /** The annotations that carry these outputs (keys: short names such as {@code url}, {@code model}). */
    public static Map<String, String> annotations(Map<String, String> outputs) {
        Map<String, String> annotations = new LinkedHashMap<>();
        outputs.forEach((k, v) -> {
            if (v != null) {
                annotations.put(PREFIX + k, v);
            }
        });
        return annotations;
    }

    /** The outputs carried by an object's annotations, by short name; empty when none. */
    public static Map<String, Object> read(HasMetadata object) {
        Map<String, Object> outputs = new LinkedHashMap<>();
        Map<String, String> annotations = object == null || object.getMetadata() == null ? null
                : object.getMetadata().getAnnotations();
        if (annotations != null) {
            annotations.forEach((k, v) -> {
                if (k.startsWith(PREFIX) && k.length() > PREFIX.length()) {
                    outputs.put(k.substring(PREFIX.length()), v);
                }
            });
        }
        return outputs;
    }
}
