package io.jenkins.plugins.functions.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudbees.plugins.credentials.CredentialsDescriptor;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import hudson.AbortException;
import hudson.util.Secret;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.jenkins.FakeStepContext;
import io.jenkins.plugins.functions.jenkins.config.ClusterCredentials;
import io.jenkins.plugins.functions.jenkins.config.NamespaceSettings;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.runtime.NamespacePolicy;
import io.jenkins.plugins.functions.runtime.PodSecurity;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the administrator decides, as the {@code runFunction} step applies it: the namespaces runs
 * may use, the cluster credential, the pods' security settings, the controller label and the
 * fail-fast thresholds. Each refusal names the field, the value and what is allowed, and comes
 * before a single request reaches the cluster.
 */
class RunFunctionStepPolicyTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CONTROLLER = "ctrl00000001";

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;
    private RuntimeRegistry runtimes;
    private Clusters.Resolver previous;

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        engine = new FunctionEngine(client, EngineOptions.defaults().withLogDrainTimeout(Duration.ofSeconds(5)));
        runtimes = RuntimeRegistry.fromServiceLoader(getClass().getClassLoader());
        previous = Clusters.setResolver(build -> target(List.of(), PodSecurity.Policy.defaults()));
        sim.requests().reset();
    }

    @AfterEach
    void stop() {
        Clusters.setResolver(previous);
        engine.close();
        client.close();
        sim.close();
    }

    private Clusters.Target target(List<String> allowed, PodSecurity.Policy podSecurity) throws AbortException {
        return new Clusters.Target(engine, "default", runtimes,
                NamespaceSettings.namespacePolicy("default", String.join(",", allowed)), podSecurity,
                CONTROLLER);
    }

    private void allow(List<String> namespaces, PodSecurity.Policy podSecurity) {
        Clusters.setResolver(build -> target(namespaces, podSecurity));
    }

    private static RunFunctionStep step(String image) {
        RunFunctionStep step = new RunFunctionStep();
        step.setName("hello");
        step.setRuntime("container");
        step.setImage(image);
        return step;
    }

    /** Runs the step to its end; returns the failure it ended with. */
    private static Throwable failureOf(RunFunctionStep step, FakeStepContext context) throws Exception {
        step.start(context).start();
        try {
            context.await(WAIT);
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("the step succeeded");
    }

    private void assertNothingSent() {
        assertThat(sim.requests().total()).as("requests sent: " + sim.requests().lines()).isZero();
    }

    // ---- namespaces ----------------------------------------------------------------------------

    @Test
    void aFoldersRuleReplacesTheGlobalListForItsJobs() throws Exception {
        String folders = "team-a: team-a-*\nteam-b: team-b-*";
        Clusters.setResolver(build -> new Clusters.Target(engine, "default", runtimes,
                NamespaceSettings.namespacePolicy("default", "ci", folders, Clusters.jobName(build)),
                PodSecurity.Policy.defaults(), CONTROLLER));
        FakeBuild build = new FakeBuild("team-a/app", 1);
        FakeStepContext context = new FakeStepContext(build, null);
        RunFunctionStep step = step("example.com/hello:1");
        step.setNamespace("team-b-prod");

        Throwable failure = failureOf(step, context);

        assertThat(failure).isInstanceOf(AbortException.class).hasMessage("runFunction: field 'namespace': value"
                + " 'team-b-prod' is not allowed: must be a namespace runs may use: default (the default namespace),"
                + " team-a-* (the namespaces of the jobs in folder 'team-a')");
        assertNothingSent();

        // the global list does not apply to the folder's jobs either
        FakeStepContext ci = new FakeStepContext(new FakeBuild("team-a/app", 2), null);
        RunFunctionStep toCi = step("example.com/hello:1");
        toCi.setNamespace("ci");
        assertThat(failureOf(toCi, ci)).hasMessageContaining("'ci' is not allowed");
        assertNothingSent();
    }

    @Test
    void aForbiddenNamespaceIsRefusedBeforeAnyRequest() throws Exception {
        allow(List.of("team-*", "ci"), PodSecurity.Policy.defaults());
        FakeBuild build = new FakeBuild("app", 1);
        FakeStepContext context = new FakeStepContext(build, null);
        RunFunctionStep step = step("example.com/hello:1");
        step.setNamespace("prod");

        Throwable failure = failureOf(step, context);

        assertThat(failure).isInstanceOf(AbortException.class).hasMessage("runFunction: field 'namespace': value"
                + " 'prod' is not allowed: must be a namespace runs may use: default (the default namespace),"
                + " team-*, ci");
        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        assertThat(run.getState()).isEqualTo("ERROR");
        assertThat(run.getReason()).isEqualTo("InvalidSpec");
        assertThat(run.getMessage()).contains("'namespace'").contains("'prod'");
        assertThat(run.getObjects()).isEmpty();
        assertThat(sim.requests().count("POST", "/**")).isZero();
        assertNothingSent();
    }

    @Test
    void withNoListOnlyTheDefaultNamespaceIsAllowed() throws Exception {
        FakeStepContext context = new FakeStepContext(new FakeBuild("app", 1), null);
        RunFunctionStep step = step("example.com/hello:1");
        step.setNamespace("team-a");

        assertThat(failureOf(step, context)).isInstanceOf(AbortException.class)
                .hasMessageContaining("field 'namespace': value 'team-a' is not allowed")
                .hasMessageContaining("default (the default namespace)")
                .hasMessageContaining("an administrator allows more namespaces");
        assertNothingSent();
    }

    @Test
    void aRefusedNamespaceWithFailOnErrorFalseIsReturned() throws Exception {
        FakeStepContext context = new FakeStepContext(new FakeBuild("app", 1), null);
        RunFunctionStep step = step("example.com/hello:1");
        step.setNamespace("kube-system");
        step.setFailOnError(false);
        step.start(context).start();

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.await(WAIT);
        assertThat(result).containsEntry("status", "ERROR").containsEntry("reason", "InvalidSpec")
                .containsEntry("succeeded", false);
        assertThat((String) result.get("message")).contains("'namespace'").contains("'kube-system'");
        assertNothingSent();
    }

    @Test
    void aNamespaceThatIsNoNameIsRefusedAsSuch() throws Exception {
        allow(List.of("*"), PodSecurity.Policy.defaults());
        RunFunctionStep step = step("example.com/hello:1");
        step.setNamespace("Team_A");
        assertThat(failureOf(step, new FakeStepContext(new FakeBuild("app", 1), null)))
                .hasMessageContaining("runFunction: field 'namespace': value 'Team_A' is not allowed: must be a DNS-1123 label");
        assertNothingSent();
    }

    @Test
    void anAllowedNamespaceRunsWithTheControllerLabelAndThePodSecurityPolicy() throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team-a").endMetadata().build())
                .create();
        allow(List.of("team-*"), new PodSecurity.Policy(true));
        sim.onImage("example.com/slow:1", PodBehavior.succeed().runFor(Duration.ofSeconds(2)));
        FakeStepContext context = new FakeStepContext(new FakeBuild("team/app", 4), null);
        RunFunctionStep step = step("example.com/slow:1");
        step.setNamespace("team-a");
        step.start(context).start();

        FunctionEngineAwait.eventually(
                () -> !client.batch().v1().jobs().inNamespace("team-a").list().getItems().isEmpty(), "a Job in team-a");
        Job job = client.batch().v1().jobs().inNamespace("team-a").list().getItems().get(0);
        assertThat(job.getMetadata().getLabels()).containsEntry(RunLabels.CONTROLLER, CONTROLLER)
                .containsEntry(RunLabels.JENKINS_BUILD, "4");
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getContainers().get(0).getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(pod.getContainers().get(0).getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.await(WAIT);
        assertThat(result).containsEntry("status", "COMPLETED").containsEntry("namespace", "team-a");
    }

    // ---- the cluster credential ----------------------------------------------------------------

    /** Resolves as the configuration does when the credential lookup found {@code found}. */
    private void credential(String id, StandardCredentials found, String serverUrl) {
        Clusters.setResolver(build -> {
            ClusterSettings settings = ClusterCredentials.settingsFor(id, found, serverUrl, null, false,
                    "default", build.getExternalizableId());
            throw new AssertionError("resolved to " + settings);
        });
    }

    @Test
    void anUnknownCredentialIdFailsBeforeAnyRequest() throws Exception {
        credential("functions-cluster-tokn", null, "https://kubernetes.example.com:6443");
        FakeBuild build = new FakeBuild("folder/app", 9);

        Throwable failure = failureOf(step("example.com/hello:1"), new FakeStepContext(build, null));

        assertThat(failure).isInstanceOf(AbortException.class).hasMessageStartingWith(
                "Function Runtimes (Manage Jenkins » System): field 'credentialsId': value 'functions-cluster-tokn'"
                        + " is not allowed: must be the ID of a secret text (a token) or secret file (a kubeconfig)"
                        + " credential visible to folder/app#9")
                .hasMessageContaining("scope Global, not System");
        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        assertThat(run.getState()).isEqualTo("ERROR");
        assertThat(run.getReason()).isEqualTo("StartFailed");
        assertThat(run.getMessage()).contains("'credentialsId'").contains("functions-cluster-tokn");
        assertNothingSent();
    }

    @Test
    void aCredentialOfAnotherKindIsRefused() throws Exception {
        credential("user-pass", new OtherCredential(), "https://kubernetes.example.com:6443");
        assertThat(failureOf(step("example.com/hello:1"), new FakeStepContext(new FakeBuild("app", 1), null)))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("field 'credentialsId': value 'user-pass' is not allowed")
                .hasMessageContaining("a secret text (a token) or a secret file (a kubeconfig); this credential is"
                        + " neither (OtherCredential)");
        assertNothingSent();
    }

    @Test
    void aTokenWithoutAServerUrlIsRefused() throws Exception {
        credential("token", new TokenCredential(), null);
        assertThat(failureOf(step("example.com/hello:1"), new FakeStepContext(new FakeBuild("app", 1), null)))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("field 'serverUrl' is missing: must be set when the credential 'token' is a"
                        + " secret text");
        assertNothingSent();
    }

    // ---- thresholds ----------------------------------------------------------------------------

    @Test
    void aThresholdEndsTheRunWithItsReasonInTheBuildLogAndTheRecord() throws Exception {
        engine.updateOptions(engine.options().withPendingTimeout(Duration.ofSeconds(1)));
        sim.onImage("example.com/stuck:1", PodBehavior.succeed().pendingFor(Duration.ofHours(1)));
        FakeBuild build = new FakeBuild("app", 2);
        FakeStepContext context = new FakeStepContext(build, null);

        Throwable failure = failureOf(step("example.com/stuck:1"), context);

        assertThat(failure).isInstanceOf(AbortException.class)
                .hasMessageContaining("runFunction: hello failed: PendingTooLong: the container of pod default/")
                .hasMessageContaining("did not start within 1s (pendingTimeout)");
        assertThat(context.log()).contains("hello: ERROR (PendingTooLong)")
                .contains("[function-runtimes] Failing Job default/hello-");
        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        assertThat(run.getReason()).isEqualTo("PendingTooLong");
        assertThat(run.getMessage()).contains("pendingTimeout");
        FunctionEngineAwait.eventually(() -> client.batch().v1().jobs().inNamespace("default").list().getItems()
                .isEmpty(), "the Job is deleted");
    }

    // ---- test doubles --------------------------------------------------------------------------

    /** A credential that is neither a secret text nor a secret file (a username and password, say). */
    private static final class OtherCredential implements StandardCredentials {
        @Override
        public String getDescription() {
            return "a username and password";
        }

        @Override
        public String getId() {
            return "user-pass";
        }

        @Override
        public CredentialsScope getScope() {
            return CredentialsScope.GLOBAL;
        }

        @Override
        public CredentialsDescriptor getDescriptor() {
            return null;
        }
    }

    private static final class TokenCredential implements StringCredentials {
        @Override
        public Secret getSecret() {
            throw new AssertionError("the token must not be read without a server URL");
        }

        @Override
        public String getDescription() {
            return "a token";
        }

        @Override
        public String getId() {
            return "token";
        }

        @Override
        public CredentialsScope getScope() {
            return CredentialsScope.GLOBAL;
        }

        @Override
        public CredentialsDescriptor getDescriptor() {
            return null;
        }
    }

    /** Polling for a condition, as the other step tests do. */
    private static final class FunctionEngineAwait {
        static void eventually(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out waiting until " + what);
                }
                Thread.sleep(20);
            }
        }
    }
}
