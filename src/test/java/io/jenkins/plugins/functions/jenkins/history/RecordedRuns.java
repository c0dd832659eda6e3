package io.jenkins.plugins.functions.jenkins.history;

import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import java.time.Instant;
import java.util.Map;

/** Runs as steps record them on a build, for the tests of the pages. */
final class RecordedRuns {

    private RecordedRuns() {
    }

    /** A run created at {@code created} (ms), resolved a second later, still going. */
    static RunRecord started(String runId, String action, String function, String runtime, long created) {
        RunRecord r = new RunRecord(runId, action, function, created);
        r.resolved(function, "0123456789abcdef", runtime, "team-a", "{}", "{}", created + 1_000);
        return r;
    }

    /** A job that ended in {@code end} at {@code finished}, with outputs as JSON. */
    static RunRecord ended(String runId, String function, RunState end, long created, long finished, String outputs) {
        RunRecord r = started(runId, "job", function, "container", created);
        r.transition(RunState.RUNNING, created + 2_000, null);
        Integer exitCode = end == RunState.COMPLETED ? Integer.valueOf(0) : end == RunState.ERROR ? Integer.valueOf(3) : null;
        r.finish(new RunOutcome(end, exitCode,
                end == RunState.COMPLETED ? "Completed" : end == RunState.ERROR ? "Error" : "Aborted",
                end == RunState.ERROR ? "the container exited with code 3" : null, Map.of(), null,
                Instant.ofEpochMilli(finished)), outputs);
        return r;
    }

    /** A service whose rollout became available at {@code available}, with its URL. */
    static RunRecord serving(String runId, String function, long created, long available) {
        RunRecord r = started(runId, "serve", function, "container", created);
        r.transition(RunState.RUNNING, created + 2_000, null);
        r.finish(new RunOutcome(RunState.RUNNING, null, "Available", "the service is available", Map.of(), null,
                Instant.ofEpochMilli(available)), "{\"url\":\"http://" + function + ".team-a.svc:8080\","
                        + "\"deployment\":\"" + function + "\",\"namespace\":\"team-a\",\"replicas\":1,\"readyReplicas\":1}");
        return r;
    }

    /** Records a run on a build, as the steps do. */
    static FunctionRunAction on(FakeBuild build, RunRecord record) {
        FunctionRunAction action = new FunctionRunAction(record);
        build.addAction(action);
        return action;
    }
}
