package io.jenkins.plugins.functions.jenkins.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Where a run is persisted: build.xml (XStream, through the build double's save, as Jenkins
 * writes it) keeps the run's summary, the run's own file beside the build keeps the whole record;
 * a build loaded again shows the same. Builds of earlier versions, whose build.xml holds the
 * whole record, still load and show the same.
 */
class FunctionRunActionPersistenceTest {

    private static RunRecord finishedRecord() {
        RunRecord record = new RunRecord("abc123def4", "job", "hello", 1_000L);
        record.resolved("hello", "0123456789abcdef", "container", "team-a",
                "{\"image\":\"busybox:1.36\",\"name\":\"hello\",\"runtime\":\"container\"}", "{\"who\":\"world\"}", 2_000L);
        record.addObject("Job", "team-a", "hello-abc123def4");
        record.launching("Job", "team-a", "hello-abc123def4", null, List.of());
        record.transition(RunState.READY, 3_000L, null);
        record.transition(RunState.PENDING, 3_500L, null);
        record.transition(RunState.RUNNING, 4_000L, null);
        record.finish(new RunOutcome(RunState.COMPLETED, 0, "Completed", "the function completed",
                Map.of("answer", 42), Instant.ofEpochMilli(4_000L), Instant.ofEpochMilli(5_000L)), "{\"answer\":42}");
        return record;
    }

    /** A run recorded the way BuildRun records one: attached, its start noted, its file written. */
    private static FakeBuild buildWithOneRun() throws Exception {
        FakeBuild build = new FakeBuild("folder/app", 7);
        FunctionRunAction action = new FunctionRunAction(finishedRecord());
        build.addAction(action);
        action.recordStart(BuildTrigger.of(List.of(), Map.of("GIT_COMMIT", "abc1234def",
                "gitlabSourceBranch", "feature/x", "gitlabMergeRequestIid", "7")), 4_096L);
        assertThat(action.recordChanged()).isPositive();
        action.released();
        build.save();
        return build;
    }

    @Test
    void buildXmlKeepsTheSummaryTheRunsFileTheRecord() throws Exception {
        FakeBuild build = buildWithOneRun();
        Path dir = build.getRootDir().toPath();
        String xml = Files.readString(dir.resolve("build.xml"), StandardCharsets.UTF_8);

        assertThat(xml).contains("<summary>").contains("<runId>abc123def4</runId>").contains("<state>COMPLETED</state>")
                .doesNotContain("<record>").doesNotContain("transitions").doesNotContain("busybox")
                .doesNotContain("io.fabric8").doesNotContain("owner");
        assertThat(Files.readString(dir.resolve("function-runs/abc123def4.json"))).contains("busybox")
                .contains("\"transitions\"").contains("abc1234def");
    }

    @Test
    void aLoadedBuildShowsTheSame() throws Exception {
        FakeBuild build = buildWithOneRun();

        FunctionRunAction back = FunctionRunAction.of(FakeBuild.load("folder/app", 7, build.getRootDir())).get(0);

        assertThat(back.getOwner()).isNotNull();
        assertThat(back.getRunId()).isEqualTo("abc123def4");
        assertThat(back.getFunction()).isEqualTo("hello");
        assertThat(back.getVersion()).isEqualTo("0123456789abcdef");
        assertThat(back.getRuntime()).isEqualTo("container");
        assertThat(back.getAction()).isEqualTo("job");
        assertThat(back.getNamespace()).isEqualTo("team-a");
        assertThat(back.getState()).isEqualTo("COMPLETED");
        assertThat(back.getExitCode()).isZero();
        assertThat(back.getReason()).isEqualTo("Completed");
        assertThat(back.getMessage()).isEqualTo("the function completed");
        assertThat(back.getOutputs()).containsEntry("answer", 42);
        assertThat(back.getParameters()).containsEntry("who", "world");
        assertThat(back.getSpec()).contains("busybox");
        assertThat(back.getObjects()).containsExactly("Job team-a/hello-abc123def4");
        assertThat(back.getTransitions()).extracting(StateTransition::getState)
                .containsExactly("CREATED", "BUILT", "READY", "PENDING", "RUNNING", "COMPLETED");
        assertThat(back.getTransitions()).extracting(StateTransition::getTime)
                .containsExactly(1_000L, 2_000L, 3_000L, 3_500L, 4_000L, 5_000L);
        assertThat(back.getTrigger().getCommit()).isEqualTo("abc1234def");
        assertThat(back.getTrigger().getBranch()).isEqualTo("feature/x");
        assertThat(back.getTrigger().getMergeRequest()).isEqualTo("7");
        assertThat(back.getLogOffset()).isEqualTo(4_096L);
        assertThat(back.getUrlName()).isEqualTo("function-run-abc123def4");
    }

