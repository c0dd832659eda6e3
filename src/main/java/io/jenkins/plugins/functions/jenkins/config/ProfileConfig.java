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
import java.util.List;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

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
 * uses for its profiles file ({@link Profiles#read}). The conversions between the text, the
 * structure and the reader's form are in {@link ProfileSettings}.
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
        return ProfileSettings.nodeLabels(nodeSelector);
    }

    @DataBoundSetter
    public void setNodeSelector(List<NodeLabel> labels) {
        this.nodeSelector = ProfileSettings.nodeSelectorText(labels);
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
        return ProfileSettings.tolerations(tolerations);
    }

    @DataBoundSetter
    public void setTolerations(List<TolerationConfig> list) {
        this.tolerations = ProfileSettings.tolerationsText(list);
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
        return Profiles.read(name == null ? "" : name, ProfileSettings.of(this), ContainerFunctionParser::resources);
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
