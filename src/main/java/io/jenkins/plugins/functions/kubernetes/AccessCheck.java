package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks the API server, with SelfSubjectAccessReviews, which of the verbs the plugin needs
 * ({@link ClusterPermissions#RULES}) its account may use in each namespace runs may go to: an
 * administrator sees a missing RBAC rule before the first build does. One request to reach the
 * server ({@code /version}), then one review per namespace, resource and verb, one at a time,
 * within a time limit (what is left when it runs out is reported as not checked). Reads nothing
 * and creates nothing in the namespaces: a review only asks.
 */
public final class AccessCheck {

    /** How the server answered for one verb. */
    public enum Answer {
        ALLOWED, DENIED, NOT_CHECKED
    }

    /** The answers for one rule's verbs, in the rule's order. */
    public record RuleResult(ClusterPermissions.Rule rule, Map<String, Answer> verbs) {
        public RuleResult {
            verbs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(verbs));
        }

        public List<String> with(Answer answer) {
            return verbs.entrySet().stream().filter(e -> e.getValue() == answer).map(Map.Entry::getKey).toList();
        }

        public boolean allAllowed() {
            return with(Answer.ALLOWED).size() == verbs.size();
        }
    }

    /** The answers in one namespace. */
    public record NamespaceResult(String namespace, List<RuleResult> rules) {
        public NamespaceResult {
            rules = List.copyOf(rules);
        }

        /** Whether every verb every run needs is allowed here. */
        public boolean runsCanStart() {
            return rules.stream().filter(r -> r.rule().required()).allMatch(RuleResult::allAllowed);
        }
    }

    /**
     * What the check found.
     *
     * @param version    the server's version ({@code v1.30.2}), null when it was not reached
     * @param namespaces the answers per namespace, in the order asked
     * @param failure    why the check stopped before any answer (unreachable, not authenticated), or null
     * @param timedOut   whether the time limit left verbs unchecked
     */
    public record Report(String version, List<NamespaceResult> namespaces, String failure, boolean timedOut) {
        public Report {
            namespaces = List.copyOf(namespaces);
        }

        /** Whether the server was reached and every namespace allows what every run needs. */
        public boolean runsCanStartEverywhere() {
            return failure == null && !namespaces.isEmpty()
                    && namespaces.stream().allMatch(NamespaceResult::runsCanStart);
        }
    }

    private final KubernetesClient client;
    private final Duration timeLimit;

    /**
     * @param client    the client of the connection to check; its own timeouts bound each request
     * @param timeLimit the time all reviews together may take
     */
    public AccessCheck(KubernetesClient client, Duration timeLimit) {
        this.client = client;
        this.timeLimit = timeLimit;
    }

    /** Reaches the server, then asks about every rule in each namespace. */
    public Report check(List<String> namespaces) {
        long deadline = System.nanoTime() + timeLimit.toNanos();
        String version;
        try {
            VersionInfo info = client.getKubernetesVersion();
            version = info == null ? "unknown" : info.getGitVersion() != null ? info.getGitVersion()
                    : info.getMajor() + "." + info.getMinor();
        } catch (KubernetesClientException | IllegalStateException e) {
            return new Report(null, List.of(), "cannot reach the API server at " + client.getMasterUrl() + ": "
                    + reason(e), false);
        }
        List<NamespaceResult> results = new ArrayList<>();
        boolean timedOut = false;
        for (String namespace : namespaces) {
            List<RuleResult> rules = new ArrayList<>();
            for (ClusterPermissions.Rule rule : ClusterPermissions.RULES) {
                Map<String, Answer> answers = new LinkedHashMap<>();
                for (String verb : rule.verbs()) {
                    if (System.nanoTime() > deadline) {
                        timedOut = true;
                        answers.put(verb, Answer.NOT_CHECKED);
                        continue;
                    }
                    try {
                        answers.put(verb, review(namespace, rule, verb) ? Answer.ALLOWED : Answer.DENIED);
                    } catch (KubernetesClientException | IllegalStateException e) {
                        return new Report(version, results, "the API server at " + client.getMasterUrl()
                                + " did not answer an access review (" + rule.describe() + " " + verb + " in "
                                + namespace + "): " + reason(e), timedOut);
                    }
                }
                rules.add(new RuleResult(rule, answers));
            }
            results.add(new NamespaceResult(namespace, rules));
        }
        return new Report(version, results, null, timedOut);
    }

    private boolean review(String namespace, ClusterPermissions.Rule rule, String verb) {
        SelfSubjectAccessReview review = new SelfSubjectAccessReviewBuilder()
                .withNewSpec()
                .withNewResourceAttributes()
                .withNamespace(namespace)
                .withGroup(rule.group())
                .withResource(rule.baseResource())
                .withSubresource(rule.subresource())
                .withVerb(verb)
                .endResourceAttributes()
                .endSpec()
                .build();
        SelfSubjectAccessReview answer = client.authorization().v1().selfSubjectAccessReview().create(review);
        return answer != null && answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
    }

    /** The server's or the connection's message; fabric8's never holds the token. */
    private static String reason(RuntimeException e) {
        if (e instanceof KubernetesClientException k && k.getCode() > 0) {
            String status = k.getStatus() != null && k.getStatus().getMessage() != null ? k.getStatus().getMessage()
                    : k.getMessage();
            return status + " (HTTP " + k.getCode() + ")";
        }
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        return e == t ? message : e.getMessage() + " (" + message + ")";
    }
}
