package io.jenkins.plugins.functions.jenkins.config;

import static io.jenkins.plugins.functions.jenkins.config.FunctionRuntimesConfiguration.WHERE;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import hudson.AbortException;
import hudson.model.Run;
import hudson.util.Secret;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.spec.SpecException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * The cluster settings of the global configuration ({@link FunctionRuntimesConfiguration}): a
 * server URL with a Jenkins credential (a secret text holding a token, or a secret file holding
 * a kubeconfig), or fabric8's auto-configuration when neither is set. A credential's secret
 * stays in memory.
 */
public final class ClusterCredentials {

    /** The kinds of credential a cluster connection takes: a token, or a kubeconfig. */
    static final Set<CredentialValue.Kind> CLUSTER_CREDENTIAL_KINDS =
            Set.of(CredentialValue.Kind.SECRET_TEXT, CredentialValue.Kind.SECRET_FILE);

    /** What {@code credentialsId} takes (the field's check says the same as a run would). */
    static final String CLUSTER_CREDENTIAL_RULE = "must be the ID of a secret text (a token) or secret file (a"
            + " kubeconfig) credential";

    private ClusterCredentials() {
    }

    /**
     * The cluster settings for a run, with the credential looked up in the context of the run's
     * job (so folder-scoped credentials apply and usage is tracked).
     */
    static ClusterSettings forRun(Run<?, ?> run, String serverUrl, String credentialsId, String serverCertificate,
            boolean skipTlsVerify, String namespace) throws IOException {
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

    private static String read(FileCredentials file) throws IOException {
        try (InputStream in = file.getContent()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
