package io.jenkins.plugins.functions.jenkins.config;

import hudson.AbortException;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.functions.jenkins.forms.ConfiguredChecks;
import io.jenkins.plugins.functions.jenkins.forms.FormChecks;
import io.jenkins.plugins.functions.jenkins.forms.FormContext;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.runtime.FolderNamespaces;
import io.jenkins.plugins.functions.runtime.NamespacePolicy;
import io.jenkins.plugins.functions.runtime.impl.ContainerFunctionParser;
import io.jenkins.plugins.functions.spec.Names;
import java.security.SecureRandom;
import java.util.List;
import jenkins.model.GlobalConfiguration;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;
import org.springframework.security.access.AccessDeniedException;

/**
 * Manage Jenkins » System » Function Runtimes: the cluster runs go to and the default namespace.
 * Configuration-as-code: {@code unclassified: functionRuntimes: serverUrl: ...}.
 *
 * <p>With a cloud name, the cluster of that Kubernetes cloud (kubernetes plugin) is used, with
 * its credentials and namespace. With no server URL and no credential, fabric8's
 * auto-configuration is used: the service
 * account of the pod Jenkins runs in, or {@code KUBECONFIG}. The credential is either a secret
 * text (a bearer token for {@link #getServerUrl()}) or a secret file (a kubeconfig).
 *
 * <p>Also the operations and security settings (see {@code docs/operations.md}): the namespaces
 * runs may use, the fail-fast thresholds, and whether pods must run as non-root. Changing the
 * configuration needs {@code Jenkins.ADMINISTER} (a {@link GlobalConfiguration}'s own permission).
 *
 * <p>The settings, their form checks and Test connection stay here, where Stapler and
 * configuration-as-code find them; what they mean is worked out beside it: the cluster connection
 * in {@link ClusterCredentials}, the namespace policy in {@link NamespaceSettings}, the profiles in
 * {@link ConfiguredProfiles}, the thresholds in {@link Thresholds}, and what the runs and their
 * engines get of it all in {@link RunSettings}.
 */
@Extension
@Symbol("functionRuntimes")
public class FunctionRuntimesConfiguration extends GlobalConfiguration {

    private String cloudName;
    private String serverUrl;
    private String credentialsId;
    private String serverCertificate;
    private boolean skipTlsVerify;
    private String namespace;
    /** Namespace names and patterns beyond the default namespace; null: only the default. */
    private String allowedNamespaces;
    private String folderNamespaces;
    // Thresholds in seconds; null: the engine's default (so a changed default reaches old configurations).
    private Integer imagePullGraceSeconds;
    private Integer unschedulableGraceSeconds;
    private Integer configErrorGraceSeconds;
    private Integer pendingTimeoutSeconds;
    private boolean enforceNonRoot;
    /** The administrators' profiles, in the order configured; names unique. */
    private List<ProfileConfig> profiles;
    /** The image builds run in; null: the plugin's pinned BuildKit rootless release. */
    private String builderImage;
    /** This controller's id in the labels of its runs' objects; generated once, never configured. */
    private String controllerId;
    /** Where runs keep their artifacts (docs/artifacts.md); null: no store, the feature is off. */
    private ArtifactStoreConfig artifactStore;
    /** Links from runs to their logs, traces and dashboards (docs/observability.md); null: none. */
    private List<RunLinkConfig> links;
    /** How often the runs' resource usage is sampled, in seconds; null: the default (15), 0: never. */
    private Integer usageSampleSeconds;

    public FunctionRuntimesConfiguration() {
        load();
    }

    public static FunctionRuntimesConfiguration get() {
        return ExtensionList.lookupSingleton(FunctionRuntimesConfiguration.class);
    }

    /** A Kubernetes cloud of the kubernetes plugin to take the cluster from, instead of a URL and credential. */
    public String getCloudName() {
        return cloudName;
    }

