package io.jenkins.plugins.functions.jenkins.config;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import io.jenkins.plugins.functions.jenkins.Messages;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.runtime.Profiles;
import io.jenkins.plugins.functions.runtime.impl.ContainerFunctionParser;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * One profile of the global configuration: an administrator's scheduling choices that functions
 * name with {@code profile: <name>}. Configuration-as-code:
 * {@code unclassified: functionRuntimes: profiles: - name: gpu-small ...}.
 *
 * <p>Every field is text, so the form, the XML and configuration-as-code keep exactly what was
 * written; each is checked when it is set (an unusable profile is refused when the configuration
 * is saved, not when a run uses it) and converted with {@link #toProfile()} by the same reader
 * the command line uses for its profiles file ({@link Profiles#read}).
 */
public class ProfileConfig extends AbstractDescribableImpl<ProfileConfig> {

    private final String name;
    private String nodeSelector;
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

    public String getNodeSelector() {
        return nodeSelector;
    }

    /** Node labels, {@code key=value}, separated by commas or new lines: {@code pool=gpu, zone=a}. */
    @DataBoundSetter
    public void setNodeSelector(String nodeSelector) {
        this.nodeSelector = trimToNull(nodeSelector);
        check();
    }

    public String getTolerations() {
        return tolerations;
    }

    /** A YAML list of tolerations: {@code - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}}. */
    @DataBoundSetter
    public void setTolerations(String tolerations) {
        this.tolerations = trimToNull(tolerations);
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
                parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(tolerations);
            } catch (YAMLException e) {
                throw new SpecException("tolerations", "(not YAML)", "must be a YAML list such as"
                        + " - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}");
            }
            s.put("tolerations", parsed);
        }
        put(s, "priorityClassName", priorityClassName);
        put(s, "runtimeClassName", runtimeClassName);
        Map<String, Object> requests = new LinkedHashMap<>();
        put(requests, "cpu", defaultCpuRequest);
        put(requests, "memory", defaultMemoryRequest);
        Map<String, Object> limits = new LinkedHashMap<>();
        put(limits, "cpu", defaultCpuLimit);
        put(limits, "memory", defaultMemoryLimit);
        if (!requests.isEmpty() || !limits.isEmpty()) {
            Map<String, Object> resources = new LinkedHashMap<>();
            if (!requests.isEmpty()) {
                resources.put("requests", requests);
            }
            if (!limits.isEmpty()) {
                resources.put("limits", limits);
            }
            s.put("defaultResources", resources);
        }
        put(s, "gpuResourceName", gpuResourceName);
        put(s, "serviceAccount", serviceAccount);
        if (imagePullSecrets != null) {
            List<Object> names = new ArrayList<>();
            for (String n : imagePullSecrets.split("[,\\s]+")) {
                if (!n.isBlank()) {
                    names.add(n);
                }
            }
            s.put("imagePullSecrets", names);
        }
        return s;
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
    }
}
