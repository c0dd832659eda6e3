package io.jenkins.plugins.functions.kubernetes;

import java.util.List;

/**
 * What the plugin's account must be allowed in a namespace runs go to, and for what: the one list
 * in code of the RBAC rules the plugin needs. The global configuration's "Test connection" checks
 * each verb with a SelfSubjectAccessReview ({@link AccessCheck}); {@code docs/configuration.md}
 * shows the same rules (its Role and its "Permissions in the cluster" sections), and a test keeps
 * the two equal.
 */
public final class ClusterPermissions {

    /** What every run needs, whatever its runtime and action. */
    public static final String EVERY_RUN = "every run";

    /**
     * One RBAC rule: the verbs the plugin uses on a resource.
     *
     * @param group    the API group, {@code ""} for the core group
     * @param resource the resource, with its subresource after a '/' ({@code pods/log})
     * @param verbs    the verbs, in the order the docs list them
     * @param neededBy what uses them: {@link #EVERY_RUN}, or the steps and runtimes that do
     */
    public record Rule(String group, String resource, List<String> verbs, String neededBy) {
        public Rule {
            verbs = List.copyOf(verbs);
        }

        /** Whether every run needs this rule (else only the features in {@link #neededBy()}). */
        public boolean required() {
            return EVERY_RUN.equals(neededBy);
        }

        /** The resource without its subresource: {@code pods} for {@code pods/log}. */
        public String baseResource() {
            int slash = resource.indexOf('/');
            return slash < 0 ? resource : resource.substring(0, slash);
        }

        /** The subresource, or null: {@code log} for {@code pods/log}. */
        public String subresource() {
            int slash = resource.indexOf('/');
            return slash < 0 ? null : resource.substring(slash + 1);
        }

        /** As the docs name it: {@code jobs (batch)}, {@code pods (core)}. */
        public String describe() {
            return resource + " (" + (group.isEmpty() ? "core" : group) + ")";
        }
    }

    /** Every rule, the ones every run needs first. */
    public static final List<Rule> RULES = List.of(
            new Rule("batch", "jobs", List.of("create", "get", "list", "watch", "delete"), EVERY_RUN),
            new Rule("", "pods", List.of("list", "watch"), EVERY_RUN),
            new Rule("", "pods/log", List.of("get"), EVERY_RUN),
            new Rule("", "configmaps", List.of("create", "get", "update", "delete", "list"),
                    "python functions and image builds"),
            new Rule("", "secrets", List.of("create", "get", "update", "delete", "list"),
                    "env values from credentials, a model's token, image builds with a registry credential"),
            new Rule("apps", "deployments", List.of("create", "get", "update", "list", "watch", "delete"),
                    "serveFunction, deployFunction and stopFunction"),
            new Rule("", "services", List.of("create", "get", "update", "delete"), "serveFunction"),
            new Rule("apps", "replicasets", List.of("list"), "served python functions (removing old code)"),
            new Rule("kubeai.org", "models", List.of("create", "get", "update", "list", "watch", "delete"),
                    "the kubeai runtime"));

    private ClusterPermissions() {
    }
}