    @DataBoundSetter
    public void setCloudName(String cloudName) {
        this.cloudName = trimToNull(cloudName);
        save();
    }

    public String getServerUrl() {
        return serverUrl;
    }

    @DataBoundSetter
    public void setServerUrl(String serverUrl) {
        this.serverUrl = trimToNull(serverUrl);
        save();
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = trimToNull(credentialsId);
        save();
    }

    public String getServerCertificate() {
        return serverCertificate;
    }

    @DataBoundSetter
    public void setServerCertificate(String serverCertificate) {
        this.serverCertificate = trimToNull(serverCertificate);
        save();
    }

    public boolean isSkipTlsVerify() {
        return skipTlsVerify;
    }

    @DataBoundSetter
    public void setSkipTlsVerify(boolean skipTlsVerify) {
        this.skipTlsVerify = skipTlsVerify;
        save();
    }

    public String getNamespace() {
        return namespace;
    }

    @DataBoundSetter
    public void setNamespace(String namespace) {
        this.namespace = trimToNull(namespace);
        save();
    }

    public String getAllowedNamespaces() {
        return allowedNamespaces;
    }

    /**
     * Namespaces runs may use besides the default one: names or patterns with {@code *} ({@code
     * functions, team-*}), separated by commas, spaces or new lines. Empty: only the default namespace.
     *
     * @throws IllegalArgumentException naming the field, the value and what is allowed
     */
    @DataBoundSetter
    public void setAllowedNamespaces(String allowedNamespaces) {
        this.allowedNamespaces = NamespaceSettings.allowed(allowedNamespaces);
        save();
    }

    public String getFolderNamespaces() {
        return folderNamespaces;
    }

    /**
     * Per-folder namespaces, one folder a line ({@code team-a: team-a-*, shared}): the jobs of a
     * listed folder may use these instead of the allowed namespaces (the deepest folder wins).
     *
     * @throws IllegalArgumentException naming the field, the line and what is allowed
     */
    @DataBoundSetter
    public void setFolderNamespaces(String folderNamespaces) {
        this.folderNamespaces = NamespaceSettings.folders(folderNamespaces);
        save();
    }

    public Integer getImagePullGraceSeconds() {
        return Thresholds.seconds(imagePullGraceSeconds, EngineOptions.defaults().imagePullGrace());
    }

    /** How long an image pull may keep failing before the run fails; 0 fails at the first failure. */
    @DataBoundSetter
    public void setImagePullGraceSeconds(Integer value) {
        this.imagePullGraceSeconds = Thresholds.nonNegative("imagePullGraceSeconds", value);
        save();
    }

    public Integer getUnschedulableGraceSeconds() {
        return Thresholds.seconds(unschedulableGraceSeconds, EngineOptions.defaults().unschedulableGrace());
    }

    /** How long a pod may stay unschedulable before the run fails; 0 fails at once. */
    @DataBoundSetter
    public void setUnschedulableGraceSeconds(Integer value) {
        this.unschedulableGraceSeconds = Thresholds.nonNegative("unschedulableGraceSeconds", value);
        save();
    }

    public Integer getConfigErrorGraceSeconds() {
        return Thresholds.seconds(configErrorGraceSeconds, EngineOptions.defaults().configErrorGrace());
    }

    /** How long a container may fail to be created (a missing Secret or ConfigMap) before the run fails. */
    @DataBoundSetter
    public void setConfigErrorGraceSeconds(Integer value) {
        this.configErrorGraceSeconds = Thresholds.nonNegative("configErrorGraceSeconds", value);
        save();
    }

    public Integer getPendingTimeoutSeconds() {
        return Thresholds.seconds(pendingTimeoutSeconds, EngineOptions.defaults().pendingTimeout());
    }

    /** How long a run may wait for its container to start, for any reason; 0: no limit. */
    @DataBoundSetter
    public void setPendingTimeoutSeconds(Integer value) {
        this.pendingTimeoutSeconds = Thresholds.nonNegative("pendingTimeoutSeconds", value);
        save();
    }

