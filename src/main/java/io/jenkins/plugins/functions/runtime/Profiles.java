package io.jenkins.plugins.functions.runtime;

import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.Resources;
import io.jenkins.plugins.functions.spec.Fields;
import io.jenkins.plugins.functions.spec.Names;
import io.jenkins.plugins.functions.spec.PodFields;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The administrator's profiles: reading one from its settings (the global configuration and the
 * command line's profiles file share this, so both check alike) and choosing the one a function
 * names, where a run's {@link RunRequest} is built.
 */
public final class Profiles {

    public static final List<String> SETTINGS = List.of("nodeSelector", "tolerations", "priorityClassName",
            "runtimeClassName", "defaultResources", "gpuResourceName", "serviceAccount", "imagePullSecrets");
    static final String TOLERATION_RULE = "must be a list of tolerations such as [{key: nvidia.com/gpu, operator:"
            + " Exists, effect: NoSchedule}]: key, operator (Equal or Exists), value (for Equal), effect (NoSchedule,"
            + " PreferNoSchedule or NoExecute), tolerationSeconds (for NoExecute)";
    static final String GPU_RESOURCE_RULE = "must be an extended resource name such as nvidia.com/gpu or amd.com/gpu";
    private static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    private Profiles() {
    }

    /**
     * The profile a validated function names, from the configured ones; {@link Profile#NONE} when
     * it names none. Also refuses, before anything is planned, a function that asks for GPUs
     * without a profile that offers them, saying which configured profiles do.
     *
     * @throws SpecException naming {@code profile} (unknown name, with the configured names) or
     *                       {@code resources} (GPUs without a GPU profile)
     */
    public static Profile choose(FunctionSpec function, Map<String, Profile> configured) throws SpecException {
        String name = PodFields.profile(function.field(PodFields.PROFILE));
        Profile profile = name == null ? Profile.NONE : named(name, configured);
        Object gpu = gpu(function);
        if (gpu != null && profile.gpuResourceName() == null) {
            List<String> offering = configured.values().stream().filter(p -> p.gpuResourceName() != null)
                    .map(Profile::name).sorted().toList();
            String where = profile.isNone() ? "the function names no profile" : "profile '" + name + "' offers none";
            throw new SpecException(ProfilePods.RESOURCES, "gpu: " + gpu, offering.isEmpty()
                    ? "GPUs only with a profile that offers them, and no configured profile does (" + where + ")"
                    : "GPUs only with a profile that offers them (" + where + "): profile: "
                            + String.join(", ", offering));
        }
        return profile;
    }

    /**
     * The configured profile of that name (a valid profile name, see {@link PodFields#profile}).
     *
     * @throws SpecException on {@code profile}, with the configured names, when there is none of that name
     */
    public static Profile named(String name, Map<String, Profile> configured) throws SpecException {
        Profile profile = configured.get(name);
        if (profile == null) {
            throw new SpecException(PodFields.PROFILE, name, configured.isEmpty()
                    ? "the name of a configured profile; none is configured (Manage Jenkins » System »"
                            + " Function Runtimes » Profiles)"
                    : "one of the configured profiles: " + String.join(", ", new TreeSet<>(configured.keySet())));
        }
        return profile;
    }

    /** The GPU amount of a canonical spec ({@code resources.limits.gpu}), or null. */
    private static Object gpu(FunctionSpec function) {
        if (function.field("resources") instanceof Map<?, ?> resources
                && resources.get("limits") instanceof Map<?, ?> limits) {
            return limits.get("gpu");
        }
        return null;
    }

