package io.jenkins.plugins.functions.model;

import io.jenkins.plugins.functions.model.ContainerFunction.Env;
import io.jenkins.plugins.functions.model.ContainerFunction.PullPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes the fields every function with a container shares into its canonical form, in one
 * order, leaving out what is not set: so equal functions of any runtime write them alike.
 */
final class SpecFields {

    private SpecFields() {
    }

    static void putCommon(Map<String, Object> fields, String description, Map<String, String> labels) {
        putIf(fields, "description", description);
        if (!labels.isEmpty()) {
            fields.put("labels", labels);
        }
    }

    static void putEnv(Map<String, Object> fields, List<Env> env) {
        if (!env.isEmpty()) {
            List<Map<String, String>> list = new ArrayList<>();
            for (Env e : env) {
                list.add(e.toMap());
            }
            fields.put("env", list);
        }
    }

    static void putPod(Map<String, Object> fields, PullPolicy imagePullPolicy, Resources resources,
                       String serviceAccount) {
        putIf(fields, "imagePullPolicy", imagePullPolicy == null ? null : imagePullPolicy.value());
        if (!resources.isEmpty()) {
            fields.put("resources", resources.toMap());
        }
        putIf(fields, "serviceAccount", serviceAccount);
    }

    static void putIf(Map<String, Object> fields, String key, String value) {
        if (value != null) {
            fields.put(key, value);
        }
    }
}
