package io.jenkins.plugins.functions.jenkins.history;

import static io.jenkins.plugins.functions.jenkins.history.RecordedRuns.ended;
import static io.jenkins.plugins.functions.jenkins.history.RecordedRuns.on;
import static io.jenkins.plugins.functions.jenkins.history.RecordedRuns.serving;
import static io.jenkins.plugins.functions.jenkins.history.RecordedRuns.started;
import static org.assertj.core.api.Assertions.assertThat;

import com.thoughtworks.xstream.XStream;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run as the tables show it: status icon, runtime and action, duration, main outputs, links. */
class RunRowTest {

    private final FakeBuild build = new FakeBuild("team/app", 12);

    @Test
    void aCompletedJob() {
        RunRow row = RunRow.of(on(build, ended("r1", "hello", RunState.COMPLETED, 10_000, 18_200,
                "{\"greeting\":\"Hello, Jenkins!\",\"count\":3}")), 99_000);

        assertThat(row.getStatus()).isEqualTo(RunStatus.COMPLETED);
        assertThat(row.getStatus().getSymbol()).isEqualTo("symbol-status-blue");
        assertThat(row.getKind()).isEqualTo("container job");
        assertThat(row.getStateTitle()).isEqualTo("COMPLETED (Completed)");
        assertThat(row.getDurationMillis()).isEqualTo(8_200L);
        assertThat(row.getDurationText()).isEqualTo("8.2 s");
        assertThat(row.isInProgress()).isFalse();
        assertThat(row.getOutputs()).extracting(RunRow.Output::toString)
                .containsExactly("greeting=Hello, Jenkins!", "count=3");
        assertThat(row.getMoreOutputs()).isZero();
        assertThat(row.getMessage()).as("only failures show their message").isNull();
        assertThat(row.getUrl()).isEqualTo("job/team/job/app/12/function-run-r1/");
        assertThat(row.getBuildUrl()).isEqualTo("job/team/job/app/12/");
        assertThat(row.getBuildNumber()).isEqualTo(12);
        assertThat(row.getLogUrl()).isEqualTo("job/team/job/app/12/console");
        assertThat(row.getStartedAt()).isEqualTo("1970-01-01T00:00:10Z");
    }

    @Test
    void aFailedJobShowsItsMessageCut() {
        RunRecord r = started("r2", "job", "hello", "container", 0);
        r.finish(RunOutcome.error("CreateFailed", "the cluster refused Job team-a/hello: " + "x".repeat(500)), null);
        RunRow row = RunRow.of(on(build, r), 1_000);

        assertThat(row.getStatus()).isEqualTo(RunStatus.ERROR);
        assertThat(row.getStatus().getSymbol()).isEqualTo("symbol-status-red");
        assertThat(row.getMessage()).hasSize(RunRow.MAX_MESSAGE).startsWith("the cluster refused").endsWith("…");
        assertThat(row.getStateTitle()).isEqualTo("ERROR (CreateFailed)");
        assertThat(row.getOutputs()).isEmpty();
    }

    @Test
    void aRunStillGoingHasLastedUntilNowAndSpinsWhileItsBuildRuns() {
        RunRow row = RunRow.of(on(build, started("r3", "job", "hello", "container", 10_000)), 73_000);

        assertThat(row.getStatus()).isEqualTo(RunStatus.IN_PROGRESS);
        assertThat(row.getStatus().getSymbol()).isEqualTo("symbol-status-nobuilt-anime");
        assertThat(row.isInProgress()).isTrue();
        assertThat(row.getDurationMillis()).isEqualTo(63_000L);
        assertThat(row.getDurationText()).isEqualTo("1 min 3 s");
    }

    @Test
    void aRunItsEndedBuildStoppedFollowingDoesNotSpinForever() {
        FakeBuild ended = new FakeBuild("team/app", 13).finish();
        RunRow row = RunRow.of(on(ended, started("r4", "job", "hello", "container", 10_000)), 999_000);

        assertThat(row.getStatus()).isEqualTo(RunStatus.UNFINISHED);
        assertThat(row.getStatus().getSymbol()).isEqualTo("symbol-status-nobuilt");
        assertThat(row.getDurationMillis()).as("no end is known").isNull();
        assertThat(row.getDurationText()).isNull();
    }

