package io.jenkins.plugins.functions.jenkins.config;

import hudson.AbortException;
import hudson.model.Run;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.observability.LinkTemplate;
import io.jenkins.plugins.functions.runtime.NamespacePolicy;
import io.jenkins.plugins.functions.runtime.PodSecurity;
import io.jenkins.plugins.functions.runtime.Profile;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the global configuration ({@link FunctionRuntimesConfiguration}) gives the runs and their
 * engines: the cluster connection, the engine's thresholds and usage sampling, the namespace
 * policy, pod security, the profiles and their artifact stores, the links' templates.
 *
 * <p>Exists so that the configuration class holds only its settings, their form checks and Test
 * connection (what Stapler and configuration-as-code find by name), while what those settings
 * mean to a run is worked out here. Holds nothing of its own: each call reads the configuration's
 * getters, so it always reflects the saved settings.
 */
public final class RunSettings {

    private final FunctionRuntimesConfiguration config;

    private RunSettings(FunctionRuntimesConfiguration config) {
        this.config = config;
    }

    /** What this configuration gives the runs. */
    public static RunSettings of(FunctionRuntimesConfiguration config) {
        return new RunSettings(config);
    }

    /** The cloud's client and namespace, when a cloud is configured (null otherwise). */
    public KubernetesPluginCloud.Connection cloudConnection() throws AbortException {
        String cloudName = config.getCloudName();
        return cloudName == null ? null : KubernetesPluginCloud.connect(cloudName);
    }

    /**
     * The cluster settings for a run, with the credential looked up in the context of the run's
     * job (so folder-scoped credentials apply and usage is tracked). The secret stays in memory.
     */
    public ClusterSettings settingsFor(Run<?, ?> run) throws IOException {
        return ClusterCredentials.forRun(run, config.getServerUrl(), config.getCredentialsId(),
                config.getServerCertificate(), config.isSkipTlsVerify(), config.getNamespace());
    }

    /** The engine's thresholds from this configuration. */
    public EngineOptions engineOptions() {
        return EngineOptions.defaults()
                .withImagePullGrace(Duration.ofSeconds(config.getImagePullGraceSeconds()))
                .withUnschedulableGrace(Duration.ofSeconds(config.getUnschedulableGraceSeconds()))
                .withConfigErrorGrace(Duration.ofSeconds(config.getConfigErrorGraceSeconds()))
                .withPendingTimeout(Duration.ofSeconds(config.getPendingTimeoutSeconds()));
    }

    /** The usage sampling interval of the engines ({@link FunctionEngine#DEFAULT_USAGE_INTERVAL} unless set). */
    public Duration usageInterval() {
        return Duration.ofSeconds(config.getUsageSampleSeconds());
    }

    /** The namespaces runs may use, given the default namespace they go to. */
    public NamespacePolicy namespacePolicy(String defaultNamespace) throws AbortException {
        return NamespaceSettings.namespacePolicy(defaultNamespace, config.getAllowedNamespaces());
    }

    /** The namespaces the runs of a job may use: its folder's rule, else the allowed namespaces. */
    public NamespacePolicy namespacePolicyForJob(String defaultNamespace, String jobFullName) throws AbortException {
        return NamespaceSettings.namespacePolicy(defaultNamespace, config.getAllowedNamespaces(),
                config.getFolderNamespaces(), jobFullName);
    }

    public PodSecurity.Policy podSecurity() {
        return new PodSecurity.Policy(config.isEnforceNonRoot());
    }

    /** The engine's profiles, by name. */
    public Map<String, Profile> profileMap() throws AbortException {
        return ConfiguredProfiles.profileMap(config.getProfiles());
    }

    /**
     * The store of a run under this profile (null for none): the profile's own when it has one,
     * else the global one; null when neither is configured.
     */
    public ArtifactStoreConfig artifactStoreFor(String profileName) {
        return ConfiguredProfiles.artifactStoreFor(profileName, config.getProfiles(), config.getArtifactStore());
    }

    /** The links' templates, in order. */
    public List<LinkTemplate> linkTemplates() {
        List<LinkTemplate> out = new ArrayList<>();
        for (RunLinkConfig l : config.getLinks()) {
            out.add(l.toTemplate());
        }
        return out;
    }
}