    @Test
    void withoutItsFileARunShowsItsSummary() throws Exception {
        FakeBuild build = buildWithOneRun();
        Files.delete(build.getRootDir().toPath().resolve("function-runs/abc123def4.json"));

        FunctionRunAction back = FunctionRunAction.of(FakeBuild.load("folder/app", 7, build.getRootDir())).get(0);

        assertThat(back.getState()).isEqualTo("COMPLETED");
        assertThat(back.getVersion()).isEqualTo("0123456789abcdef");
        assertThat(back.getTransitions()).extracting(StateTransition::getState)
                .contains("CREATED", "COMPLETED");
        assertThat(back.getOutputs()).isEmpty();
        assertThat(back.getTrigger()).isNull();
    }

    @Test
    void aBuildOfAnEarlierVersionWithTheWholeRecordInBuildXmlLoadsAndShowsTheSame() throws Exception {
        // build.xml as version 0.1.0 of the plugin wrote it (captured from that code)
        String legacyAction;
        try (InputStream in = getClass().getResourceAsStream("legacy-function-run-action.xml")) {
            legacyAction = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path dir = Files.createTempDirectory(Path.of("target"), "legacy-build");
        Files.writeString(dir.resolve("build.xml"), "<build>\n  <number>3</number>\n  <actions>\n" + legacyAction
                + "\n  </actions>\n</build>\n");

        FakeBuild loaded = FakeBuild.load("folder/app", 3, dir.toFile());
        FunctionRunAction back = FunctionRunAction.of(loaded).get(0);

        assertThat(back.getSummary()).isNull();
        assertThat(back.getRunId()).isEqualTo("abc123def4");
        assertThat(back.getFunction()).isEqualTo("hello");
        assertThat(back.getVersion()).isEqualTo("0123456789abcdef");
        assertThat(back.getState()).isEqualTo("COMPLETED");
        assertThat(back.getExitCode()).isZero();
        assertThat(back.getMessage()).isEqualTo("the function completed");
        assertThat(back.getOutputs()).containsEntry("answer", 42);
        assertThat(back.getParameters()).containsEntry("who", "world");
        assertThat(back.getObjects()).containsExactly("Job team-a/hello-abc123def4");
        assertThat(back.getTransitions()).extracting(StateTransition::getState)
                .containsExactly("CREATED", "BUILT", "READY", "PENDING", "RUNNING", "COMPLETED");
        assertThat(back.getTrigger().getCommit()).isEqualTo("abc1234def");
        assertThat(back.getLogOffset()).isEqualTo(4_096L);
        assertThat(back.getServiceUrl()).isNull();

        // saved again by this version: still whole, still loads
        loaded.save();
        FunctionRunAction again = FunctionRunAction.of(FakeBuild.load("folder/app", 3, dir.toFile())).get(0);
        assertThat(again.getTransitions()).hasSize(6);
        assertThat(again.getOutputs()).containsEntry("answer", 42);
    }

    @Test
    void aRunMissingFromBuildXmlIsAddedBackFromItsFile() throws Exception {
        FakeBuild build = buildWithOneRun();
        // a second run started, its file written, but the controller died before build.xml was saved
        RunRecord second = new RunRecord("zzz999yyy8", "job", "other", 6_000L);
        second.resolved("other", "fedcba9876543210", "container", "team-a", "{}", "{}", 6_100L);
        new RunFiles(build.getRootDir().toPath()).writeRecord(new StoredRun(second, null));

        FakeBuild loaded = FakeBuild.load("folder/app", 7, build.getRootDir());

        assertThat(FunctionRunAction.of(loaded)).extracting(FunctionRunAction::getRunId)
                .containsExactly("abc123def4", "zzz999yyy8");
        FunctionRunAction recovered = FunctionRunAction.of(loaded).get(1);
        assertThat(recovered.getFunction()).isEqualTo("other");
        assertThat(recovered.getState()).isEqualTo("BUILT");
        assertThat(recovered.getOwner()).isSameAs(loaded);
    }

    @Test
    void aSummarySavedWhileTheRunWentIsBroughtUpToDateFromTheFile() throws Exception {
        FakeBuild build = new FakeBuild("folder/app", 8);
        RunRecord record = new RunRecord("run0000001", "job", "hello", 1_000L);
        FunctionRunAction action = new FunctionRunAction(record);
        build.addAction(action);
        build.save(); // saved when the run was recorded: CREATED
        record.resolved("hello", "0123456789abcdef", "container", "team-a", "{}", "{}", 2_000L);
        record.transition(RunState.RUNNING, 3_000L, null);
        action.recordChanged(); // the file follows the run; build.xml is not saved again

        FunctionRunAction back = FunctionRunAction.of(FakeBuild.load("folder/app", 8, build.getRootDir())).get(0);

        assertThat(back.getState()).isEqualTo("RUNNING");
        assertThat(back.getVersion()).isEqualTo("0123456789abcdef");
    }

    @Test
    void recordMovesOnlyForward() {
        RunRecord record = finishedRecord();
        assertThat(record.transition(RunState.RUNNING, 9_000L, null)).isFalse();
        assertThat(record.transition(RunState.ERROR, 9_000L, null)).as("nothing follows a terminal state").isFalse();
        assertThat(record.getState()).isEqualTo(RunState.COMPLETED);
    }
}
