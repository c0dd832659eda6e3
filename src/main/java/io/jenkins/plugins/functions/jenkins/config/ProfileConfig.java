package io.jenkins.plugins.functions.jenkins.config;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import io.jenkins.plugins.functions.jenkins.Messages;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.runtime.Profiles;
import io.jenkins.plugins.functions.runtime.impl.ContainerFunctionParser;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * One profile of the global configuration: an administrator's scheduling choices that functions
 * name with {@code profile: <name>}. Configuration-as-code:
 * {@code unclassified: functionRuntimes: profiles: - name: gpu-small ...}, with the node selector
 * and the tolerations as structure ({@link NodeLabel}s, {@link TolerationConfig}s: lists of maps,
 * as the kubernetes plugin writes its pod templates).
 *
 * <p>Kept as text in the XML (the node selector as {@code key=value} pairs, the tolerations as a
 * YAML list, as older versions wrote them, so their configurations load as they are); each field
 * is checked when it is set (an unusable profile is refused when the configuration is saved, not
 * when a run uses it) and converted with {@link #toProfile()} by the same reader the command line
 * uses for its profiles file ({@link Profiles#read}).
 */
public class ProfileConfig extends AbstractDescribableImpl<ProfileConfig> {

    private final String name;
    /** {@code key=value} pairs separated by commas or new lines. */
    private String nodeSelector;
    /** A YAML list of tolerations. */
    private String tolerations;
    private String priorityClassName;
    private String runtimeClassName;
    private String defaultCpuRequest;
    private String defaultMemoryRequest;
    private String defaultCpuLimit;
    private String defaultMemoryLimit;
    private String gpuResourceName;
    private String serviceAccount;
    private String imagePullSecrets;
    /** This profile's own artifact store (a team's); null: the global one. */
    private ArtifactStoreConfig artifactStore;

    /** @throws IllegalArgumentException naming the field, the value and what is allowed */
    @DataBoundConstructor
    public ProfileConfig(String name) {
        this.name = name == null ? null : name.trim();
        check();
    }

    public String getName() {
        return name;
    }

    /** The node labels the pods must match: {@code [{key: pool, value: gpu}]}. */
    public List<NodeLabel> getNodeSelector() {
        List<NodeLabel> labels = new ArrayList<>();
        for (String entry : nodeSelector == null ? new String[0] : nodeSelector.split("[,\\n]")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                labels.add(new NodeLabel(entry.substring(0, eq), entry.substring(eq + 1)));
            }
        }
        return labels;
    }

    @DataBoundSetter
    public void setNodeSelector(List<NodeLabel> labels) {
        this.nodeSelector = labels == null || labels.isEmpty() ? null : labels.stream()
                .map(NodeLabel::toString).collect(Collectors.joining(", "));
        check();
    }

    /** The node selector in its text form, {@code key=value} separated by commas or new lines ({@code pool=gpu, zone=a}). */
    String nodeSelectorText() {
        return nodeSelector;
    }

    /** Sets the node selector from its text form; checked as {@link #setNodeSelector(List)} is. */
    void setNodeSelectorText(String text) {
        this.nodeSelector = trimToNull(text);
        check();
    }

    /** The taints the pods tolerate: {@code [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]}. */
    public List<TolerationConfig> getTolerations() {
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

    @DataBoundSetter
    public void setTolerations(List<TolerationConfig> list) {
        if (list == null || list.isEmpty()) {
            this.tolerations = null;
        } else {
            DumperOptions options = new DumperOptions();
            options.setDefaultFlowStyle(DumperOptions.FlowStyle.AUTO);
            options.setWidth(Integer.MAX_VALUE);
            this.tolerations = new Yaml(options).dump(list.stream().map(TolerationConfig::toMap).toList()).strip();
        }
        check();
    }

    /** The tolerations in their text form, a YAML list ({@code - {key: nvidia.com/gpu, operator: Exists}}). */
    String tolerationsText() {
        return tolerations;
    }

    /** Sets the tolerations from their text form; checked as {@link #setTolerations(List)} is. */
    void setTolerationsText(String text) {
        this.tolerations = trimToNull(text);
        check();
    }

    public String getPriorityClassName() {
        return priorityClassName;
    }

    @DataBoundSetter
    public void setPriorityClassName(String priorityClassName) {
        this.priorityClassName = trimToNull(priorityClassName);
        check();
    }

    public String getRuntimeClassName() {
        return runtimeClassName;
    }

    @DataBoundSetter
    public void setRuntimeClassName(String runtimeClassName) {
        this.runtimeClassName = trimToNull(runtimeClassName);
        check();
    }

    public String getDefaultCpuRequest() {
        return defaultCpuRequest;
    }

    @DataBoundSetter
    public void setDefaultCpuRequest(String value) {
        this.defaultCpuRequest = trimToNull(value);
        check();
    }

    public String getDefaultMemoryRequest() {
        return defaultMemoryRequest;
    }

    @DataBoundSetter
    public void setDefaultMemoryRequest(String value) {
        this.defaultMemoryRequest = trimToNull(value);
        check();
    }

    public String getDefaultCpuLimit() {
        return defaultCpuLimit;
    }

    @DataBoundSetter
    public void setDefaultCpuLimit(String value) {
        this.defaultCpuLimit = trimToNull(value);
        check();
    }

    public String getDefaultMemoryLimit() {
        return defaultMemoryLimit;
    }

    @DataBoundSetter
    public void setDefaultMemoryLimit(String value) {
        this.defaultMemoryLimit = trimToNull(value);
        check();
    }

    public String getGpuResourceName() {
        return gpuResourceName;
    }

    /** The extended resource a function's {@code gpu} amount becomes: {@code nvidia.com/gpu}; empty: no GPUs. */
    @DataBoundSetter
    public void setGpuResourceName(String gpuResourceName) {
        this.gpuResourceName = trimToNull(gpuResourceName);
        check();
    }

    public String getServiceAccount() {
        return serviceAccount;
    }

    @DataBoundSetter
    public void setServiceAccount(String serviceAccount) {
        this.serviceAccount = trimToNull(serviceAccount);
        check();
    }

    public String getImagePullSecrets() {
        return imagePullSecrets;
    }

    /** Secret names of the run's namespace, separated by commas, spaces or new lines. */
    @DataBoundSetter
    public void setImagePullSecrets(String imagePullSecrets) {
        this.imagePullSecrets = trimToNull(imagePullSecrets);
        check();
    }

    /**
     * The engine's profile.
     *
     * @throws SpecException naming the setting, the value and what is allowed
     */
    public Profile toProfile() throws SpecException {
        return Profiles.read(name == null ? "" : name, settings(), ContainerFunctionParser::resources);
    }

    /** The settings as the profiles reader takes them (a profiles file's form). */
    Map<String, Object> settings() throws SpecException {
        Map<String, Object> s = new LinkedHashMap<>();
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
        put(s, "priorityClassName", priorityClassName);
        put(s, "runtimeClassName", runtimeClassName);
        Map<String, Object> resources = defaultResources(defaultCpuRequest, defaultMemoryRequest, defaultCpuLimit,
                defaultMemoryLimit);
        if (resources != null) {
            s.put("defaultResources", resources);
        }
        put(s, "gpuResourceName", gpuResourceName);
        put(s, "serviceAccount", serviceAccount);
        if (imagePullSecrets != null) {
            s.put("imagePullSecrets", secretNames(imagePullSecrets));
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

    /** Checks the profile as it is so far: a bad value is refused when it is set. */
    private void check() {
        try {
            toProfile();
        } catch (SpecException e) {
            throw new IllegalArgumentException(e.withOrigin(FunctionRuntimesConfiguration.WHERE + " » profile '"
                    + name + "'").getMessage(), e);
        }
    }

    private static void put(Map<String, Object> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    public ArtifactStoreConfig getArtifactStore() {
        return artifactStore;
    }

    /** A store of this profile's own, for a team whose artifacts must stay apart; null for the global one. */
    @DataBoundSetter
    public void setArtifactStore(ArtifactStoreConfig artifactStore) {
        this.artifactStore = artifactStore;
    }

    private static String trimToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Extension
    @Symbol("profile")
    public static final class DescriptorImpl extends Descriptor<ProfileConfig> {
        @Override
        public String getDisplayName() {
            return Messages.ProfileConfig_DisplayName();
        }

        // ---- checks as the fields are typed: the engine's profile reader on each (ProfileChecks) ----

        public FormValidation doCheckName(@QueryParameter String value) {
            return ProfileChecks.name(value);
        }

        public FormValidation doCheckGpuResourceName(@QueryParameter String value) {
            return ProfileChecks.setting("gpuResourceName", value);
        }

        public FormValidation doCheckPriorityClassName(@QueryParameter String value) {
            return ProfileChecks.setting("priorityClassName", value);
        }

        public FormValidation doCheckRuntimeClassName(@QueryParameter String value) {
            return ProfileChecks.setting("runtimeClassName", value);
        }

        public FormValidation doCheckServiceAccount(@QueryParameter String value) {
            return ProfileChecks.setting("serviceAccount", value);
        }

        public FormValidation doCheckImagePullSecrets(@QueryParameter String value) {
            return ProfileChecks.imagePullSecrets(value);
        }

        public FormValidation doCheckDefaultCpuRequest(@QueryParameter String value) {
            return ProfileChecks.resources("requests.cpu", value, null, null, null);
        }

        public FormValidation doCheckDefaultMemoryRequest(@QueryParameter String value) {
            return ProfileChecks.resources("requests.memory", null, value, null, null);
        }

        /** Also against the request: a limit below it is refused. */
        public FormValidation doCheckDefaultCpuLimit(@QueryParameter String value,
                @QueryParameter String defaultCpuRequest) {
            return ProfileChecks.resources("cpu", defaultCpuRequest, null, value, null);
        }

        /** Also against the request: a limit below it is refused. */
        public FormValidation doCheckDefaultMemoryLimit(@QueryParameter String value,
                @QueryParameter String defaultMemoryRequest) {
            return ProfileChecks.resources("memory", null, defaultMemoryRequest, null, value);
        }
    }
}
