package io.jenkins.plugins.functions.jenkins.history;

import hudson.model.Run;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;

/**
 * The function runs recorded on one build ({@link FunctionRunAction#of}), found by id and ended
 * from outside their own run: a served function stopped or replaced from another build or from
 * the Function services page, a run resumed after a restart.
 *
 * <p>Exists so that the persisted {@link FunctionRunAction} holds one run's state and its views,
 * while what works on a build's list of runs is here. Stateless.
 */
public final class BuildRuns {

    private BuildRuns() {
    }

    /** The run of that id on a build, or null. */
    public static FunctionRunAction find(Run<?, ?> build, String runId) {
        for (FunctionRunAction a : FunctionRunAction.of(build)) {
            if (runId.equals(a.getRunId())) {
                return a;
            }
        }
        return null;
    }

    /**
     * Ends a run recorded on a build (a served function stopped or replaced, maybe from another
     * build): its record moves to STOPPED with the reason, keeping its outputs; its file is
     * written and the build's save requested. Nothing happens if the run is not on that build or
     * not RUNNING.
     *
     * @return whether a record was changed
     */
    public static boolean stop(Run<?, ?> owner, String runId, String reason, String message) {
        if (owner == null || runId == null) {
            return false;
        }
        FunctionRunAction action = find(owner, runId);
        if (action == null) {
            return false;
        }
        RunRecord r = action.getRecord();
        if (r.getState() != RunState.RUNNING) {
            return false;
        }
        r.finish(RunOutcome.stopped(reason, message), r.getOutputs());
        action.recordChanged();
        BuildSaves.request(owner);
        return true;
    }
}
