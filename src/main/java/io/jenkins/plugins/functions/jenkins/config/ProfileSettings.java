package io.jenkins.plugins.functions.jenkins.config;

import io.jenkins.plugins.functions.runtime.Profiles;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The settings of a {@link ProfileConfig} in their three forms: the text its XML keeps (the node
 * selector as {@code key=value} pairs, the tolerations as a YAML list), the structure the form and
 * configuration-as-code take ({@link NodeLabel}s, {@link TolerationConfig}s), and the map the
 * engine's profiles reader takes ({@link Profiles#read}, a profiles file's form).
 *
 * <p>Exists so that the persisted {@link ProfileConfig} holds only its fields, their getters and
 * setters and its descriptor, while the conversions between these forms are here. Stateless.
 */
final class ProfileSettings {

    private ProfileSettings() {
    }

    /** The node labels of the node selector's text: {@code [{key: pool, value: gpu}]}. */
    static List<NodeLabel> nodeLabels(String nodeSelector) {
        List<NodeLabel> labels = new ArrayList<>();
        for (String entry : nodeSelector == null ? new String[0] : nodeSelector.split("[,\\n]")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                labels.add(new NodeLabel(entry.substring(0, eq), entry.substring(eq + 1)));
            }
        }
        return labels;
    }

    /** The node selector's text of these labels; null for none. */
    static String nodeSelectorText(List<NodeLabel> labels) {
        return labels == null || labels.isEmpty() ? null : labels.stream()
                .map(NodeLabel::toString).collect(Collectors.joining(", "));
    }

    /** The tolerations of their YAML text; none when the text is not YAML. */
    static List<TolerationConfig> tolerations(String tolerations) {
        List<TolerationConfig> list = new ArrayList<>();
        Object parsed;
        try {
            parsed = tolerations == null ? null : yaml().load(tolerations);
        } catch (YAMLException e) {
            return list; // only an XML file edited by hand holds text that was not checked when it was set
        }
        if (parsed instanceof List<?> items) {
            for (Object item : items) {
                if (item instanceof Map<?, ?> m) {
                    list.add(TolerationConfig.of(m));
                }
            }
        }
        return list;
    }

    /** The YAML text of these tolerations; null for none. */
    static String tolerationsText(List<TolerationConfig> list) {
        if (list == null || list.isEmpty()) {
            return null;
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.AUTO);
        options.setWidth(Integer.MAX_VALUE);
        return new Yaml(options).dump(list.stream().map(TolerationConfig::toMap).toList()).strip();
    }

    /** The profile's settings as the profiles reader takes them (a profiles file's form). */
    static Map<String, Object> of(ProfileConfig profile) throws SpecException {
        Map<String, Object> s = new LinkedHashMap<>();
        String nodeSelector = profile.nodeSelectorText();
        if (nodeSelector != null) {
            Map<String, Object> selector = new LinkedHashMap<>();
            for (String entry : nodeSelector.split("[,\\n]")) {
                if (entry.isBlank()) {
                    continue;
                }
                int eq = entry.indexOf('=');
                if (eq < 0) {
                    throw new SpecException("nodeSelector", entry.trim(), "must be key=value pairs separated by"
                            + " commas or new lines, such as pool=gpu, zone=a");
                }
                selector.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
            }
            s.put("nodeSelector", selector);
        }
        String tolerations = profile.tolerationsText();
        if (tolerations != null) {
            Object parsed;
            try {
                parsed = yaml().load(tolerations);
            } catch (YAMLException e) {
                throw new SpecException("tolerations", "(not YAML)", "must be a YAML list such as"
                        + " - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}");
            }
            s.put("tolerations", parsed);
        }
        put(s, "priorityClassName", profile.getPriorityClassName());
        put(s, "runtimeClassName", profile.getRuntimeClassName());
        Map<String, Object> resources = defaultResources(profile.getDefaultCpuRequest(),
                profile.getDefaultMemoryRequest(), profile.getDefaultCpuLimit(), profile.getDefaultMemoryLimit());
        if (resources != null) {
            s.put("defaultResources", resources);
        }
        put(s, "gpuResourceName", profile.getGpuResourceName());
        put(s, "serviceAccount", profile.getServiceAccount());
        if (profile.getImagePullSecrets() != null) {
            s.put("imagePullSecrets", secretNames(profile.getImagePullSecrets()));
        }
        return s;
    }

    /** The {@code defaultResources} setting of these amounts (each may be null), or null for none. */
    static Map<String, Object> defaultResources(String cpuRequest, String memoryRequest, String cpuLimit,
            String memoryLimit) {
        Map<String, Object> requests = new LinkedHashMap<>();
        put(requests, "cpu", trimToNull(cpuRequest));
        put(requests, "memory", trimToNull(memoryRequest));
        Map<String, Object> limits = new LinkedHashMap<>();
        put(limits, "cpu", trimToNull(cpuLimit));
        put(limits, "memory", trimToNull(memoryLimit));
        if (requests.isEmpty() && limits.isEmpty()) {
            return null;
        }
        Map<String, Object> resources = new LinkedHashMap<>();
        if (!requests.isEmpty()) {
            resources.put("requests", requests);
        }
        if (!limits.isEmpty()) {
            resources.put("limits", limits);
        }
        return resources;
    }

    /** Secret names separated by commas, spaces or new lines. */
    static List<Object> secretNames(String text) {
        List<Object> names = new ArrayList<>();
        for (String n : text.split("[,\\s]+")) {
            if (!n.isBlank()) {
                names.add(n);
            }
        }
        return names;
    }

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    private static void put(Map<String, Object> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    private static String trimToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
