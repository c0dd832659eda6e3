package io.jenkins.plugins.functions.jenkins.forms;

import hudson.AbortException;
import hudson.model.Item;
import hudson.security.Permission;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.functions.jenkins.config.FunctionRuntimesConfiguration;
import io.jenkins.plugins.functions.jenkins.config.KubernetesPluginCloud;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import java.io.IOException;
import java.util.Set;

/**
 * What a form check reads beyond the value it checks: who is asking, the global configuration,
 * the installed runtimes, the credentials visible in a context. Jenkins' in production
 * ({@link JenkinsFormContext}); tests set their own with {@link #set}, as Jenkins' objects cannot
 * be made outside Jenkins.
 */
public abstract class FormContext {

    private static volatile FormContext current = new JenkinsFormContext();

    /** The context form checks use now. */
    public static FormContext current() {
        return current;
    }

    /** For tests: form checks use this context from now on (null: Jenkins'). Returns the previous one. */
    public static FormContext set(FormContext context) {
        FormContext previous = current;
        current = context == null ? new JenkinsFormContext() : context;
        return previous;
    }

    /**
     * A credential visible in a context, as a form sees it.
     *
     * @param kind the kind runs can use, or null for another kind
     * @param type what it is, for messages ({@code secret text}, or the credential's class name)
     */
    public record FoundCredential(String id, CredentialValue.Kind kind, String type) {
    }

    /** Whether the current user may administer Jenkins ({@code Jenkins.ADMINISTER}). */
    public abstract boolean isAdministrator();

    /**
     * Whether the current user has one of these permissions on the item; with no item (a form of
     * Jenkins itself, such as the global configuration), whether they may administer Jenkins.
     */
    public boolean has(Item item, Permission... anyOf) {
        if (item == null) {
            return isAdministrator();
        }
        for (Permission p : anyOf) {
            if (item.hasPermission(p)) {
                return true;
            }
        }
        return false;
    }

    /** The global configuration (Manage Jenkins » System » Function Runtimes). */
    public abstract FunctionRuntimesConfiguration configuration();

    /** The runtimes installed in this Jenkins. */
    public abstract RuntimeRegistry runtimes();

    /**
     * The credential of that id that a build of the item would find (the item's folders and
     * Jenkins' global store; with no item, Jenkins' own), or null when there is none.
     */
    public abstract FoundCredential findCredential(Item context, String id);

    /**
     * The value of the credential of that id in Jenkins' own context (what the global
     * configuration's drop-downs list), or null when there is none: for a test an administrator
     * asked for (Test the store), never shown.
     *
     * @throws AbortException when the credential is of a kind runs cannot use
     */
    public abstract CredentialValue credentialValue(String id) throws IOException;

    /**
     * The drop-down of the credentials of these kinds visible in the item's context (none
     * selected first, the current value kept even when it no longer resolves), as the credentials
     * plugin lists them.
     */
    public abstract ListBoxModel credentialItems(Item context, Set<CredentialValue.Kind> kinds, String currentValue);

    /** A drop-down with only the current value: for users who may not see the credentials. */
    public abstract ListBoxModel currentCredentialOnly(String currentValue);

    /**
     * The connection of a Kubernetes cloud of the kubernetes plugin (no request is made).
     *
     * @throws AbortException naming the cloud when there is no Kubernetes cloud of that name
     */
    public abstract KubernetesPluginCloud.Connection cloud(String name) throws AbortException;

    /**
     * The cluster settings the global configuration's fields give, with the credential of that id
     * (null: none) looked up in Jenkins' own context, as the configuration's runs would use them.
     *
     * @throws AbortException naming the field, the value and what is allowed
     */
    public abstract ClusterSettings clusterSettings(String credentialsId, String serverUrl, String serverCertificate,
            boolean skipTlsVerify, String namespace) throws IOException;
}