    /**
     * A profile from its settings, as in a profiles YAML file or built from the global
     * configuration's form: {@code nodeSelector} (mapping), {@code tolerations} (list),
     * {@code priorityClassName}, {@code runtimeClassName}, {@code defaultResources} ({@code
     * {requests, limits}} of cpu and memory), {@code gpuResourceName}, {@code serviceAccount},
     * {@code imagePullSecrets} (list of Secret names).
     *
     * @param resources reads {@code defaultResources} as a function's {@code resources} are read
     * @throws SpecException naming the setting, the value and what is allowed
     */
    public static Profile read(String name, Map<String, Object> settings, ResourcesReader resources)
            throws SpecException {
        Names.dns1123Label(name, "name");
        Fields.onlyKnown(settings, "", SETTINGS, "a profile");
        Map<String, String> nodeSelector = new LinkedHashMap<>();
        if (settings.get("nodeSelector") != null) {
            for (Map.Entry<String, Object> e : Fields.mapping(settings.get("nodeSelector"), "nodeSelector",
                    "must be a mapping of node label keys to values, such as {pool: gpu}").entrySet()) {
                String field = Fields.path("nodeSelector", e.getKey());
                if (!Names.isLabelKey(e.getKey())) {
                    throw new SpecException(field, e.getKey(), Names.LABEL_KEY_RULE);
                }
                String value = Fields.scalarText(e.getValue(), field, Names.LABEL_VALUE_RULE);
                if (!Names.isLabelValue(value)) {
                    throw new SpecException(field, value, Names.LABEL_VALUE_RULE);
                }
                nodeSelector.put(e.getKey(), value);
            }
        }
        Resources defaults = Resources.NONE;
        if (settings.get("defaultResources") != null) {
            try {
                defaults = resources.read(settings.get("defaultResources"));
            } catch (SpecException e) {
                String field = e.getField() == null ? "defaultResources"
                        : e.getField().replaceFirst("^resources", "defaultResources");
                throw new SpecException(field, e.getValue(), e.getAllowed());
            }
            if (defaults.limits().gpu() != null) {
                throw new SpecException("defaultResources.limits.gpu", defaults.limits().gpu(), "left out: a"
                        + " profile gives GPUs only to functions that ask for them (gpuResourceName)");
            }
        }
        String gpuResource = optionalText(settings, "gpuResourceName", GPU_RESOURCE_RULE);
        if (gpuResource != null && (!Names.isLabelKey(gpuResource) || !gpuResource.contains("/"))) {
            throw new SpecException("gpuResourceName", gpuResource, GPU_RESOURCE_RULE);
        }
        List<String> pullSecrets = new ArrayList<>();
        if (settings.get("imagePullSecrets") != null) {
            List<?> list = Fields.list(settings.get("imagePullSecrets"), "imagePullSecrets",
                    "must be a list of Secret names of the run's namespace");
            for (int i = 0; i < list.size(); i++) {
                pullSecrets.add(Names.dns1123Subdomain(list.get(i), Fields.index("imagePullSecrets", i)));
            }
        }
        return new Profile(name, nodeSelector, tolerations(settings.get("tolerations")),
                dns(settings, "priorityClassName"), dns(settings, "runtimeClassName"), defaults, gpuResource,
                dns(settings, "serviceAccount"), pullSecrets);
    }

    /** Reads a {@code resources} value ({@code {requests, limits}}); the runtime's parser in practice. */
    @FunctionalInterface
    public interface ResourcesReader {
        Resources read(Object value) throws SpecException;
    }

    static List<Profile.Toleration> tolerations(Object value) throws SpecException {
        if (value == null) {
            return List.of();
        }
        List<Profile.Toleration> tolerations = new ArrayList<>();
        List<?> list = Fields.list(value, "tolerations", TOLERATION_RULE);
        for (int i = 0; i < list.size(); i++) {
            String field = Fields.index("tolerations", i);
            Map<String, Object> t = Fields.mapping(list.get(i), field, TOLERATION_RULE);
            Fields.onlyKnown(t, field, List.of("key", "operator", "value", "effect", "tolerationSeconds"),
                    "a toleration");
            String key = optionalText(t, "key", TOLERATION_RULE);
            if (key != null && !Names.isLabelKey(key)) {
                throw new SpecException(field + ".key", key, Names.LABEL_KEY_RULE);
            }
            String operator = optionalText(t, "operator", TOLERATION_RULE);
            operator = operator == null ? "Equal" : operator;
            if (!operator.equals("Equal") && !operator.equals("Exists")) {
                throw new SpecException(field + ".operator", operator, "must be Equal or Exists");
            }
            String v = t.get("value") == null ? null : Fields.scalarText(t.get("value"), field + ".value",
                    Names.LABEL_VALUE_RULE);
            if (operator.equals("Exists") && v != null && !v.isEmpty()) {
                throw new SpecException(field + ".value", v, "left out with operator Exists");
            }
            if (operator.equals("Equal") && key == null) {
                throw new SpecException(field + ".key", null, "a taint key: only operator Exists may leave it out");
            }
            String effect = optionalText(t, "effect", TOLERATION_RULE);
            if (effect != null && !EFFECTS.contains(effect)) {
                throw new SpecException(field + ".effect", effect, "must be NoSchedule, PreferNoSchedule or NoExecute");
            }
            Long seconds = null;
            if (t.get("tolerationSeconds") != null) {
                if (!(t.get("tolerationSeconds") instanceof Number n) || n.longValue() < 0
                        || n.doubleValue() != n.longValue()) {
                    throw new SpecException(field + ".tolerationSeconds", t.get("tolerationSeconds"),
                            "must be a whole number of seconds, 0 or more");
                }
                if (!"NoExecute".equals(effect)) {
                    throw new SpecException(field + ".tolerationSeconds", n.longValue(), "only with effect NoExecute");
                }
                seconds = n.longValue();
            }
            tolerations.add(new Profile.Toleration(key, operator, v, effect, seconds));
        }
        return tolerations;
    }

    private static String optionalText(Map<String, Object> m, String key, String rule) throws SpecException {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        String text = Fields.text(v, key, rule).trim();
        return text.isEmpty() ? null : text;
    }

    private static String dns(Map<String, Object> m, String key) throws SpecException {
        Object v = m.get(key);
        if (v == null || (v instanceof String s && s.isBlank())) {
            return null;
        }
        return Names.dns1123Subdomain(v, key);
    }
}
