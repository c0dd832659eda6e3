package io.jenkins.plugins.functions.jenkins.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.util.FormValidation;
import hudson.util.FormValidation.Kind;
import io.jenkins.plugins.functions.jenkins.forms.TestFormContext;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.access.AccessDeniedException;

/**
 * The global configuration's form: its checks as typed, its credential drop-down, and Test
 * connection against the simulated API server (its SelfSubjectAccessReviews follow the
 * simulator's RBAC), an unreachable server, and a user who may not administer Jenkins.
 */
class GlobalConfigurationFormTest {

    private final TestFormContext jenkins = new TestFormContext().install();
    private final FunctionRuntimesConfiguration config = jenkins.configuration();

    @AfterEach
    void uninstall() {
        jenkins.close();
    }

    @Test
    void theFieldsAreCheckedAsTypedWithTheRulesOfASave() {
        assertThat(config.doCheckServerUrl("https://kubernetes.example.com:6443").kind).isEqualTo(Kind.OK);
        assertThat(config.doCheckServerUrl("kubernetes.example.com").getMessage())
                .startsWith("field 'serverUrl': value 'kubernetes.example.com' is not allowed: must be the URL");
        assertThat(config.doCheckServerUrl("https://admin:hunter2@k8s.example.com").getMessage())
                .contains("https://***@k8s.example.com").doesNotContain("hunter2");
        assertThat(config.doCheckNamespace("Functions").getMessage()).contains("DNS-1123 label");
        assertThat(config.doCheckAllowedNamespaces("ci, team-*").kind).isEqualTo(Kind.OK);
        assertThat(config.doCheckAllowedNamespaces("ci, Team_*").getMessage())
                .startsWith("field 'allowedNamespaces': value 'Team_*' is not allowed");
        assertThat(config.doCheckFolderNamespaces("team-a team-a-*").getMessage())
                .contains("field 'folderNamespaces'").contains("one folder a line");
        assertThat(config.doCheckServerCertificate("MIIC...").getMessage()).contains("field 'serverCertificate'")
                .contains("-----BEGIN CERTIFICATE-----");
        assertThat(config.doCheckBuilderImage("moby/buildkit:v0.27.0-rootless").kind).isEqualTo(Kind.OK);
        assertThat(config.doCheckBuilderImage("moby/buildkit:latest rootless").getMessage())
                .startsWith("field 'builderImage'");
        assertThat(config.doCheckImagePullGraceSeconds("-5").getMessage()).isEqualTo("Function Runtimes (Manage"
                + " Jenkins » System): field 'imagePullGraceSeconds': value '-5' is not allowed: must be 0 or more"
                + " (seconds); leave it empty for the default");
        assertThat(config.doCheckPendingTimeoutSeconds("ten").getMessage()).contains("whole number of seconds");
        assertThat(config.doCheckPendingTimeoutSeconds("0").kind).isEqualTo(Kind.OK);
    }

    @Test
    void theClusterCredentialIsASecretTextOrFileAndOnlyAdministratorsSeeThem() {
        jenkins.credential("token", CredentialValue.Kind.SECRET_TEXT, "secret text")
                .credential("kubeconfig", CredentialValue.Kind.SECRET_FILE, "secret file")
                .credential("robot", CredentialValue.Kind.USERNAME_PASSWORD, "username with password");

        assertThat(config.doFillCredentialsIdItems("token")).extracting(o -> o.value)
                .containsExactly("", "token", "kubeconfig");
        assertThat(jenkins.lists()).singleElement().satisfies(r -> {
            assertThat(r.context()).as("Jenkins itself").isNull();
            assertThat(r.kinds()).isEqualTo(Set.of(CredentialValue.Kind.SECRET_TEXT, CredentialValue.Kind.SECRET_FILE));
        });
        assertThat(config.doCheckCredentialsId("kubeconfig").kind).isEqualTo(Kind.OK);
        assertThat(config.doCheckCredentialsId("robot").getMessage()).isEqualTo("field 'credentialsId': value 'robot'"
                + " is not allowed: must be the ID of a secret text (a token) or secret file (a kubeconfig) credential"
                + " that builds can use (scope Global), not username with password");
        assertThat(config.doCheckCredentialsId("gone").getMessage()).contains("none with this id is visible here");

        jenkins.administrator(false);
        assertThat(config.doFillCredentialsIdItems("token")).extracting(o -> o.value).containsExactly("token");
        assertThat(config.doCheckCredentialsId("robot").kind).isEqualTo(Kind.OK);
        assertThat(config.doCheckCloudName("nowhere").kind).isEqualTo(Kind.OK);
    }

    @Test
    void theCloudMustBeAKubernetesCloud() {
        assertThat(config.doCheckCloudName("nowhere").getMessage()).contains("it must name a cloud");
    }