    public boolean isEnforceNonRoot() {
        return enforceNonRoot;
    }

    /** Every pod gets {@code runAsNonRoot: true}: images that run as root then fail to start. */
    @DataBoundSetter
    public void setEnforceNonRoot(boolean enforceNonRoot) {
        this.enforceNonRoot = enforceNonRoot;
        save();
    }

    public List<ProfileConfig> getProfiles() {
        return profiles == null ? List.of() : List.copyOf(profiles);
    }

    /**
     * The profiles functions may name ({@code profile: gpu-small}); each is checked when it is set.
     *
     * @throws IllegalArgumentException when two profiles have the same name
     */
    @DataBoundSetter
    public void setProfiles(List<ProfileConfig> profiles) {
        this.profiles = ConfiguredProfiles.checked(profiles);
        save();
    }

    public String getBuilderImage() {
        return builderImage;
    }

    /**
     * The image of the {@code build} action's pod: a BuildKit rootless image (with {@code
     * buildctl-daemonless.sh}, running as user 1000), such as a mirror of {@code moby/buildkit}
     * in the cluster's own registry. Blank: the plugin's pinned release.
     */
    @DataBoundSetter
    public void setBuilderImage(String builderImage) {
        this.builderImage = trimToNull(builderImage);
        save();
    }

    // ---- artifact store (docs/artifacts.md) ----------------------------------------------------

    public ArtifactStoreConfig getArtifactStore() {
        return artifactStore;
    }

    @DataBoundSetter
    public void setArtifactStore(ArtifactStoreConfig artifactStore) {
        this.artifactStore = artifactStore;
        save();
    }

    /**
     * This controller's id, the value of the {@code functions.jenkins.io/controller} label on the
     * objects of its runs: the orphan sweeper only judges objects with its own id. Generated on
     * first use and kept with the configuration; not configurable.
     */
    public synchronized String getControllerId() {
        if (controllerId == null) {
            controllerId = newControllerId();
            save();
        }
        return controllerId;
    }

    // ------------------------------------------------------------------ observability (issue 12)

    public List<RunLinkConfig> getLinks() {
        return links == null ? List.of() : List.copyOf(links);
    }

    /**
     * The links each run's page and REST API show, in this order: URL templates with placeholders
     * ({@code ${namespace}}, {@code ${pod}}, {@code ${traceId}}, ...); each was checked when made.
     */
    @DataBoundSetter
    public void setLinks(List<RunLinkConfig> links) {
        this.links = links == null || links.isEmpty() ? null : new java.util.ArrayList<>(links);
        save();
    }

    public Integer getUsageSampleSeconds() {
        return Thresholds.seconds(usageSampleSeconds, io.jenkins.plugins.functions.kubernetes.FunctionEngine.DEFAULT_USAGE_INTERVAL);
    }

    /**
     * How often the CPU and memory of the runs' pods are sampled where the cluster has
     * metrics-server; 0 never samples.
     */
    @DataBoundSetter
    public void setUsageSampleSeconds(Integer value) {
        this.usageSampleSeconds = Thresholds.nonNegative("usageSampleSeconds", value);
        save();
    }

    /** Where these settings are, for messages. */
    static final String WHERE = "Function Runtimes (Manage Jenkins » System)";

    private static String newControllerId() {
        char[] alphabet = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
        SecureRandom random = new SecureRandom();
        char[] id = new char[12];
        for (int i = 0; i < id.length; i++) {
            id[i] = alphabet[random.nextInt(alphabet.length)];
        }
        return new String(id);
    }

    // ---- the form: checks as the fields are typed, the credential drop-down, Test connection ------

    /** Whether the current user may see what the checks below read (the clouds, the credentials). */
    private static boolean mayAdminister() {
        return FormContext.current().isAdministrator();
    }

