package io.jenkins.plugins.functions.jenkins.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.util.FormValidation;
import hudson.util.FormValidation.Kind;
import io.jenkins.plugins.functions.jenkins.artifacts.StoreAccess;
import io.jenkins.plugins.functions.jenkins.forms.TestFormContext;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.testing.S3TestServer;
import java.beans.Introspector;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.verb.POST;
import org.springframework.security.access.AccessDeniedException;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The artifact store's settings and form: each field refused on save with the field, the value
 * and what is allowed, and checked as typed with the same message; the credential drop-down; the
 * settings configuration-as-code reads back; Test the store against a real S3 server (S3Proxy),
 * a wrong key, a missing bucket, a store that is down, and a user who may not administer Jenkins.
 */
class ArtifactStoreConfigTest {

    private final TestFormContext jenkins = new TestFormContext().install();
    private final ArtifactStoreConfig.DescriptorImpl form = new ArtifactStoreConfig.DescriptorImpl();

    @AfterEach
    void uninstall() {
        jenkins.close();
    }

    /** The message a save gives for a value, to compare with the form's check. */
    private static String refusal(Runnable save) {
        try {
            save.run();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted");
    }

    private static ArtifactStoreConfig store() {
        return new ArtifactStoreConfig("http://minio.minio.svc:9000", "ml-artifacts");
    }

    @Test
    void eachFieldIsCheckedAsTypedWithTheMessageOfASave() {
        assertThat(form.doCheckEndpoint("minio:9000").getMessage())
                .isEqualTo(refusal(() -> new ArtifactStoreConfig("minio:9000", "ml-artifacts")))
                .isEqualTo("Artifact store: field 'endpoint': value 'minio:9000' must be the store's http:// or"
                        + " https:// URL, such as http://minio.minio.svc:9000 or https://s3.eu-west-1.amazonaws.com"
                        + " (without a user or key in it)");
        assertThat(form.doCheckEndpoint("http://jenkins:s3cr3t@minio:9000").getMessage()).contains("without a user");
        assertThat(form.doCheckEndpoint("http://minio.minio.svc:9000").kind).isEqualTo(Kind.OK);
        assertThat(form.doCheckBucket("ML_artifacts").getMessage())
                .isEqualTo(refusal(() -> new ArtifactStoreConfig("http://minio:9000", "ML_artifacts")))
                .contains("field 'bucket': value 'ML_artifacts' must be a bucket name");
        assertThat(form.doCheckBucket("ml-artifacts").kind).isEqualTo(Kind.OK);
        assertThat(form.doCheckRegion("eu west").getMessage())
                .isEqualTo(refusal(() -> store().setRegion("eu west")))
                .contains("field 'region': value 'eu west' must be a region name");
        assertThat(form.doCheckRegion("").kind).isEqualTo(Kind.OK);
        assertThat(form.doCheckRoot("team/../other").getMessage())
                .isEqualTo(refusal(() -> store().setRoot("team/../other"))).contains("no '..'");
        assertThat(form.doCheckRoot("teams/a").kind).isEqualTo(Kind.OK);
        assertThat(form.doCheckLinkValidityMinutes("0").getMessage())
                .isEqualTo(refusal(() -> store().setLinkValidityMinutes(0)))
                .isEqualTo("Artifact store: field 'linkValidityMinutes': value '0' must be a whole number of minutes"
                        + " from 1 to 10080 (7 days, the longest a Signature V4 link may live); leave it empty for 15");
        assertThat(form.doCheckLinkValidityMinutes("10081").kind).isEqualTo(Kind.ERROR);
        assertThat(form.doCheckLinkValidityMinutes("ten").getMessage()).contains("value 'ten' must be a whole number");
        assertThat(form.doCheckLinkValidityMinutes("60").kind).isEqualTo(Kind.OK);
        assertThat(form.doCheckRetention("forever").getMessage())
                .isEqualTo(refusal(() -> store().setRetention("forever")))
                .contains("field 'retention': value 'forever' must be delete");
        assertThat(form.doCheckRetention("keep").kind).isEqualTo(Kind.OK);
        assertThat(form.doCheckPublicEndpoint("minio.example.com").getMessage())
                .isEqualTo(refusal(() -> store().setPublicEndpoint("minio.example.com")))
                .contains("field 'publicEndpoint'");
        assertThat(form.doCheckPublicEndpoint("").kind).isEqualTo(Kind.OK);
        assertThat(form.doFillRetentionItems()).extracting(o -> o.value).containsExactly("delete", "keep");
    }

    @Test
    void theDefaultsAreDeleteFifteenMinutesAndTheEndpoint() {
        ArtifactStoreConfig c = store();
        assertThat(c.getRetention()).isEqualTo("delete");
        assertThat(c.getLinkValidityMinutes()).isEqualTo(15);
        StoreAccess access = c.toAccess();
        assertThat(access.retention()).isEqualTo(StoreAccess.Retention.DELETE);
        assertThat(access.linkValidity()).isEqualTo(Duration.ofMinutes(15));
        assertThat(access.downloadEndpoint()).isEqualTo("http://minio.minio.svc:9000");

        c.setRetention("KEEP");
        c.setLinkValidityMinutes(60);
        c.setPublicEndpoint("https://minio.example.com");
        c.setCredentialsId(" minio ");
        access = c.toAccess();
        assertThat(c.getRetention()).isEqualTo("keep");
        assertThat(access.retention()).isEqualTo(StoreAccess.Retention.KEEP);
        assertThat(access.linkValidity()).isEqualTo(Duration.ofHours(1));
        assertThat(access.downloadEndpoint()).isEqualTo("https://minio.example.com");
        assertThat(access.credentialsId()).isEqualTo("minio");
    }

    @Test
    void configurationAsCodeReadsBackEverySetting() throws Exception {
        Map<String, Object> samples = Map.of("region", "eu-west-1", "pathStyle", false, "root", "teams/a",
                "credentialsId", "minio", "publicEndpoint", "https://minio.example.com", "linkValidityMinutes", 30,
                "retention", "keep");
        Map<String, Method> setters = new TreeMap<>();
        for (Method m : ArtifactStoreConfig.class.getMethods()) {
            if (m.isAnnotationPresent(DataBoundSetter.class)) {
                setters.put(Introspector.decapitalize(m.getName().substring(3)), m);
            }
        }
        assertThat(setters.keySet()).isEqualTo(samples.keySet());
        ArtifactStoreConfig c = store();
        for (Map.Entry<String, Method> e : setters.entrySet()) {
            e.getValue().invoke(c, samples.get(e.getKey()));
            String cap = Character.toUpperCase(e.getKey().charAt(0)) + e.getKey().substring(1);
            Method getter = e.getValue().getParameterTypes()[0] == boolean.class
                    ? ArtifactStoreConfig.class.getMethod("is" + cap) : ArtifactStoreConfig.class.getMethod("get" + cap);
            assertThat(getter.invoke(c)).as(e.getKey()).isEqualTo(samples.get(e.getKey()));
        }
    }

    @Test
    void theCredentialIsAUsernameWithPasswordAndOnlyAdministratorsSeeThem() {
        jenkins.credential("minio", CredentialValue.Kind.USERNAME_PASSWORD, "username with password")
                .credential("token", CredentialValue.Kind.SECRET_TEXT, "secret text");

        assertThat(form.doFillCredentialsIdItems("minio")).extracting(o -> o.value).containsExactly("", "minio");
        assertThat(jenkins.lists()).singleElement().satisfies(r -> {
            assertThat(r.context()).as("Jenkins itself").isNull();
            assertThat(r.kinds()).isEqualTo(Set.of(CredentialValue.Kind.USERNAME_PASSWORD));
        });
        assertThat(form.doCheckCredentialsId("minio").kind).isEqualTo(Kind.OK);
        assertThat(form.doCheckCredentialsId("token").getMessage()).isEqualTo("field 'credentialsId': value 'token' is"
                + " not allowed: must be the ID of a username with password credential (the access key id and the"
                + " secret access key) that builds can use (scope Global), not secret text");
        assertThat(form.doCheckCredentialsId("gone").getMessage()).contains("none with this id is visible here");

        jenkins.administrator(false);
        assertThat(form.doFillCredentialsIdItems("minio")).extracting(o -> o.value).containsExactly("minio");
        assertThat(form.doCheckCredentialsId("token").kind).isEqualTo(Kind.OK);
    }

    @Test
    void testTheStoreListsOneKeyUnderTheRootWithTheFormsValues() throws Exception {
        try (S3TestServer s3 = S3TestServer.start("ml-artifacts")) {
            jenkins.credential("minio", CredentialValue.Kind.USERNAME_PASSWORD, "username with password")
                    .credentialValue(CredentialValue.usernamePassword("minio", S3TestServer.ACCESS_KEY,
                            S3TestServer.SECRET_KEY))
                    .credential("wrong", CredentialValue.Kind.USERNAME_PASSWORD, "username with password")
                    .credentialValue(CredentialValue.usernamePassword("wrong", S3TestServer.ACCESS_KEY, "nope"));

            FormValidation empty = form.doTestStore(s3.endpoint(), "ml-artifacts", null, true, "ci", "minio");
            assertThat(empty.kind).isEqualTo(Kind.OK);
            assertThat(empty.getMessage()).isEqualTo("The store answered: s3://ml-artifacts/ci/ can be listed; nothing"
                    + " is stored there yet");

            s3.client().putObject(r -> r.bucket("ml-artifacts").key("ci/app/1/k3x9q2m7ab/m.bin"),
                    RequestBody.fromString("x"));
            assertThat(form.doTestStore(s3.endpoint(), "ml-artifacts", "", true, "ci", "minio").getMessage())
                    .endsWith("the first key is ci/app/1/k3x9q2m7ab/m.bin");

            FormValidation wrongKey = form.doTestStore(s3.endpoint(), "ml-artifacts", null, true, "ci", "wrong");
            assertThat(wrongKey.kind).isEqualTo(Kind.ERROR);
            assertThat(wrongKey.getMessage()).startsWith("cannot list s3://ml-artifacts/ci/: the store refused the"
                    + " access key").doesNotContain("nope");

            assertThat(form.doTestStore(s3.endpoint(), "no-such-bucket", null, true, "", "minio").getMessage())
                    .startsWith("cannot list s3://no-such-bucket/: no such object or bucket");
        }
    }

    @Test
    void testTheStoreSaysWhatIsWrongBeforeAndWithoutReachingIt() throws Exception {
        jenkins.credential("minio", CredentialValue.Kind.USERNAME_PASSWORD, "username with password")
                .credentialValue(CredentialValue.usernamePassword("minio", "id", "s3cr3t"))
                .credential("token", CredentialValue.Kind.SECRET_TEXT, "secret text")
                .credentialValue(CredentialValue.secretText("token", "t0ken"));
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        long start = System.nanoTime();
        FormValidation down = form.doTestStore("http://127.0.0.1:" + closedPort, "ml-artifacts", null, true, null,
                "minio");
        assertThat(down.getMessage()).contains("the store at http://127.0.0.1:" + closedPort + " is not reachable")
                .doesNotContain("s3cr3t");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no retries").isLessThan(Duration.ofSeconds(20));

        assertThat(form.doTestStore("minio:9000", "ml-artifacts", null, true, null, "minio").getMessage())
                .startsWith("Artifact store: field 'endpoint'");
        assertThat(form.doTestStore("http://minio:9000", "ml-artifacts", null, true, "a/../b", "minio").getMessage())
                .startsWith("Artifact store: field 'root'");
        assertThat(form.doTestStore("http://minio:9000", "ml-artifacts", null, true, null, "").getMessage())
                .contains("field 'credentialsId': value 'null'");
        assertThat(form.doTestStore("http://minio:9000", "ml-artifacts", null, true, null, "gone").getMessage())
                .contains("value 'gone'").contains("none with this id is visible here");
        assertThat(form.doTestStore("http://minio:9000", "ml-artifacts", null, true, null, "token").getMessage())
                .endsWith("not a secret text").doesNotContain("t0ken");
    }

    @Test
    void testTheStoreIsForAdministratorsOnlyAndByPost() throws Exception {
        jenkins.administrator(false);
        assertThatThrownBy(() -> form.doTestStore("http://minio:9000", "ml-artifacts", null, true, null, "minio"))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(ArtifactStoreConfig.DescriptorImpl.class.getMethod("doTestStore", String.class, String.class,
                String.class, boolean.class, String.class, String.class).isAnnotationPresent(POST.class)).isTrue();
    }
}
