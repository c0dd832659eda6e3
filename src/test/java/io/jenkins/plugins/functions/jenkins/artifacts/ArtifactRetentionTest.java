package io.jenkins.plugins.functions.jenkins.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Run;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.jenkins.config.ArtifactStoreConfig;
import io.jenkins.plugins.functions.jenkins.config.FunctionRuntimesConfiguration;
import io.jenkins.plugins.functions.jenkins.config.ProfileConfig;
import io.jenkins.plugins.functions.jenkins.forms.TestFormContext;
import io.jenkins.plugins.functions.model.ArtifactStore;
import io.jenkins.plugins.functions.model.StoreKeys;
import io.jenkins.plugins.functions.testing.S3TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The retention pass against a real S3 server (S3Proxy) with fake builds: the artifacts of deleted
 * builds go, those of builds that exist or run stay, whatever a job's name looks like; keys that
 * are no run's, another store's, or a store kept by its configuration are left alone; a pass does
 * bounded work and the next goes on where it stopped; a store that is down or a key that is gone
 * is said, and nothing is deleted.
 */
class ArtifactRetentionTest {

    private static final String BUCKET = "ml-artifacts";
    private static final StoreKeys KEYS = new StoreKeys(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY);

    private S3TestServer s3;
    private final Map<String, Run<?, ?>> jenkins = new HashMap<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void start() throws Exception {
        s3 = S3TestServer.start(BUCKET);
        Logger.getLogger(ArtifactRetentionWork.class.getName()).addHandler(handler);
    }

    @AfterEach
    void stop() throws Exception {
        Logger.getLogger(ArtifactRetentionWork.class.getName()).removeHandler(handler);
        s3.close();
    }

    private StoreAccess store(String root, StoreAccess.Retention retention) {
        return new StoreAccess(new ArtifactStore(s3.endpoint(), null, BUCKET, true, root), "minio", retention, null,
                null);
    }

