package io.jenkins.plugins.functions.jenkins.forms;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import hudson.AbortException;
import hudson.model.Item;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.functions.jenkins.config.FunctionRuntimesConfiguration;
import io.jenkins.plugins.functions.jenkins.config.NamespaceSettings;
import io.jenkins.plugins.functions.jenkins.config.RunSettings;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.NamespacePolicy;
import io.jenkins.plugins.functions.runtime.Profiles;
import io.jenkins.plugins.functions.spec.Names;
import io.jenkins.plugins.functions.spec.PodFields;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.Set;

/**
 * The checks that read more than their value: the namespace policy and the profiles of the
 * global configuration, the runtimes installed, the credentials an item's builds can use. Each
 * answers only to a user who may configure the item (for the global configuration, an
 * administrator); to anyone else it says nothing beyond the value's own syntax, so that a form's
 * checks cannot be used to read the configuration or list credentials. Jenkins calls the
 * descriptor methods that use them with POST ({@code @POST}, and {@code checkMethod="post"} in
 * the form), so another site cannot make a user's browser ask.
 */
public final class ConfiguredChecks {

    /** The default namespace's stand-in when none is configured: the connection's, not known to a form. */
    static final String CONNECTION_NAMESPACE = "the namespace of the cluster connection";

    private final FormChecks forms;

    public ConfiguredChecks(FormChecks forms) {
        this.forms = forms;
    }

    public static final ConfiguredChecks FREESTYLE = new ConfiguredChecks(FormChecks.FREESTYLE);
    public static final ConfiguredChecks PLAIN = new ConfiguredChecks(FormChecks.PLAIN);

    /** A runtime installed in this Jenkins (the registry lists them in its refusal). */
    public FormValidation runtime(String value) {
        return forms.check(value, v -> FormContext.current().runtimes().get(v));
    }

    /**
     * A namespace the item's runs may use: a DNS-1123 label, then the namespace policy of the
     * item's folder or the allowed namespaces. With no default namespace configured, a namespace
     * the policy does not list may still be the connection's own: a warning, not an error.
     */
    public FormValidation namespace(Item item, String value) {
        FormValidation syntax = forms.check(value, v -> Names.dns1123Label(v, "namespace"));
        if (syntax.kind != FormValidation.Kind.OK || value == null || value.isBlank()
                || forms.expandedLater(value)) {
            return syntax;
        }
        FormContext context = FormContext.current();
        if (!context.has(item, Item.CONFIGURE)) {
            return FormValidation.ok();
        }
        String namespace = value.trim();
        FunctionRuntimesConfiguration config = context.configuration();
        String defaultNamespace = config.getNamespace();
        NamespacePolicy policy;
        try {
            policy = NamespaceSettings.namespacePolicy(
                    defaultNamespace == null ? CONNECTION_NAMESPACE : defaultNamespace, config.getAllowedNamespaces(),
                    config.getFolderNamespaces(), item == null ? null : item.getFullName());
        } catch (AbortException e) {
            return FormValidation.warning(e.getMessage()); // the configuration itself is wrong: its page says so
        }
        try {
            policy.check(namespace);
            return FormValidation.ok();
        } catch (SpecException e) {
            return defaultNamespace == null
                    ? FormValidation.warning(e.getMessage() + " (allowed if it is " + CONNECTION_NAMESPACE
                            + ", where runs go when no default namespace is configured)")
                    : FormChecks.error(e);
        }
    }

    /** The name of a profile of the global configuration. */
    public FormValidation profile(Item item, String value) {
        FormValidation syntax = forms.check(value, PodFields::profile);
        if (syntax.kind != FormValidation.Kind.OK || value == null || value.isBlank()
                || forms.expandedLater(value)) {
            return syntax;
        }
        FormContext context = FormContext.current();
        if (!context.has(item, Item.CONFIGURE)) {
            return FormValidation.ok();
        }
        try {
            Profiles.named(value.trim(), RunSettings.of(context.configuration()).profileMap());
            return FormValidation.ok();
        } catch (AbortException e) {
            return FormValidation.warning(e.getMessage());
        } catch (SpecException e) {
            return FormChecks.error(e);
        }
    }

    /**
     * The id of a credential of one of these kinds that the item's builds can find, as the
     * credentials plugin checks one: not for users who may not pick credentials, and an expression
     * ({@code ${...}}) is only known when the build runs.
     *
     * @param field   the field, for the message
     * @param allowed what the field takes, for the message (the engine's own words)
     */
    public FormValidation credential(Item item, String value, Set<CredentialValue.Kind> kinds, String field,
            String allowed) {
        if (value == null || value.isBlank()) {
            return FormValidation.ok();
        }
        if (FormChecks.hasVariable(value)) {
            return FormValidation.warning("Cannot check a credential given by an expression: the build resolves it");
        }
        FormContext context = FormContext.current();
        if (!context.has(item, Item.EXTENDED_READ, CredentialsProvider.USE_ITEM)) {
            return FormValidation.ok();
        }
        String id = value.trim();
        FormContext.FoundCredential found = context.findCredential(item, id);
        if (found == null) {
            return FormChecks.error(new SpecException(field, id, allowed + "; none with this id is visible here"));
        }
        if (found.kind() == null || !kinds.contains(found.kind())) {
            return FormChecks.error(new SpecException(field, id, allowed + ", not " + found.type()));
        }
        return FormValidation.ok();
    }

    /**
     * The drop-down of a credential field: the credentials of these kinds the item's builds can
     * use, for users who may pick them (Item/Extended read or Credentials/Use item; for Jenkins
     * itself, administrators); for anyone else only the current value.
     */
    public static ListBoxModel credentialItems(Item item, String currentValue, Set<CredentialValue.Kind> kinds) {
        FormContext context = FormContext.current();
        if (!context.has(item, Item.EXTENDED_READ, CredentialsProvider.USE_ITEM)) {
            return context.currentCredentialOnly(currentValue);
        }
        return context.credentialItems(item, kinds, currentValue);
    }
}
