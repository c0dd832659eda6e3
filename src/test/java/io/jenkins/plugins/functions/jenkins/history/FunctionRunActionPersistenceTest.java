package io.jenkins.plugins.functions.jenkins.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.thoughtworks.xstream.XStream;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A run action goes into build.xml through XStream (Jenkins uses XStream 1.4 with its own
 * converters): it must come back whole, name no fabric8 type, and keep no secret.
 */
class FunctionRunActionPersistenceTest {

    private static XStream xstream() {
        XStream x = new XStream();
        x.allowTypesByWildcard(new String[] {"io.jenkins.plugins.functions.**"});
        return x;
    }

    private static RunRecord finishedRecord() {
        RunRecord record = new RunRecord("abc123def4", "job", "hello", 1_000L);
        record.resolved("hello", "0123456789abcdef", "container", "team-a",
                "{\"image\":\"busybox:1.36\",\"name\":\"hello\",\"runtime\":\"container\"}", "{\"who\":\"world\"}", 2_000L);
        record.addObject("Job", "team-a", "hello-abc123def4");
        record.transition(RunState.READY, 3_000L, null);
        record.transition(RunState.PENDING, 3_500L, null);
        record.transition(RunState.RUNNING, 4_000L, null);
        record.finish(new RunOutcome(RunState.COMPLETED, 0, "Completed", "the function completed",
                Map.of("answer", 42), Instant.ofEpochMilli(4_000L), Instant.ofEpochMilli(5_000L)), "{\"answer\":42}");
        return record;
    }

    @Test
    void roundTripKeepsEverything() {
        FunctionRunAction action = new FunctionRunAction(finishedRecord());
        action.onAttached(new FakeBuild("folder/app", 7));

        String xml = xstream().toXML(action);
        FunctionRunAction back = (FunctionRunAction) xstream().fromXML(xml);

        assertThat(xml).doesNotContain("io.fabric8").doesNotContain("owner");
        assertThat(back.getOwner()).as("the build is transient, re-attached by onLoad").isNull();
        assertThat(back.getRunId()).isEqualTo("abc123def4");
        assertThat(back.getFunction()).isEqualTo("hello");
        assertThat(back.getVersion()).isEqualTo("0123456789abcdef");
        assertThat(back.getRuntime()).isEqualTo("container");
        assertThat(back.getAction()).isEqualTo("job");
        assertThat(back.getNamespace()).isEqualTo("team-a");
        assertThat(back.getState()).isEqualTo("COMPLETED");
        assertThat(back.getExitCode()).isZero();
        assertThat(back.getReason()).isEqualTo("Completed");
        assertThat(back.getOutputs()).containsEntry("answer", 42);
        assertThat(back.getParameters()).containsEntry("who", "world");
        assertThat(back.getObjects()).containsExactly("Job team-a/hello-abc123def4");
        assertThat(back.getTransitions()).extracting(FunctionRunAction.StateTransition::getState)
                .containsExactly("CREATED", "BUILT", "READY", "PENDING", "RUNNING", "COMPLETED");
        assertThat(back.getTransitions()).extracting(FunctionRunAction.StateTransition::getTime)
                .containsExactly(1_000L, 2_000L, 3_000L, 3_500L, 4_000L, 5_000L);
        assertThat(back.getUrlName()).isEqualTo("function-run-abc123def4");
    }

    @Test
    void theTriggerAndTheLogOffsetAreKeptAndOldRecordsLoadWithout() {
        FunctionRunAction action = new FunctionRunAction(finishedRecord());
        action.recordStart(BuildTrigger.of(java.util.List.of(), Map.of("GIT_COMMIT", "abc1234def",
                "gitlabSourceBranch", "feature/x", "gitlabMergeRequestIid", "7")), 4_096L);

        FunctionRunAction back = (FunctionRunAction) xstream().fromXML(xstream().toXML(action));

        assertThat(back.getTrigger().getCommit()).isEqualTo("abc1234def");
        assertThat(back.getTrigger().getBranch()).isEqualTo("feature/x");
        assertThat(back.getTrigger().getMergeRequest()).isEqualTo("7");
        assertThat(back.getLogOffset()).isEqualTo(4_096L);

        // A record saved before this version has neither.
        String old = xstream().toXML(new FunctionRunAction(finishedRecord()))
                .replaceAll("(?s)<trigger.*?</trigger>", "").replaceAll("<logOffset>.*?</logOffset>", "");
        FunctionRunAction legacy = (FunctionRunAction) xstream().fromXML(old);
        assertThat(legacy.getTrigger()).isNull();
        assertThat(legacy.getLogOffset()).isNull();
        assertThat(legacy.getLogUrl()).as("no build attached").isNull();
    }

    @Test
    void recordMovesOnlyForward() {
        RunRecord record = finishedRecord();
        assertThat(record.transition(RunState.RUNNING, 9_000L, null)).isFalse();
        assertThat(record.transition(RunState.ERROR, 9_000L, null)).as("nothing follows a terminal state").isFalse();
        assertThat(record.getState()).isEqualTo(RunState.COMPLETED);
    }
}
