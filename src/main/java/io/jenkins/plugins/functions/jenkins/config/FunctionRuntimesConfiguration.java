package io.jenkins.plugins.functions.jenkins.config;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import hudson.AbortException;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.model.Run;
import hudson.util.Secret;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jenkins.model.GlobalConfiguration;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * Manage Jenkins » System » Function Runtimes: the cluster runs go to and the default namespace.
 * Configuration-as-code: {@code unclassified: functionRuntimes: serverUrl: ...}.
 *
 * <p>With a cloud name, the cluster of that Kubernetes cloud (kubernetes plugin) is used, with
 * its credentials and namespace. With no server URL and no credential, fabric8's
 * auto-configuration is used: the service
 * account of the pod Jenkins runs in, or {@code KUBECONFIG}. The credential is either a secret
 * text (a bearer token for {@link #getServerUrl()}) or a secret file (a kubeconfig).
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

    /**
     * The cluster settings for a run, with the credential looked up in the context of the run's
     * job (so folder-scoped credentials apply and usage is tracked). The secret stays in memory.
     */
    public ClusterSettings settingsFor(Run<?, ?> run) throws IOException {
        if (credentialsId == null) {
            return serverUrl == null ? ClusterSettings.autoConfigured(namespace)
                    : ClusterSettings.server(serverUrl, null, serverCertificate, skipTlsVerify, namespace);
        }
        StandardCredentials credentials = CredentialsProvider.findCredentialById(
                credentialsId, StandardCredentials.class, run, List.of());
        if (credentials == null) {
            throw new AbortException("Function Runtimes: the cluster credential '" + credentialsId
                    + "' (Manage Jenkins » System » Function Runtimes) does not exist or is not visible to this job");
        }
        CredentialsProvider.track(run, credentials);
        if (credentials instanceof StringCredentials token) {
            if (serverUrl == null) {
                throw new AbortException("Function Runtimes: the cluster credential '" + credentialsId
                        + "' is a token: set the Kubernetes API server URL it is for (Manage Jenkins » System)");
            }
            return ClusterSettings.server(serverUrl, Secret.toString(token.getSecret()), serverCertificate,
                    skipTlsVerify, namespace);
        }
        if (credentials instanceof FileCredentials file) {
            return ClusterSettings.kubeconfig(read(file), namespace);
        }
        throw new AbortException("Function Runtimes: the cluster credential '" + credentialsId
                + "' must be a secret text (a token) or a secret file (a kubeconfig)");
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