    @Test
    void testConnectionSaysWhatEveryNamespaceAllows() {
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            jenkins.clusterSettings(id -> ClusterSettings.server(sim.url(), "t0ken", null, false, null));
            sim.forbid("DELETE", "/apis/batch/v1/namespaces/team-a/jobs/*");
            sim.forbid("POST", "/api/v1/namespaces/functions/secrets");

            FormValidation v = config.doTestConnection(null, sim.url(), "token", null, false, "functions",
                    "team-a, team-*", "data: etl");

            assertThat(v.kind).as(v.getMessage()).isEqualTo(Kind.ERROR);
            assertThat(v.getMessage()).startsWith("Connected to " + sim.url())
                    .contains("<li><b>functions</b>: runs can start; missing for some features: secrets (core):"
                            + " create (for env values from credentials")
                    .contains("<li><b>team-a</b>: runs cannot start, missing: jobs (batch): delete</li>")
                    .contains("<li><b>etl</b>: every verb the plugin needs is allowed</li>")
                    .contains("Not checked: team-* (a pattern cannot be enumerated")
                    .doesNotContain("t0ken");
        }
    }

    @Test
    void testConnectionIsOkWhenEveryVerbIsAllowedEverywhere() {
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            jenkins.clusterSettings(id -> ClusterSettings.server(sim.url(), null, null, false, null));

            FormValidation v = config.doTestConnection("", sim.url(), "", "", false, "", "functions", "");

            assertThat(v.kind).as(v.getMessage()).isEqualTo(Kind.OK);
            assertThat(v.getMessage()).contains("<b>default</b>: every verb", "<b>functions</b>: every verb");
        }
    }

    @Test
    void testConnectionUsesTheFormsValuesNotTheSavedOnes() {
        config.setServerUrl("https://saved.example.com");
        config.setAllowedNamespaces("saved");
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            jenkins.clusterSettings(id -> ClusterSettings.server(sim.url(), null, null, false, null));

            FormValidation v = config.doTestConnection(null, sim.url(), null, null, false, "typed", "", null);

            assertThat(v.getMessage()).contains(sim.url()).contains("<b>typed</b>").doesNotContain("saved");
        }
    }

    @Test
    void aKubernetesCloudIsCheckedWithItsOwnClientWhichStaysOpen() {
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            jenkins.cloud("kubernetes", new KubernetesPluginCloud.Connection(sim.client(), "agents"));

            FormValidation v = config.doTestConnection("kubernetes", "https://ignored.example.com", "ignored", null,
                    false, null, null, null);

            assertThat(v.kind).as(v.getMessage()).isEqualTo(Kind.OK);
            assertThat(v.getMessage()).contains("<b>agents</b>: every verb").doesNotContain("ignored");
            assertThat(sim.client().namespaces().withName("default").get()).as("the cloud's client is not closed")
                    .isNotNull();
        }
    }

    @Test
    void anUnreachableServerIsAnErrorSaidQuickly() {
        jenkins.clusterSettings(id -> ClusterSettings.server("https://127.0.0.1:1", "t0ken", null, false, null));
        long start = System.nanoTime();

        FormValidation v = config.doTestConnection(null, "https://127.0.0.1:1", "token", null, false, "functions",
                null, null);

        assertThat(v.kind).isEqualTo(Kind.ERROR);
        assertThat(v.getMessage()).startsWith("cannot reach the API server at https://127.0.0.1:1").doesNotContain("t0ken");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ConnectionTest.TIME_LIMIT);
    }

    @Test
    void aWrongFieldIsSaidBeforeAnythingIsSent() {
        assertThat(config.doTestConnection(null, "kubernetes.example.com", null, null, false, null, null, null)
                .getMessage()).startsWith("Cannot connect: field 'serverUrl'");
        assertThat(config.doTestConnection(null, null, null, null, false, null, "Team_A", null).getMessage())
                .contains("field 'allowedNamespaces': value 'Team_A'");
        assertThat(config.doTestConnection(null, "https://k8s.example.com", "gone", null, false, null, null, null)
                .getMessage()).startsWith("Cannot connect: Function Runtimes").contains("'gone'");
    }

    @Test
    void testConnectionIsForAdministratorsOnly() {
        jenkins.administrator(false);

        assertThatThrownBy(() -> config.doTestConnection(null, "https://k8s.example.com", null, null, false, null,
                null, null)).isInstanceOf(AccessDeniedException.class);
        assertThat(FunctionRuntimesConfiguration.class.getMethods()).filteredOn(m -> m.getName()
                .equals("doTestConnection")).singleElement()
                .satisfies(m -> assertThat(m.isAnnotationPresent(org.kohsuke.stapler.verb.POST.class)).isTrue());
    }
}
