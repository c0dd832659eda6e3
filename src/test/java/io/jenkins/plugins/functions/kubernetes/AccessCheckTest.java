package io.jenkins.plugins.functions.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.kubernetes.AccessCheck.Answer;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The connection check against the simulated API server, whose SelfSubjectAccessReviews follow
 * its simulated RBAC ({@link ClusterSimulator#forbid}): every verb of every rule is asked about,
 * in every namespace given; a refused verb is reported, an unreachable server is a failure, and
 * the time limit leaves the rest unchecked.
 */
class AccessCheckTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    @Test
    void everyVerbOfEveryRuleIsAskedInEveryNamespace() {
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            AccessCheck.Report report = new AccessCheck(sim.client(), LIMIT).check(List.of("default", "functions"));

            assertThat(report.failure()).isNull();
            assertThat(report.version()).isNotNull();
            assertThat(report.namespaces()).extracting(AccessCheck.NamespaceResult::namespace)
                    .containsExactly("default", "functions");
            int verbs = ClusterPermissions.RULES.stream().mapToInt(r -> r.verbs().size()).sum();
            assertThat(sim.requests().count("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"))
                    .isEqualTo(2 * verbs);
            assertThat(report.runsCanStartEverywhere()).isTrue();
            assertThat(report.namespaces().get(0).rules()).allMatch(AccessCheck.RuleResult::allAllowed);
            assertThat(sim.requests().count("GET", "/api/v1/namespaces/**")).as("a review reads nothing").isZero();
        }
    }

    @Test
    void aForbiddenVerbIsReportedInItsNamespaceOnly() {
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            sim.forbid("DELETE", "/apis/batch/v1/namespaces/functions/jobs/*");
            sim.forbid("*", "/api/v1/namespaces/functions/secrets/**");
            sim.forbid("*", "/api/v1/namespaces/functions/secrets");

            AccessCheck.Report report = new AccessCheck(sim.client(), LIMIT).check(List.of("default", "functions"));

            AccessCheck.NamespaceResult functions = report.namespaces().get(1);
            assertThat(functions.runsCanStart()).isFalse();
            assertThat(rule(functions, "jobs").with(Answer.DENIED)).containsExactly("delete");
            assertThat(rule(functions, "jobs").with(Answer.ALLOWED)).containsExactly("create", "get", "list", "watch");
            assertThat(rule(functions, "secrets").with(Answer.DENIED))
                    .containsExactly("create", "get", "update", "delete", "list");
            assertThat(rule(functions, "pods/log").allAllowed()).isTrue();
            assertThat(report.namespaces().get(0).runsCanStart()).as("default is not affected").isTrue();
            assertThat(report.runsCanStartEverywhere()).isFalse();
        }
    }

    @Test
    void anUnreachableServerIsAFailureWithinTheTimeout() {
        ClusterSettings settings = ClusterSettings.server("https://127.0.0.1:1", "t0ken", null, false, null);
        long start = System.nanoTime();
        try (KubernetesClient client = KubernetesClients.createForCheck(settings, Duration.ofSeconds(2))) {
            AccessCheck.Report report = new AccessCheck(client, LIMIT).check(List.of("default"));

            assertThat(report.failure()).startsWith("cannot reach the API server at https://127.0.0.1:1")
                    .doesNotContain("t0ken");
            assertThat(report.namespaces()).isEmpty();
            assertThat(report.runsCanStartEverywhere()).isFalse();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no retries").isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void whatTheTimeLimitLeavesIsNotChecked() {
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            AccessCheck.Report report = new AccessCheck(sim.client(), Duration.ZERO).check(List.of("default"));

            assertThat(report.failure()).isNull();
            assertThat(report.timedOut()).isTrue();
            assertThat(report.namespaces().get(0).rules()).allMatch(r -> r.with(Answer.NOT_CHECKED).size()
                    == r.rule().verbs().size());
            assertThat(report.runsCanStartEverywhere()).isFalse();
        }
    }

    @Test
    void aRefusedReviewStopsTheCheckWithTheServersReason() {
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            sim.forbid("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews");

            AccessCheck.Report report = new AccessCheck(sim.client(), LIMIT).check(List.of("default"));

            assertThat(report.failure()).contains("did not answer an access review").contains("HTTP 403");
        }
    }

    private static AccessCheck.RuleResult rule(AccessCheck.NamespaceResult ns, String resource) {
        return ns.rules().stream().filter(r -> r.rule().resource().equals(resource)).findFirst().orElseThrow();
    }
}