    @POST
    public FormValidation doCheckCloudName(@QueryParameter String value) {
        if (value == null || value.isBlank() || !mayAdminister()) {
            return FormValidation.ok();
        }
        try {
            FormContext.current().cloud(value.trim());
            return FormValidation.ok();
        } catch (AbortException e) {
            return FormValidation.error(e.getMessage());
        }
    }

    public FormValidation doCheckServerUrl(@QueryParameter String value) {
        return FormChecks.PLAIN.check(value, ClusterSettings::checkServerUrl);
    }

    public ListBoxModel doFillCredentialsIdItems(@QueryParameter String credentialsId) {
        return ConfiguredChecks.credentialItems(null, credentialsId, ClusterCredentials.CLUSTER_CREDENTIAL_KINDS);
    }

    @POST
    public FormValidation doCheckCredentialsId(@QueryParameter String value) {
        return ConfiguredChecks.PLAIN.credential(null, value, ClusterCredentials.CLUSTER_CREDENTIAL_KINDS, "credentialsId",
                ClusterCredentials.CLUSTER_CREDENTIAL_RULE + " that builds can use (scope Global)");
    }

    public FormValidation doCheckServerCertificate(@QueryParameter String value) {
        return FormChecks.PLAIN.check(value, ClusterSettings::checkCaCertificate);
    }

    public FormValidation doCheckNamespace(@QueryParameter String value) {
        return FormChecks.PLAIN.check(value, v -> Names.dns1123Label(v, "namespace"));
    }

    public FormValidation doCheckAllowedNamespaces(@QueryParameter String value) {
        return FormChecks.PLAIN.check(value, NamespacePolicy::parse);
    }

    public FormValidation doCheckFolderNamespaces(@QueryParameter String value) {
        return FormChecks.PLAIN.check(value, FolderNamespaces::parse);
    }

    public FormValidation doCheckBuilderImage(@QueryParameter String value) {
        return FormChecks.PLAIN.check(value, v -> ContainerFunctionParser.image(v, "builderImage"));
    }

    public FormValidation doCheckImagePullGraceSeconds(@QueryParameter String value) {
        return Thresholds.check("imagePullGraceSeconds", value);
    }

    public FormValidation doCheckUnschedulableGraceSeconds(@QueryParameter String value) {
        return Thresholds.check("unschedulableGraceSeconds", value);
    }

    public FormValidation doCheckConfigErrorGraceSeconds(@QueryParameter String value) {
        return Thresholds.check("configErrorGraceSeconds", value);
    }

    public FormValidation doCheckPendingTimeoutSeconds(@QueryParameter String value) {
        return Thresholds.check("pendingTimeoutSeconds", value);
    }

    public FormValidation doCheckUsageSampleSeconds(@QueryParameter String value) {
        return Thresholds.check("usageSampleSeconds", value);
    }

    /**
     * Test connection: reaches the cluster with the form's values (not the saved ones) and says,
     * per namespace runs may use, which of the verbs the plugin needs its account is allowed
     * (see {@link ConnectionTest}). Administrators only, and only by POST: it connects to a URL
     * given in the request with a credential of Jenkins.
     */
    @POST
    public FormValidation doTestConnection(@QueryParameter String cloudName, @QueryParameter String serverUrl,
            @QueryParameter String credentialsId, @QueryParameter String serverCertificate,
            @QueryParameter boolean skipTlsVerify, @QueryParameter String namespace,
            @QueryParameter String allowedNamespaces, @QueryParameter String folderNamespaces) {
        if (!mayAdminister()) {
            throw new AccessDeniedException("Test connection needs the permission to administer Jenkins");
        }
        return ConnectionTest.run(new ConnectionTest.Form(cloudName, serverUrl, credentialsId, serverCertificate,
                skipTlsVerify, namespace, allowedNamespaces, folderNamespaces));
    }

    private static String trimToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
