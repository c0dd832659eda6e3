package io.jenkins.plugins.functions.jenkins.config;

import static io.jenkins.plugins.functions.jenkins.config.FunctionRuntimesConfiguration.WHERE;

import hudson.AbortException;
import io.jenkins.plugins.functions.runtime.FolderNamespaces;
import io.jenkins.plugins.functions.runtime.NamespacePolicy;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.List;

/**
 * The namespace settings of the global configuration ({@link FunctionRuntimesConfiguration}):
 * their text as it is kept, and the engine's {@link NamespacePolicy} made from it, with the
 * configuration named in the messages.
 */
public final class NamespaceSettings {

    private NamespaceSettings() {
    }

    /**
     * The allowed namespaces as kept: the entries joined by {@code ", "}; null when there are none.
     *
     * @throws IllegalArgumentException naming the field, the value and what is allowed
     */
    static String allowed(String text) {
        try {
            List<String> entries = NamespacePolicy.parse(text);
            return entries.isEmpty() ? null : String.join(", ", entries);
        } catch (SpecException e) {
            throw new IllegalArgumentException(e.withOrigin(WHERE).getMessage(), e);
        }
    }

    /**
     * The per-folder namespaces as kept: one rule a line; null when there are none.
     *
     * @throws IllegalArgumentException naming the field, the line and what is allowed
     */
    static String folders(String text) {
        try {
            FolderNamespaces rules = FolderNamespaces.parse(text);
            return rules.rules().isEmpty() ? null : rules.format().strip();
        } catch (SpecException e) {
            throw new IllegalArgumentException(e.withOrigin(WHERE).getMessage(), e);
        }
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
}
