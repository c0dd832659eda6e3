package io.jenkins.plugins.functions.jenkins.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.jenkins.history.ArtifactView;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.model.ArtifactStore;
import io.jenkins.plugins.functions.model.StoreKeys;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.testing.S3TestServer;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The run page's and the REST API's download links against a real S3 server (S3Proxy, which checks
 * Signature V4 query signatures and their expiry): a link is signed for its object and its time,
 * a GET with it returns the bytes under the file's name, it stops working when it expired, and it
 * holds no secret; no store or a credential gone gives no link and says why; no link is ever stored.
 */
class DownloadLinksTest {

    private static final String BUCKET = "ml-artifacts";
    private static final String KEY = "ci/team-a/train/42/k3x9q2m7ab/model.joblib";
    private static final String URI_OF_MODEL = "s3://" + BUCKET + "/" + KEY;
    private static final StoreKeys KEYS = new StoreKeys(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY);

    private S3TestServer s3;
    private DownloadLinks.Source previous;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        s3 = S3TestServer.start(BUCKET);
        s3.client().putObject(r -> r.bucket(BUCKET).key(KEY), RequestBody.fromString("weights"));
        previous = DownloadLinks.setSource(null);
    }

    @AfterEach
    void stop() throws Exception {
        DownloadLinks.setSource(previous);
        s3.close();
    }

    private StoreAccess access(Duration validity) {
        return new StoreAccess(new ArtifactStore(s3.endpoint(), null, BUCKET, true, "ci"), "minio",
                StoreAccess.Retention.DELETE, null, validity);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> query(String url) {
        Map<String, String> q = new java.util.TreeMap<>();
        for (String p : URI.create(url).getRawQuery().split("&")) {
            String[] kv = p.split("=", 2);
            q.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return q;
    }

    @Test
    void aLinkIsSignedForItsObjectAndTimeAndAGetWithItReturnsTheBytes() throws Exception {
        String url;
        try (DownloadLinks links = DownloadLinks.signedBy(access(Duration.ofMinutes(15)), KEYS)) {
            DownloadLinks.Link link = links.linkFor(URI_OF_MODEL);
            assertThat(link.unavailable()).isNull();
            url = link.url();
            assertThat(links.validity()).isEqualTo(Duration.ofMinutes(15));
        }

        assertThat(url).startsWith(s3.endpoint() + "/" + BUCKET + "/" + KEY + "?")
                .doesNotContain(S3TestServer.SECRET_KEY).doesNotContain("test%2Fsecret");
        Map<String, String> q = query(url);
        assertThat(q).containsEntry("X-Amz-Algorithm", "AWS4-HMAC-SHA256").containsEntry("X-Amz-Expires", "900")
                .containsEntry("X-Amz-SignedHeaders", "host").containsKey("X-Amz-Signature")
                .containsEntry("response-content-disposition", "attachment; filename=\"model.joblib\"");
        assertThat(q.get("X-Amz-Credential")).startsWith(S3TestServer.ACCESS_KEY + "/").endsWith("/us-east-1/s3/aws4_request");

        HttpResponse<String> response = get(url);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("weights");
        assertThat(response.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"model.joblib\"");

        // the signature covers the object: the same query on another key is refused
        s3.client().putObject(r -> r.bucket(BUCKET).key("ci/other.txt"), RequestBody.fromString("other"));
        assertThat(get(url.replace(KEY, "ci/other.txt")).statusCode()).isEqualTo(403);
    }

    @Test
    void aLinkStopsWorkingWhenItExpired() throws Exception {
        String url;
        try (DownloadLinks links = DownloadLinks.signedBy(access(Duration.ofSeconds(1)), KEYS)) {
            url = links.linkFor(URI_OF_MODEL).url();
        }
        assertThat(query(url)).containsEntry("X-Amz-Expires", "1");
        Thread.sleep(2_100); // X-Amz-Date has whole seconds: past date + 1 s for sure

        HttpResponse<String> response = get(url);
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("AccessDenied").doesNotContain("weights");
    }

    @Test
    void aLinkIsForTheHostBrowsersReachWhenOneIsConfigured() {
        StoreAccess behindProxy = new StoreAccess(new ArtifactStore("http://minio.minio.svc:9000", null, BUCKET, true,
                "ci"), "minio", StoreAccess.Retention.DELETE, "https://minio.example.com", null);
        try (DownloadLinks links = DownloadLinks.signedBy(behindProxy, KEYS)) {
            assertThat(links.linkFor(URI_OF_MODEL).url()).startsWith("https://minio.example.com/" + BUCKET + "/" + KEY);
        }
        StoreAccess virtualHosted = new StoreAccess(new ArtifactStore("https://s3.eu-west-1.amazonaws.com",
                "eu-west-1", BUCKET, false, ""), "aws");
        try (DownloadLinks links = DownloadLinks.signedBy(virtualHosted, KEYS)) {
            assertThat(links.linkFor(URI_OF_MODEL).url())
                    .startsWith("https://" + BUCKET + ".s3.eu-west-1.amazonaws.com/" + KEY + "?")
                    .contains("%2Feu-west-1%2Fs3%2Faws4_request");
        }
    }

    @Test
    void anArtifactOfAnotherBucketOrNoStoreHasNoLinkAndSaysWhy() {
        try (DownloadLinks links = DownloadLinks.signedBy(access(null), KEYS)) {
            assertThat(links.linkFor("s3://old-bucket/x/model.joblib"))
                    .isEqualTo(new DownloadLinks.Link(null, "it is in bucket old-bucket, not in the configured store's"
                            + " (ml-artifacts)"));
        }
        try (DownloadLinks none = DownloadLinks.none(DownloadLinks.NO_STORE)) {
            assertThat(none.linkFor(URI_OF_MODEL).url()).isNull();
            assertThat(none.linkFor(URI_OF_MODEL).unavailable()).startsWith("no artifact store is configured");
            assertThat(none.validity()).isNull();
        }
    }

    @Test
    void theStoreOfTheRunsProfileSignsWithTheKeyItsCredentialGives() throws Exception {
        try (DownloadLinks noStore = DownloadLinks.forStore(null, id -> KEYS)) {
            assertThat(noStore.linkFor(URI_OF_MODEL).unavailable()).isEqualTo(DownloadLinks.NO_STORE);
        }
        StoreAccess withoutCredential = new StoreAccess(new ArtifactStore(s3.endpoint(), null, BUCKET, true, "ci"), null);
        try (DownloadLinks links = DownloadLinks.forStore(withoutCredential, id -> KEYS)) {
            assertThat(links.linkFor(URI_OF_MODEL).unavailable()).isEqualTo("the artifact store has no credential to"
                    + " sign the links with");
        }
        try (DownloadLinks gone = DownloadLinks.forStore(access(null), id -> null)) {
            assertThat(gone.linkFor(URI_OF_MODEL).unavailable()).isEqualTo(DownloadLinks.credentialGone("minio"));
        }
        List<String> asked = new java.util.ArrayList<>();
        try (DownloadLinks links = DownloadLinks.forStore(access(null), id -> {
            asked.add(id);
            return KEYS;
        })) {
            assertThat(get(links.linkFor(URI_OF_MODEL).url()).body()).isEqualTo("weights");
        }
        assertThat(asked).containsExactly("minio");
        // a key that is not the store's: a link is made, the store refuses it
        try (DownloadLinks wrong = DownloadLinks.forStore(access(null), id -> new StoreKeys(S3TestServer.ACCESS_KEY,
                "not-the-secret"))) {
            assertThat(get(wrong.linkFor(URI_OF_MODEL).url()).statusCode()).isEqualTo(403);
        }
    }

    /** A finished run that stored the model, on a build, its record in its file. */
    private static FunctionRunAction runWithModel(FakeBuild build) {
        RunRecord record = new RunRecord("k3x9q2m7ab", "job", "train", 1_000L);
        record.resolved("train", "0123456789abcdef", "container", "team-a", "{}", "{}", 2_000L);
        record.setArtifacts(List.of(new RunRecord.Artifact("model", URI_OF_MODEL, 7, "ab12", "application/octet-stream")));
        record.finish(new RunOutcome(RunState.COMPLETED, 0, "Completed", null, Map.of(), null,
                Instant.ofEpochMilli(3_000L)), "{}");
        FunctionRunAction action = new FunctionRunAction(record);
        build.addAction(action);
        action.recordChanged();
        action.released();
        return action;
    }

    @Test
    void theRunsPageAndApiSignALinkForEachViewAndNeverStoreIt() throws Exception {
        FakeBuild build = new FakeBuild("team-a/train", 42).finish();
        FunctionRunAction run = runWithModel(build);
        DownloadLinks.setSource((b, record) -> {
            assertThat(b).isSameAs(build);
            return DownloadLinks.signedBy(access(null), KEYS);
        });

        ArtifactView view = run.getArtifacts().get(0);
        assertThat(view.getDownloadUnavailable()).isNull();
        assertThat(get(view.getDownloadUrl()).body()).isEqualTo("weights");
        assertThat(run.linkMinutes(run.getArtifacts())).isEqualTo(15L);
        assertThat(run.downloadNotes(run.getArtifacts())).isEmpty();

        build.save();
        try (Stream<Path> files = Files.walk(build.getRootDir().toPath())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).as(f + " holds no link").doesNotContain("X-Amz-Signature")
                        .doesNotContain(S3TestServer.SECRET_KEY);
            }
        }
    }

    @Test
    void withoutAStoreOrWithItsCredentialGoneThePageSaysWhyThereIsNoLink() {
        FakeBuild build = new FakeBuild("team-a/train", 43).finish();
        FunctionRunAction run = runWithModel(build);

        DownloadLinks.setSource((b, record) -> DownloadLinks.none(DownloadLinks.NO_STORE));
        List<ArtifactView> views = run.getArtifacts();
        assertThat(views.get(0).getDownloadUrl()).isNull();
        assertThat(run.linkMinutes(views)).isNull();
        assertThat(run.downloadNotes(views)).containsExactly(DownloadLinks.NO_STORE);

        DownloadLinks.setSource((b, record) -> DownloadLinks.none(DownloadLinks.credentialGone("minio")));
        assertThat(run.downloadNotes(run.getArtifacts())).containsExactly("the artifact store's credential 'minio' is"
                + " not a username with password this build can use any more, so no link can be signed");

        DownloadLinks.setSource((b, record) -> {
            throw new IllegalStateException("broken configuration");
        });
        assertThat(run.getArtifacts().get(0).getDownloadUnavailable())
                .isEqualTo("the links could not be signed (IllegalStateException; see the Jenkins log)");
        assertThat(run.getArtifacts().get(0).getUri()).as("the artifact is still listed").isEqualTo(URI_OF_MODEL);
    }
}
