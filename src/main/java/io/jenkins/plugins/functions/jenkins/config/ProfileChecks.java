package io.jenkins.plugins.functions.jenkins.config;

import hudson.util.FormValidation;
import io.jenkins.plugins.functions.jenkins.forms.FormChecks;
import io.jenkins.plugins.functions.runtime.Profiles;
import io.jenkins.plugins.functions.runtime.impl.ContainerFunctionParser;
import io.jenkins.plugins.functions.spec.Names;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks of a profile's fields as they are typed: the engine's profile reader
 * ({@link Profiles#read}) on a profile holding just that field, so the form says what saving the
 * configuration, and the command line's profiles file, would say.
 */
final class ProfileChecks {

    /** The name the reader is given while a field alone is checked. */
    private static final String SOME_PROFILE = "profile";

    private ProfileChecks() {
    }

    /** A profile's name: required, a DNS-1123 label. */
    static FormValidation name(String value) {
        return FormChecks.PLAIN.required(value, v -> Names.dns1123Label(v, "name"));
    }

    /** A setting whose text the reader takes as it is. */
    static FormValidation setting(String key, String value) {
        return FormChecks.PLAIN.check(value, v -> read(Map.of(key, v)));
    }

    static FormValidation imagePullSecrets(String value) {
        return FormChecks.PLAIN.check(value, v -> read(Map.of("imagePullSecrets", ProfileSettings.secretNames(v))));
    }

    /**
     * One default amount, with the request it must not be below when it is a limit.
     *
     * @param which the amount checked: {@code requests.cpu}, {@code requests.memory}; for a limit,
     *              {@code cpu} or {@code memory}
     */
    static FormValidation resources(String which, String cpuRequest, String memoryRequest, String cpuLimit,
            String memoryLimit) {
        String value = switch (which) {
            case "requests.cpu" -> cpuRequest;
            case "requests.memory" -> memoryRequest;
            case "cpu" -> cpuLimit;
            default -> memoryLimit;
        };
        return FormChecks.PLAIN.check(value, v -> {
            Map<String, Object> resources = ProfileSettings.defaultResources(cpuRequest, memoryRequest, cpuLimit,
                    memoryLimit);
            try {
                read(Map.of("defaultResources", resources));
            } catch (SpecException e) {
                // a request's own problem is said at the request
                if (which.startsWith("requests") || e.getField() == null
                        || !e.getField().startsWith("defaultResources.requests") || e.getAllowed().contains("above")) {
                    throw e;
                }
            }
        });
    }

    /** A node label: its key (required), or its value under its key (a missing key is said at the key). */
    static FormValidation nodeLabel(String key, String value) {
        if (key == null || key.isBlank()) {
            return value == null ? FormChecks.error(new SpecException("nodeSelector", null, Names.LABEL_KEY_RULE))
                    : FormValidation.ok();
        }
        return FormChecks.PLAIN.required(key, k -> {
            Map<String, Object> selector = new LinkedHashMap<>();
            selector.put(k, value == null ? "" : value.trim());
            read(Map.of("nodeSelector", selector));
        });
    }

    /**
     * One field of a toleration, checked with the toleration's other fields (the rules tie them:
     * a key unless {@code Exists}, seconds only with {@code NoExecute}); a problem of another field
     * is said at that field.
     */
    static FormValidation toleration(String field, String key, String operator, String value, String effect,
            String seconds) {
        TolerationConfig t = new TolerationConfig();
        t.setKey(key);
        t.setOperator(operator);
        t.setValue(value);
        t.setEffect(effect);
        t.setTolerationSeconds(seconds);
        try {
            read(Map.of("tolerations", List.of(t.toMap())));
            return FormValidation.ok();
        } catch (SpecException e) {
            return ("tolerations[0]." + field).equals(e.getField()) ? FormChecks.error(e) : FormValidation.ok();
        }
    }

    private static void read(Map<String, Object> settings) throws SpecException {
        Profiles.read(SOME_PROFILE, settings, ContainerFunctionParser::resources);
    }
}