    @Test
    void aServiceTookUntilItsRolloutWasAvailableAndItsUrlComesFirst() {
        RunRow row = RunRow.of(on(build, serving("r5", "web", 10_000, 55_000)), 9_999_000);

        assertThat(row.getStatus()).isEqualTo(RunStatus.SERVING);
        assertThat(row.isService()).isTrue();
        assertThat(row.getKind()).isEqualTo("container serve");
        assertThat(row.getDurationMillis()).as("until available, not until now").isEqualTo(45_000L);
        assertThat(row.getOutputs()).extracting(RunRow.Output::getKey).containsExactly("url", "deployment", "namespace");
        assertThat(row.getOutputs().get(0).getValue()).isEqualTo("http://web.team-a.svc:8080");
        assertThat(row.getMoreOutputs()).isEqualTo(2);
    }

    @Test
    void aStoppedServiceKeepsTheTimeItTookToStart() {
        FunctionRunAction run = on(build, serving("r6", "web", 10_000, 55_000));
        assertThat(BuildRuns.stop(build, "r6", "Stopped", "stopped by team/cleanup#9")).isTrue();
        RunRow row = RunRow.of(run, 9_999_000);

        assertThat(row.getStatus()).isEqualTo(RunStatus.STOPPED);
        assertThat(row.getStatus().getSymbol()).isEqualTo("symbol-status-aborted");
        assertThat(row.getDurationMillis()).isEqualTo(45_000L);
    }

    @Test
    void aRecordFromBeforeResultsKeptTheirTimeUsesItsLastTransition() {
        RunRecord old = ended("r7", "hello", RunState.COMPLETED, 10_000, 30_000, null);
        // build.xml written before finishedAt existed: XStream leaves the field null.
        XStream xstream = new XStream();
        xstream.allowTypesByWildcard(new String[] {"io.jenkins.plugins.functions.**"});
        String xml = xstream.toXML(old);
        assertThat(xml).contains("<finishedAt>30000</finishedAt>");
        RunRecord loaded = (RunRecord) xstream.fromXML(xml.replaceAll("\\s*<finishedAt>\\d+</finishedAt>", ""));
        assertThat(loaded.getFinishedAt()).isNull();

        assertThat(RunRow.of(on(build, loaded), 99_000).getDurationMillis()).isEqualTo(20_000L);
    }

    @Test
    void outputsAreBoundedInNumberAndLength() {
        String many = "{\"a\":\"" + "v".repeat(200) + "\",\"b\":[1,2,3],\"c\":{\"d\":true},\"e\":1,\"f\":null}";
        RunRow row = RunRow.of(on(build, ended("r8", "hello", RunState.COMPLETED, 0, 1_000, many)), 2_000);

        assertThat(row.getOutputs()).hasSize(RunRow.MAX_OUTPUTS);
        assertThat(row.getOutputs().get(0).getValue()).hasSize(RunRow.MAX_OUTPUT_VALUE).endsWith("…");
        assertThat(row.getOutputs()).extracting(RunRow.Output::toString).endsWith("b=[1,2,3]", "c={\"d\":true}");
        assertThat(row.getMoreOutputs()).isEqualTo(2);
    }

    @Test
    void anImageBuildShowsItsImageFirst() {
        RunRecord r = started("r9", "build", "greeter", "python", 0);
        r.finish(new RunOutcome(RunState.COMPLETED, 0, "Completed", null, Map.of(), null, Instant.ofEpochMilli(90_000)),
                "{\"digest\":\"sha256:abc\",\"log\":\"done\",\"image\":\"harbor.example.com/t/greeter@sha256:abc\"}");
        RunRow row = RunRow.of(on(build, r), 100_000);

        assertThat(row.getOutputs()).extracting(RunRow.Output::getKey).containsExactly("image", "digest", "log");
        assertThat(row.getDurationText()).isEqualTo("1 min 30 s");
    }

    @Test
    void durationsReadLikeJenkinsOwn() {
        assertThat(List.of(0L, 450L, 1_000L, 8_249L, 9_960L, 12_400L, 59_600L, 60_000L, 63_000L, 3_599_000L, 3_600_000L,
                7_500_000L).stream().map(RunRow::formatDuration).toList())
                .containsExactly("0 ms", "450 ms", "1.0 s", "8.2 s", "10.0 s", "12 s", "1 min", "1 min", "1 min 3 s",
                        "59 min 59 s", "1 h", "2 h 5 min");
    }
}