    private void put(String... keys) {
        for (String key : keys) {
            s3.client().putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromString("x"));
        }
    }

    private List<String> stored() {
        return s3.keys(BUCKET, "");
    }

    private Predicate<String> lookup() {
        return id -> {
            asked.add(id);
            return jenkins.get(id) != null;
        };
    }

    private void build(String job, int number, boolean running) {
        FakeBuild b = new FakeBuild(job, number);
        if (!running) {
            b.finish();
        }
        jenkins.put(b.getExternalizableId(), b);
    }

    private List<ArtifactRetention.Result> sweep(ArtifactRetention retention, List<ArtifactRetentionWork.Target> targets,
            ArtifactRetention.Limits limits, ByteArrayOutputStream taskLog) {
        return ArtifactRetentionWork.sweep(retention, targets, lookup(), limits,
                new PrintStream(taskLog, true, StandardCharsets.UTF_8));
    }

    @Test
    void theArtifactsOfDeletedBuildsGoThoseOfBuildsThatExistOrRunStay() {
        build("team-a/train", 41, false);
        build("team-a/train", 43, true);
        put("ci/team-a/train/41/k3x9q2m7ab/model.joblib",
                "ci/team-a/train/42/a1b2c3d4e5/model.joblib", "ci/team-a/train/42/a1b2c3d4e5/metrics/loss.csv",
                "ci/team-a/train/42/f6g7h8i9j0/report.html",
                "ci/team-a/train/43/z9y8x7w6v5/model.joblib",
                "ci/removed-job/7/q1w2e3r4t5/out.bin");
        ByteArrayOutputStream taskLog = new ByteArrayOutputStream();

        List<ArtifactRetention.Result> results = sweep(new ArtifactRetention(),
                List.of(new ArtifactRetentionWork.Target(store("ci", null), KEYS)), ArtifactRetention.Limits.defaults(),
                taskLog);

        assertThat(stored()).containsExactly("ci/team-a/train/41/k3x9q2m7ab/model.joblib",
                "ci/team-a/train/43/z9y8x7w6v5/model.joblib");
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.deleted()).as("in key order")
                    .containsExactly(Map.entry("ci/removed-job/7", 1), Map.entry("ci/team-a/train/42", 3));
            assertThat(r.kept()).isEqualTo(2);
            assertThat(r.listed()).isEqualTo(6);
            assertThat(r.complete()).isTrue();
        });
        assertThat(asked).as("one lookup per build").containsExactlyInAnyOrder("team-a/train#41", "team-a/train#42",
                "team-a/train#43", "removed-job#7");
        assertThat(logged).singleElement().satisfies(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.INFO);
            assertThat(r.getMessage()).isEqualTo("Function Runtimes artifact retention (s3://ml-artifacts/ci/: listed 6"
                    + " objects, deleted 4 objects of 2 deleted builds, kept 2 of existing builds, left 0 that are not runs'"
                    + " artifacts; reached the end of the root)");
        });
        assertThat(taskLog.toString(StandardCharsets.UTF_8))
                .contains("  deleted s3://ml-artifacts/ci/team-a/train/42/ (3 objects)")
                .contains("  deleted s3://ml-artifacts/ci/removed-job/7/ (1 object)");
    }

    @Test
    void aJobWhoseNameLooksLikeABuildIsAskedEveryWayAndKept() {
        // job "team/2024/nightly123" (a run id's shape), whose folder "team" is no job: "team#2024" does not exist
        build("team/2024/nightly123", 5, false);
        put("team/2024/nightly123/5/abcdefghij/model.bin");

        sweep(new ArtifactRetention(), List.of(new ArtifactRetentionWork.Target(store("", null), KEYS)),
                ArtifactRetention.Limits.defaults(), new ByteArrayOutputStream());

        assertThat(stored()).containsExactly("team/2024/nightly123/5/abcdefghij/model.bin");
        assertThat(asked).containsExactly("team#2024", "team/2024/nightly123#5");
    }

    @Test
    void keysThatAreNoRunsAndAnotherStoresRootAreLeftAlone() {
        put("ci/README.txt", "ci/team-a/train/notanumber/k3x9q2m7ab/m.bin", "ci/team-a/train/42/NOT-A-RUN/m.bin",
                "ci/team-a/train/42/k3x9q2m7ab", "other-root/app/1/k3x9q2m7ab/m.bin",
                "ci/teams/b/app/1/k3x9q2m7ab/m.bin");
        StoreAccess outer = store("ci", null);
        StoreAccess inner = store("ci/teams/b", StoreAccess.Retention.KEEP);

        List<ArtifactRetention.Result> results = sweep(new ArtifactRetention(), List.of(
                new ArtifactRetentionWork.Target(outer, KEYS), new ArtifactRetentionWork.Target(inner, KEYS)),
                ArtifactRetention.Limits.defaults(), new ByteArrayOutputStream());

        assertThat(stored()).hasSize(6);
        assertThat(asked).isEmpty();
        assertThat(results).as("the kept store is not swept").singleElement()
                .satisfies(r -> assertThat(r.notOfRuns()).isEqualTo(5));
    }

    @Test
    void aStoreInsideAnotherReadsKeysAsTheOuterStoresRunsWroteThem() {
        // a job of the global store (root ci) in folder "teams/b" writes where the profile's root is
        build("teams/b/app", 1, false);
        put("ci/teams/b/app/1/k3x9q2m7ab/m.bin", "ci/teams/b/web/2/k3x9q2m7ab/m.bin");
        StoreAccess outer = store("ci", null);
        StoreAccess inner = store("ci/teams/b", null);

        sweep(new ArtifactRetention(), List.of(new ArtifactRetentionWork.Target(outer, KEYS),
                new ArtifactRetentionWork.Target(inner, KEYS)), ArtifactRetention.Limits.defaults(),
                new ByteArrayOutputStream());

        assertThat(stored()).containsExactly("ci/teams/b/app/1/k3x9q2m7ab/m.bin");
        assertThat(asked).containsExactlyInAnyOrder("app#1", "teams/b/app#1", "web#2", "teams/b/web#2");
    }

    @Test
    void aPassDoesBoundedWorkAndTheNextGoesOnWhereItStopped() {
        for (int n = 1; n <= 12; n++) {
            put("ci/app/" + n + "/k3x9q2m7ab/a.bin", "ci/app/" + n + "/k3x9q2m7ab/b.bin");
        }
        build("app", 12, true);
        ArtifactRetention retention = new ArtifactRetention();
        List<ArtifactRetentionWork.Target> targets = List.of(new ArtifactRetentionWork.Target(store("ci", null), KEYS));
        ArtifactRetention.Limits limits = new ArtifactRetention.Limits(10, 5);

        ArtifactRetention.Result first = sweep(retention, targets, limits, new ByteArrayOutputStream()).get(0);
        assertThat(first.deletedObjects()).isEqualTo(5);
        assertThat(first.complete()).isFalse();
        assertThat(first.toString()).endsWith("goes on from there next pass");
        assertThat(stored()).hasSize(19);

        ArtifactRetention.Result second = sweep(retention, targets, limits, new ByteArrayOutputStream()).get(0);
        // from where the first stopped (key order: 1, 10, 11, 12, 2 ...): 11/b, then 12's two kept, 2 and 3
        assertThat(second.listed()).isEqualTo(7);
        assertThat(second.kept()).isEqualTo(2);
        assertThat(stored()).hasSize(14);

        for (int pass = 0; pass < 3; pass++) {
            sweep(retention, targets, limits, new ByteArrayOutputStream());
        }
        assertThat(stored()).containsExactly("ci/app/12/k3x9q2m7ab/a.bin", "ci/app/12/k3x9q2m7ab/b.bin");
    }

    @Test
    void aPassListsAtMostItsPages() {
        for (int i = 0; i < 2 * ArtifactRetention.PAGE_SIZE + 5; i++) {
            put(String.format("ci/app/1/k3x9q2m7ab/%05d.bin", i));
        }
        build("app", 1, false);
        ArtifactRetention retention = new ArtifactRetention();
        List<ArtifactRetentionWork.Target> targets = List.of(new ArtifactRetentionWork.Target(store("ci", null), KEYS));

        ArtifactRetention.Result first = sweep(retention, targets, new ArtifactRetention.Limits(1, 1000),
                new ByteArrayOutputStream()).get(0);
        assertThat(first.listed()).isEqualTo(ArtifactRetention.PAGE_SIZE);
        assertThat(first.complete()).isFalse();
        ArtifactRetention.Result rest = sweep(retention, targets, new ArtifactRetention.Limits(5, 1000),
                new ByteArrayOutputStream()).get(0);
        assertThat(rest.listed()).isEqualTo(ArtifactRetention.PAGE_SIZE + 5);
        assertThat(rest.complete()).isTrue();
        assertThat(asked).as("once per pass").containsExactly("app#1", "app#1");
    }

    @Test
    void aLookupThatFailsKeepsTheObjectsAndIsAWarning() {
        put("ci/app/3/k3x9q2m7ab/a.bin");
        List<ArtifactRetention.Result> results = ArtifactRetentionWork.sweep(new ArtifactRetention(),
                List.of(new ArtifactRetentionWork.Target(store("ci", null), KEYS)), id -> {
                    throw new IllegalArgumentException("malformed id " + id);
                }, ArtifactRetention.Limits.defaults(), null);

        assertThat(stored()).hasSize(1);
        assertThat(results.get(0).kept()).isEqualTo(1);
        assertThat(logged).singleElement().satisfies(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.WARNING);
            assertThat(r.getMessage()).contains("1 error(s): cannot tell whether app#3 exists, its objects are kept");
        });
    }

    @Test
    void aWrongKeyAStoreThatIsDownOrACredentialGoneIsSaidAndNothingIsDeleted() throws Exception {
        put("ci/app/3/k3x9q2m7ab/a.bin");
        ByteArrayOutputStream taskLog = new ByteArrayOutputStream();

        List<ArtifactRetention.Result> wrongKey = sweep(new ArtifactRetention(), List.of(
                new ArtifactRetentionWork.Target(store("ci", null), new StoreKeys(S3TestServer.ACCESS_KEY,
                        "not-the-secret"))), ArtifactRetention.Limits.defaults(), taskLog);
        assertThat(wrongKey.get(0).errors()).singleElement().asString()
                .startsWith("cannot list s3://ml-artifacts/ci/: the store refused the access key");

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        StoreAccess down = new StoreAccess(new ArtifactStore("http://127.0.0.1:" + closedPort, null, BUCKET, true,
                "ci"), "minio");
        List<ArtifactRetention.Result> unreachable = sweep(new ArtifactRetention(),
                List.of(new ArtifactRetentionWork.Target(down, KEYS)), ArtifactRetention.Limits.defaults(), taskLog);
        assertThat(unreachable.get(0).errors()).singleElement().asString()
                .contains("the store at http://127.0.0.1:" + closedPort + " is not reachable");

        List<ArtifactRetention.Result> noKey = sweep(new ArtifactRetention(),
                List.of(new ArtifactRetentionWork.Target(store("ci", null), null)), ArtifactRetention.Limits.defaults(),
                taskLog);
        assertThat(noKey).isEmpty();

        assertThat(stored()).hasSize(1);
        assertThat(asked).isEmpty();
        assertThat(logged).extracting(LogRecord::getLevel).containsExactly(Level.WARNING, Level.WARNING, Level.WARNING);
        assertThat(taskLog.toString(StandardCharsets.UTF_8)).contains("skipped, the store's credential 'minio' is not a"
                + " username with password Jenkins can find").doesNotContain("not-the-secret")
                .doesNotContain(S3TestServer.SECRET_KEY);
    }

    @Test
    void everyWayOfReadingAKeyAsARunsArtifact() {
        assertThat(ArtifactRetention.readings("ci/", "team-a/train/42/k3x9q2m7ab/model.joblib"))
                .containsExactly(new ArtifactRetention.BuildKey("team-a/train", 42, "ci/team-a/train/42"));
        assertThat(ArtifactRetention.readings("", "a/1/bbbbbbbbbb/c/2/dddddddddd/f")).extracting(
                ArtifactRetention.BuildKey::id).containsExactly("a#1", "a/1/bbbbbbbbbb/c#2");
        assertThat(ArtifactRetention.readings("", "app/1/k3x9q2m7ab")).as("no file").isEmpty();
        assertThat(ArtifactRetention.readings("", "app/1/k3x9q2m7ab/")).as("a folder marker").isEmpty();
        assertThat(ArtifactRetention.readings("", "1/k3x9q2m7ab/f")).as("no job").isEmpty();
        assertThat(ArtifactRetention.readings("", "app/01/k3x9q2m7ab/f")).as("not a build number").isEmpty();
        assertThat(ArtifactRetention.readings("", "/app/1/k3x9q2m7ab/f")).isEmpty();
    }

    @Test
    void theStoresAreTheGlobalOneAndTheProfilesEachOnceKeepWinning() {
        try (TestFormContext context = new TestFormContext()) {
            FunctionRuntimesConfiguration config = context.configuration();
            ArtifactStoreConfig global = new ArtifactStoreConfig("http://minio:9000", BUCKET);
            global.setRoot("ci");
            global.setCredentialsId("minio");
            ArtifactStoreConfig sameKept = new ArtifactStoreConfig("http://minio:9000", BUCKET);
            sameKept.setRoot("ci/");
            sameKept.setRetention("keep");
            ArtifactStoreConfig teamB = new ArtifactStoreConfig("http://minio:9000", BUCKET);
            teamB.setRoot("teams/b");
            config.setArtifactStore(global);
            ProfileConfig a = new ProfileConfig("a");
            a.setArtifactStore(sameKept);
            ProfileConfig b = new ProfileConfig("b");
            b.setArtifactStore(teamB);
            config.setProfiles(List.of(a, b));

            List<StoreAccess> stores = ArtifactRetentionWork.stores(config);
            assertThat(stores).extracting(s -> s.store().root()).containsExactly("ci", "teams/b");
            assertThat(stores).extracting(StoreAccess::retention)
                    .containsExactly(StoreAccess.Retention.KEEP, StoreAccess.Retention.DELETE);
        }
    }

    @Test
    void runsEveryHourTheFirstTimeAnHourAfterJenkinsStarted() {
        assertThat(new ArtifactRetentionWork().getRecurrencePeriod()).isEqualTo(3_600_000L);
        assertThat(new ArtifactRetentionWork().getInitialDelay()).isEqualTo(3_600_000L);
    }
}
