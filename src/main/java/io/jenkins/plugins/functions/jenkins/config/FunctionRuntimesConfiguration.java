package io.jenkins.plugins.functions.jenkins.config;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import hudson.AbortException;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.model.Run;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import hudson.util.Secret;
import io.jenkins.plugins.functions.jenkins.forms.ConfiguredChecks;
import io.jenkins.plugins.functions.jenkins.forms.FormChecks;
import io.jenkins.plugins.functions.jenkins.forms.FormContext;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.FolderNamespaces;
import io.jenkins.plugins.functions.runtime.NamespacePolicy;
import io.jenkins.plugins.functions.runtime.PodSecurity;
import io.jenkins.plugins.functions.runtime.impl.ContainerFunctionParser;
import io.jenkins.plugins.functions.spec.Names;
import io.jenkins.plugins.functions.spec.SpecException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import jenkins.model.GlobalConfiguration;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
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

    /** The cloud's client and namespace, when a cloud is configured (null otherwise). */
    public KubernetesPluginCloud.Connection cloudConnection() throws AbortException {
        return cloudName == null ? null : KubernetesPluginCloud.connect(cloudName);
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
        try {
            List<String> entries = NamespacePolicy.parse(allowedNamespaces);
            this.allowedNamespaces = entries.isEmpty() ? null : String.join(", ", entries);
        } catch (SpecException e) {
            throw new IllegalArgumentException(e.withOrigin(WHERE).getMessage(), e);
        }
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
        try {
            FolderNamespaces rules = FolderNamespaces.parse(folderNamespaces);
            this.folderNamespaces = rules.rules().isEmpty() ? null : rules.format().strip();
        } catch (SpecException e) {
            throw new IllegalArgumentException(e.withOrigin(WHERE).getMessage(), e);
        }
        save();
    }

    public Integer getImagePullGraceSeconds() {
        return seconds(imagePullGraceSeconds, EngineOptions.defaults().imagePullGrace());
    }

    /** How long an image pull may keep failing before the run fails; 0 fails at the first failure. */
    @DataBoundSetter
    public void setImagePullGraceSeconds(Integer value) {
        this.imagePullGraceSeconds = nonNegative("imagePullGraceSeconds", value);
        save();
    }

    public Integer getUnschedulableGraceSeconds() {
        return seconds(unschedulableGraceSeconds, EngineOptions.defaults().unschedulableGrace());
    }

    /** How long a pod may stay unschedulable before the run fails; 0 fails at once. */
    @DataBoundSetter
    public void setUnschedulableGraceSeconds(Integer value) {
        this.unschedulableGraceSeconds = nonNegative("unschedulableGraceSeconds", value);
        save();
    }

    public Integer getConfigErrorGraceSeconds() {
        return seconds(configErrorGraceSeconds, EngineOptions.defaults().configErrorGrace());
    }

    /** How long a container may fail to be created (a missing Secret or ConfigMap) before the run fails. */
    @DataBoundSetter
    public void setConfigErrorGraceSeconds(Integer value) {
        this.configErrorGraceSeconds = nonNegative("configErrorGraceSeconds", value);
        save();
    }

    public Integer getPendingTimeoutSeconds() {
        return seconds(pendingTimeoutSeconds, EngineOptions.defaults().pendingTimeout());
    }

    /** How long a run may wait for its container to start, for any reason; 0: no limit. */
    @DataBoundSetter
    public void setPendingTimeoutSeconds(Integer value) {
        this.pendingTimeoutSeconds = nonNegative("pendingTimeoutSeconds", value);
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
        java.util.Set<String> names = new java.util.HashSet<>();
        for (ProfileConfig p : profiles == null ? List.<ProfileConfig>of() : profiles) {
            if (!names.add(p.getName())) {
                throw new IllegalArgumentException(new SpecException(WHERE, "profiles", p.getName(),
                        "must have unique names: each name may be configured once").getMessage());
            }
        }
        this.profiles = profiles == null || profiles.isEmpty() ? null : new java.util.ArrayList<>(profiles);
        save();
    }

    /** The engine's profiles, by name. */
    public java.util.Map<String, io.jenkins.plugins.functions.runtime.Profile> profileMap() throws AbortException {
        java.util.Map<String, io.jenkins.plugins.functions.runtime.Profile> map = new java.util.LinkedHashMap<>();
        for (ProfileConfig p : getProfiles()) {
            try {
                map.put(p.getName(), p.toProfile());
            } catch (SpecException e) {
                throw new AbortException(e.withOrigin(WHERE + " » profile '" + p.getName() + "'").getMessage());
            }
        }
        return map;
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
     * The store of a run under this profile (null for none): the profile's own when it has one,
     * else the global one; null when neither is configured.
     */
    public ArtifactStoreConfig artifactStoreFor(String profileName) {
        if (profileName != null && profiles != null) {
            for (ProfileConfig p : profiles) {
                if (profileName.equals(p.getName()) && p.getArtifactStore() != null) {
                    return p.getArtifactStore();
                }
            }
        }
        return artifactStore;
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

    /** The links' templates, in order. */
    public List<io.jenkins.plugins.functions.observability.LinkTemplate> linkTemplates() {
        List<io.jenkins.plugins.functions.observability.LinkTemplate> out = new java.util.ArrayList<>();
        for (RunLinkConfig l : getLinks()) {
            out.add(l.toTemplate());
        }
        return out;
    }

    public Integer getUsageSampleSeconds() {
        return seconds(usageSampleSeconds, io.jenkins.plugins.functions.kubernetes.FunctionEngine.DEFAULT_USAGE_INTERVAL);
    }

    /**
     * How often the CPU and memory of the runs' pods are sampled where the cluster has
     * metrics-server; 0 never samples.
     */
    @DataBoundSetter
    public void setUsageSampleSeconds(Integer value) {
        this.usageSampleSeconds = nonNegative("usageSampleSeconds", value);
        save();
    }

    /** The usage sampling interval of the engines. */
    public Duration usageInterval() {
        return Duration.ofSeconds(getUsageSampleSeconds());
    }

    /** The engine's thresholds from this configuration. */
    public EngineOptions engineOptions() {
        return EngineOptions.defaults()
                .withImagePullGrace(Duration.ofSeconds(getImagePullGraceSeconds()))
                .withUnschedulableGrace(Duration.ofSeconds(getUnschedulableGraceSeconds()))
                .withConfigErrorGrace(Duration.ofSeconds(getConfigErrorGraceSeconds()))
                .withPendingTimeout(Duration.ofSeconds(getPendingTimeoutSeconds()));
    }

    /** The namespaces runs may use, given the default namespace they go to. */
    public NamespacePolicy namespacePolicy(String defaultNamespace) throws AbortException {
        return namespacePolicy(defaultNamespace, allowedNamespaces);
    }

    /** The namespaces the runs of a job may use: its folder's rule, else the allowed namespaces. */
    public NamespacePolicy namespacePolicyForJob(String defaultNamespace, String jobFullName) throws AbortException {
        return namespacePolicy(defaultNamespace, allowedNamespaces, folderNamespaces, jobFullName);
    }

    /** The policy from the settings' text, for a job. */
    public static NamespacePolicy namespacePolicy(String defaultNamespace, String allowed, String folders,
                                                  String jobFullName) throws AbortException {
        try {
            return NamespacePolicy.forJob(defaultNamespace, NamespacePolicy.parse(allowed),
                    FolderNamespaces.parse(folders), jobFullName);
        } catch (SpecException e) {
            throw new AbortException(e.withOrigin(WHERE).getMessage());
        }
    }

    /** The namespace policy from the setting's text; the default namespace is always allowed. */
    public static NamespacePolicy namespacePolicy(String defaultNamespace, String allowed) throws AbortException {
        try {
            return NamespacePolicy.of(defaultNamespace, NamespacePolicy.parse(allowed));
        } catch (SpecException e) {
            throw new AbortException(e.withOrigin(WHERE).getMessage());
        }
    }

    public PodSecurity.Policy podSecurity() {
        return new PodSecurity.Policy(enforceNonRoot);
    }

    /** Where these settings are, for messages. */
    static final String WHERE = "Function Runtimes (Manage Jenkins » System)";

    static Integer nonNegative(String field, Integer value) {
        if (value != null && value < 0) {
            throw new IllegalArgumentException(new SpecException(WHERE, field, value,
                    "must be 0 or more (seconds); leave it empty for the default").getMessage());
        }
        return value;
    }

    private static Integer seconds(Integer value, Duration fallback) {
        return value != null ? value : (int) fallback.toSeconds();
    }

    private static String newControllerId() {
        char[] alphabet = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
        SecureRandom random = new SecureRandom();
        char[] id = new char[12];
        for (int i = 0; i < id.length; i++) {
            id[i] = alphabet[random.nextInt(alphabet.length)];
        }
        return new String(id);
    }

    /**
     * The cluster settings for a run, with the credential looked up in the context of the run's
     * job (so folder-scoped credentials apply and usage is tracked). The secret stays in memory.
     */
    public ClusterSettings settingsFor(Run<?, ?> run) throws IOException {
        if (serverUrl != null) {
            try {
                ClusterSettings.checkServerUrl(serverUrl);
            } catch (SpecException e) {
                throw new AbortException(e.withOrigin(WHERE).getMessage()); // before anything is sent
            }
        }
        if (credentialsId == null) {
            return serverUrl == null ? ClusterSettings.autoConfigured(namespace)
                    : ClusterSettings.server(serverUrl, null, serverCertificate, skipTlsVerify, namespace);
        }
        StandardCredentials credentials = CredentialsProvider.findCredentialById(
                credentialsId, StandardCredentials.class, run, List.of());
        if (credentials != null) {
            CredentialsProvider.track(run, credentials);
        }
        return settingsFor(credentialsId, credentials, serverUrl, serverCertificate, skipTlsVerify, namespace,
                run.getExternalizableId());
    }

    /**
     * The cluster settings from the credential found for {@code credentialsId} (null: none found),
     * or an {@link AbortException} naming the field, the value and what is allowed. Nothing is
     * sent to the cluster before this succeeds.
     *
     * @param build the build the lookup was for ({@code folder/job#12}), for the message
     */
    public static ClusterSettings settingsFor(String credentialsId, StandardCredentials credentials, String serverUrl,
            String serverCertificate, boolean skipTlsVerify, String namespace, String build) throws IOException {
        if (credentials == null) {
            throw new AbortException(new SpecException(WHERE, "credentialsId", credentialsId,
                    CLUSTER_CREDENTIAL_RULE + " visible to " + build + "; none with this ID is (a credential for"
                            + " builds needs the scope Global, not System; one in a folder is only visible to the jobs"
                            + " in that folder)").getMessage());
        }
        if (credentials instanceof StringCredentials token) {
            if (serverUrl == null) {
                throw new AbortException(new SpecException(WHERE, "serverUrl", null,
                        "must be set when the credential '" + credentialsId + "' is a secret text: the URL of the"
                                + " API server the token is for").getMessage());
            }
            return ClusterSettings.server(serverUrl, Secret.toString(token.getSecret()), serverCertificate,
                    skipTlsVerify, namespace);
        }
        if (credentials instanceof FileCredentials file) {
            return ClusterSettings.kubeconfig(read(file), namespace);
        }
        throw new AbortException(new SpecException(WHERE, "credentialsId", credentialsId,
                "must be the ID of a secret text (a token) or a secret file (a kubeconfig); this credential is neither"
                        + " (" + credentials.getClass().getSimpleName() + ")").getMessage());
    }

    // ---- the form: checks as the fields are typed, the credential drop-down, Test connection ------

    /** The kinds of credential a cluster connection takes: a token, or a kubeconfig. */
    private static final Set<CredentialValue.Kind> CLUSTER_CREDENTIAL_KINDS =
            Set.of(CredentialValue.Kind.SECRET_TEXT, CredentialValue.Kind.SECRET_FILE);

    /** What {@code credentialsId} takes (the field's check says the same as a run would). */
    static final String CLUSTER_CREDENTIAL_RULE = "must be the ID of a secret text (a token) or secret file (a"
            + " kubeconfig) credential";

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
        return ConfiguredChecks.credentialItems(null, credentialsId, CLUSTER_CREDENTIAL_KINDS);
    }

    @POST
    public FormValidation doCheckCredentialsId(@QueryParameter String value) {
        return ConfiguredChecks.PLAIN.credential(null, value, CLUSTER_CREDENTIAL_KINDS, "credentialsId",
                CLUSTER_CREDENTIAL_RULE + " that builds can use (scope Global)");
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
        return seconds("imagePullGraceSeconds", value);
    }

    public FormValidation doCheckUnschedulableGraceSeconds(@QueryParameter String value) {
        return seconds("unschedulableGraceSeconds", value);
    }

    public FormValidation doCheckConfigErrorGraceSeconds(@QueryParameter String value) {
        return seconds("configErrorGraceSeconds", value);
    }

    public FormValidation doCheckPendingTimeoutSeconds(@QueryParameter String value) {
        return seconds("pendingTimeoutSeconds", value);
    }

    public FormValidation doCheckUsageSampleSeconds(@QueryParameter String value) {
        return seconds("usageSampleSeconds", value);
    }

    /** A threshold as {@link #nonNegative} takes it when the configuration is saved. */
    private static FormValidation seconds(String field, String value) {
        if (value == null || value.isBlank()) {
            return FormValidation.ok();
        }
        try {
            nonNegative(field, Integer.valueOf(value.trim()));
            return FormValidation.ok();
        } catch (NumberFormatException e) {
            return FormValidation.error(new SpecException(WHERE, field, value.trim(),
                    "must be a whole number of seconds, 0 or more; leave it empty for the default").getMessage());
        } catch (IllegalArgumentException e) {
            return FormValidation.error(e.getMessage());
        }
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

    private static String read(FileCredentials file) throws IOException {
        try (InputStream in = file.getContent()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static String trimToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
