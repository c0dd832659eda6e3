package io.jenkins.plugins.functions.jenkins.config;

import hudson.util.FormValidation;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.forms.FormContext;
import io.jenkins.plugins.functions.kubernetes.AccessCheck;
import io.jenkins.plugins.functions.kubernetes.ClusterPermissions;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.runtime.FolderNamespaces;
import io.jenkins.plugins.functions.runtime.NamespacePolicy;
import io.jenkins.plugins.functions.spec.SpecException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The global configuration's "Test connection": a client from the form's values (not the saved
 * configuration), one request to reach the API server, then an {@link AccessCheck} of the verbs
 * the plugin needs in each namespace runs may use that has a name (the default namespace and the
 * literal entries of the allowed namespaces and of the folders' rules; a pattern cannot be
 * enumerated). Each request waits at most {@link #REQUEST_TIMEOUT}, all of them together
 * {@link #TIME_LIMIT}; at most {@link #MAX_NAMESPACES} namespaces are asked about.
 *
 * <p>The answer is an error when the server cannot be reached or a namespace lacks a verb every
 * run needs, a warning when only some features lack theirs (or something was not checked), else
 * ok; it never shows the credential.
 */
final class ConnectionTest {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    static final Duration TIME_LIMIT = Duration.ofSeconds(20);
    static final int MAX_NAMESPACES = 10;

    /** The form's values, as the fields send them (blank: not set). */
    record Form(String cloudName, String serverUrl, String credentialsId, String serverCertificate,
            boolean skipTlsVerify, String namespace, String allowedNamespaces, String folderNamespaces) {
    }

    private ConnectionTest() {
    }

    static FormValidation run(Form form) {
        List<String> named = new ArrayList<>();
        List<String> patterns = new ArrayList<>();
        try {
            split(NamespacePolicy.parse(form.allowedNamespaces()), named, patterns);
            for (FolderNamespaces.Rule rule : FolderNamespaces.parse(form.folderNamespaces()).rules()) {
                split(rule.patterns(), named, patterns);
            }
        } catch (SpecException e) {
            return FormValidation.error(e.withOrigin(FunctionRuntimesConfiguration.WHERE).getMessage());
        }
        KubernetesClient client;
        boolean own;
        String connectionNamespace;
        try {
            if (blank(form.cloudName()) == null) {
                client = KubernetesClients.createForCheck(settings(form), REQUEST_TIMEOUT);
                own = true;
                connectionNamespace = client.getNamespace();
            } else {
                KubernetesPluginCloud.Connection cloud = FormContext.current().cloud(form.cloudName().trim());
                client = cloud.client(); // the kubernetes plugin's own: never closed here
                own = false;
                connectionNamespace = cloud.namespace() != null ? cloud.namespace() : client.getNamespace();
            }
        } catch (IOException | SpecException e) {
            return FormValidation.error("Cannot connect: " + e.getMessage()); // the plugin's own: no secret in it
        } catch (RuntimeException e) {
            // the client's, from a kubeconfig perhaps: its message may quote the file, so only its kind
            return FormValidation.error("Cannot connect: the client could not be built from these settings ("
                    + e.getClass().getSimpleName() + ")");
        }
        try {
            String defaultNamespace = blank(form.namespace()) != null ? form.namespace().trim()
                    : connectionNamespace != null ? connectionNamespace : Clusters.FALLBACK_NAMESPACE;
            Set<String> namespaces = new LinkedHashSet<>();
            namespaces.add(defaultNamespace);
            namespaces.addAll(named);
            List<String> asked = namespaces.stream().limit(MAX_NAMESPACES).toList();
            AccessCheck.Report report = new AccessCheck(client, TIME_LIMIT).check(asked);
            return render(client.getMasterUrl().toString(), report, patterns, namespaces.size() - asked.size());
        } finally {
            if (own) {
                client.close();
            }
        }
    }

    private static ClusterSettings settings(Form form) throws IOException, SpecException {
        String url = blank(form.serverUrl());
        if (url != null) {
            ClusterSettings.checkServerUrl(url);
        }
        String certificate = blank(form.serverCertificate());
        if (certificate != null) {
            ClusterSettings.checkCaCertificate(certificate);
        }
        return FormContext.current().clusterSettings(blank(form.credentialsId()), url, certificate,
                form.skipTlsVerify(), blank(form.namespace()));
    }

    private static void split(List<String> entries, List<String> named, List<String> patterns) {
        for (String entry : entries) {
            (entry.contains("*") ? patterns : named).add(entry);
        }
    }

    /** The report as the form shows it: what was reached, then each namespace, then what was left out. */
    static FormValidation render(String server, AccessCheck.Report report, List<String> patterns, int leftOut) {
        if (report.failure() != null) {
            return FormValidation.error(report.failure());
        }
        StringBuilder html = new StringBuilder("Connected to ").append(escape(server)).append(" (Kubernetes ")
                .append(escape(report.version())).append(").<ul>");
        boolean missingRequired = false;
        boolean missingOptional = false;
        for (AccessCheck.NamespaceResult ns : report.namespaces()) {
            List<String> required = new ArrayList<>();
            List<String> optional = new ArrayList<>();
            for (AccessCheck.RuleResult r : ns.rules()) {
                List<String> denied = r.with(AccessCheck.Answer.DENIED);
                if (!denied.isEmpty()) {
                    String line = r.rule().describe() + ": " + String.join(", ", denied);
                    if (r.rule().required()) {
                        required.add(line);
                    } else {
                        optional.add(line + " (for " + r.rule().neededBy() + ")");
                    }
                }
            }
            missingRequired |= !required.isEmpty();
            missingOptional |= !optional.isEmpty();
            html.append("<li><b>").append(escape(ns.namespace())).append("</b>: ");
            if (required.isEmpty() && optional.isEmpty()) {
                html.append(report.timedOut() && ns.rules().stream().anyMatch(
                        r -> !r.with(AccessCheck.Answer.NOT_CHECKED).isEmpty())
                        ? "no verb refused so far (the time limit stopped the check)"
                        : "every verb the plugin needs is allowed");
            } else {
                html.append(required.isEmpty() ? "runs can start; " : "runs cannot start, missing: "
                        + escape(String.join("; ", required)) + (optional.isEmpty() ? "" : "; "));
                if (!optional.isEmpty()) {
                    html.append("missing for some features: ").append(escape(String.join("; ", optional)));
                }
            }
            html.append("</li>");
        }
        html.append("</ul>");
        if (!patterns.isEmpty()) {
            html.append("Not checked: ").append(escape(String.join(", ", patterns))).append(" (a pattern cannot be"
                    + " enumerated: add a namespace's name to check it). ");
        }
        if (leftOut > 0) {
            html.append("Not checked: ").append(leftOut).append(" more namespaces (at most ").append(MAX_NAMESPACES)
                    .append(" are checked). ");
        }
        if (report.timedOut()) {
            html.append("The check stopped after ").append(TIME_LIMIT.toSeconds()).append(" seconds. ");
        }
        if (missingRequired || missingOptional) {
            html.append("The verbs the plugin needs: docs/configuration.md, \u201cPermissions in the cluster\u201d (")
                    .append(ClusterPermissions.RULES.size()).append(" rules).");
        }
        String text = html.toString().strip();
        if (missingRequired) {
            return FormValidation.errorWithMarkup(text);
        }
        return missingOptional || !patterns.isEmpty() || leftOut > 0 || report.timedOut()
                ? FormValidation.warningWithMarkup(text) : FormValidation.okWithMarkup(text);
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Text into the report's HTML. */
    static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
