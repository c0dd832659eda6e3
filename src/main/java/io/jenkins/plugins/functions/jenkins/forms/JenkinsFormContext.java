package io.jenkins.plugins.functions.jenkins.forms;

import com.cloudbees.plugins.credentials.CredentialsMatcher;
import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.AbortException;
import hudson.Functions;
import hudson.model.Item;
import hudson.security.ACL;
import hudson.security.Permission;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.functions.jenkins.FunctionRuntimeProvider;
import io.jenkins.plugins.functions.jenkins.config.ClusterCredentials;
import io.jenkins.plugins.functions.jenkins.config.FunctionRuntimesConfiguration;
import io.jenkins.plugins.functions.jenkins.config.KubernetesPluginCloud;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * Jenkins' side of the form checks. Credentials are listed and found as {@code ACL.SYSTEM2} in
 * the item's context, as the credentials plugin documents it for an item whose builds run as the
 * system (the authentication of a queued build cannot be asked for here: its API is outside the
 * checked signatures); a build later finds its credential with its own authentication.
 */
final class JenkinsFormContext extends FormContext {

    @Override
    public boolean isAdministrator() {
        try {
            return Functions.hasPermission(Permission.HUDSON_ADMINISTER); // Jenkins.ADMINISTER
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public FunctionRuntimesConfiguration configuration() {
        return FunctionRuntimesConfiguration.get();
    }

    @Override
    public RuntimeRegistry runtimes() {
        return FunctionRuntimeProvider.registry();
    }

    @Override
    public FoundCredential findCredential(Item context, String id) {
        StandardCredentials found = find(context, id);
        if (found == null) {
            return null;
        }
        if (found instanceof StringCredentials) {
            return new FoundCredential(id, CredentialValue.Kind.SECRET_TEXT, "secret text");
        }
        if (found instanceof FileCredentials) {
            return new FoundCredential(id, CredentialValue.Kind.SECRET_FILE, "secret file");
        }
        if (found instanceof StandardUsernamePasswordCredentials) {
            return new FoundCredential(id, CredentialValue.Kind.USERNAME_PASSWORD, "username with password");
        }
        return new FoundCredential(id, null, found.getClass().getSimpleName());
    }

    @Override
    public CredentialValue credentialValue(String id) throws IOException {
        StandardCredentials found = find(null, id);
        if (found == null) {
            return null;
        }
        if (found instanceof StandardUsernamePasswordCredentials user) {
            return CredentialValue.usernamePassword(id, user.getUsername(), user.getPassword().getPlainText());
        }
        if (found instanceof StringCredentials text) {
            return CredentialValue.secretText(id, text.getSecret().getPlainText());
        }
        throw new AbortException("credential '" + id + "' is a " + found.getClass().getSimpleName()
                + "; allowed: secret text, username with password");
    }

    @Override
    public ListBoxModel credentialItems(Item context, Set<CredentialValue.Kind> kinds, String currentValue) {
        return new StandardListBoxModel()
                .includeEmptyValue()
                .includeMatchingAs(ACL.SYSTEM2, context, StandardCredentials.class, List.of(),
                        CredentialsMatchers.allOf(matcher(kinds), forBuilds()))
                .includeCurrentValue(currentValue == null ? "" : currentValue);
    }

    @Override
    public ListBoxModel currentCredentialOnly(String currentValue) {
        return new StandardListBoxModel().includeCurrentValue(currentValue == null ? "" : currentValue);
    }

    @Override
    public KubernetesPluginCloud.Connection cloud(String name) throws AbortException {
        return KubernetesPluginCloud.connect(name);
    }

    @Override
    public ClusterSettings clusterSettings(String credentialsId, String serverUrl, String serverCertificate,
            boolean skipTlsVerify, String namespace) throws IOException {
        if (credentialsId == null) {
            return serverUrl == null ? ClusterSettings.autoConfigured(namespace)
                    : ClusterSettings.server(serverUrl, null, serverCertificate, skipTlsVerify, namespace);
        }
        StandardCredentials credentials = find(null, credentialsId);
        return ClusterCredentials.settingsFor(credentialsId, credentials, serverUrl, serverCertificate,
                skipTlsVerify, namespace, "Jenkins");
    }

    /**
     * Credentials builds can use: not those of scope System, which only Jenkins itself sees (the
     * global configuration's context would list them, and a run could not find them).
     */
    private static CredentialsMatcher forBuilds() {
        return CredentialsMatchers.not(CredentialsMatchers.withScope(CredentialsScope.SYSTEM));
    }

    private static StandardCredentials find(Item context, String id) {
        return CredentialsMatchers.firstOrNull(CredentialsProvider.lookupCredentialsInItem(StandardCredentials.class,
                context, ACL.SYSTEM2, List.of()), CredentialsMatchers.allOf(CredentialsMatchers.withId(id), forBuilds()));
    }

    private static CredentialsMatcher matcher(Set<CredentialValue.Kind> kinds) {
        CredentialsMatcher[] any = kinds.stream().map(k -> switch (k) {
            case SECRET_TEXT -> CredentialsMatchers.instanceOf(StringCredentials.class);
            case SECRET_FILE -> CredentialsMatchers.instanceOf(FileCredentials.class);
            case USERNAME_PASSWORD -> CredentialsMatchers.instanceOf(StandardUsernamePasswordCredentials.class);
        }).toArray(CredentialsMatcher[]::new);
        return CredentialsMatchers.anyOf(any);
    }
}
