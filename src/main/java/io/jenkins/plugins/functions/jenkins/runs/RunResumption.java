package io.jenkins.plugins.functions.jenkins.runs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.artifacts.RunArtifactsSetup;
import io.jenkins.plugins.functions.jenkins.history.BuildRuns;
import io.jenkins.plugins.functions.jenkins.history.BuildSaves;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.jenkins.observability.RunObservations;
import io.jenkins.plugins.functions.jenkins.history.LogCursorStore;
import io.jenkins.plugins.functions.jenkins.history.LogTail;
import io.jenkins.plugins.functions.jenkins.history.RunFiles;
import io.jenkins.plugins.functions.jenkins.history.StoredRun;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.LogCursor;
import io.jenkins.plugins.functions.kubernetes.RunHandle;
import io.jenkins.plugins.functions.kubernetes.RunListener;
import io.jenkins.plugins.functions.kubernetes.RunRef;
import io.jenkins.plugins.functions.kubernetes.SecretMasker;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Takes a run up again after a controller restart, from what the build keeps: the run's file
 * beside the build (written before anything was sent to the cluster, and at each change of
 * state) and its log position, not from what a step execution happened to have saved. The step
 * execution's copy (saved with the Pipeline program at moments Jenkins picks) only fills in what
 * an older file lacks.
 *
 * <ul>
 *   <li>No workload in the record: the controller stopped before anything was sent; the run
 *       did not happen, and ends so ({@code NotStarted}).
 *   <li>An outcome in the record: the run ended before the restart (its end was recorded before
 *       the workload was deleted); a job's workload is deleted again (a deletion the restart cut
 *       short), and the caller gets the recorded outcome.
 *   <li>Otherwise the engine re-attaches: the informers replay the workload's state, the log goes
 *       on from the stored cursor, skipping the lines the build log has already.
 * </ul>
 *
 * Runs on the launch pool: the thread that resumes the Pipeline does not wait.
 */
public final class RunResumption {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a caller kept of a run (a Pipeline step execution, saved with the program): any of
     * it may be missing or older than the build's files.
     */
    public record Saved(String caller, String runId, ActionKind action, RunRef ref, LogCursor cursor, Long logOffset,
                        Long readyTimeoutMillis, List<String> credentialIds) {
    }

    private RunResumption() {
    }

    /** Resumes the run on the launch pool; the observer hears the rest. Returns at once. */
    public static void resumeAsync(Saved saved, Run<?, ?> build, TaskListener listener, BuildRun.Observer observer) {
        BuildRun.onLaunchPool(() -> resume(saved, build, listener, observer));
    }

    static void resume(Saved saved, Run<?, ?> build, TaskListener listener, BuildRun.Observer observer) {
        PrintStream log = listener.getLogger();
        FunctionRunAction action;
        try {
            boolean inBuildXml = BuildRuns.find(build, saved.runId()) != null;
            action = actionOf(saved, build);
            BuildSaves.runStarted(build, !inBuildXml); // a run build.xml did not name is saved in it at once
        } catch (RuntimeException e) {
            RunRecord none = new RunRecord(saved.runId(), saved.action().id(), saved.runId(), System.currentTimeMillis());
            observer.ended(none, RunOutcome.error("ResumeFailed", String.valueOf(e.getMessage())),
                    new AbortException(saved.caller() + ": cannot resume run " + saved.runId() + ": " + e));
            return;
        }
        RunRecord record = action.getRecord();
        RunRef ref = refOf(saved, record);
        if (ref == null) {
            end(saved, action, build, observer, RunOutcome.error("NotStarted", "Jenkins restarted before run " + saved.runId()
                    + " was sent to the cluster; nothing was created, so the function did not run"), true);
            return;
        }
        try {
            Clusters.Target target = Clusters.forBuild(build);
            FunctionEngine engine = target.engine();
            if (record.isFinished()) {
                RunOutcome outcome = outcomeOf(record);
                log.println(BuildRun.PREFIX + "Run " + saved.runId() + " ended before the restart: " + outcome.state()
                        + " (" + outcome.reason() + ")");
                if (isJob(ref) && (engine.options().deleteWhenDone() || !outcome.succeeded())) {
                    // its end was recorded before the deletion: the restart may have cut that short
                    engine.stop(ref, new RunListener() {
                        @Override
                        public void onEvent(String message) {
                            log.println(BuildRun.PREFIX + message);
                        }

                        @Override
                        public void onComplete(RunOutcome ignored) {
                        }
                    });
                }
                BuildSaves.runEnded(build);
                observer.ended(record, outcome, null);
                return;
            }
            String stop = observer.stopRequested();
            LogCursorStore.Stored position = LogCursorStore.furthest(
                    new LogCursorStore.Stored(saved.cursor(), saved.logOffset()),
                    LogCursorStore.load(build, saved.runId()));
            Long from = position.logOffset() != null || position.cursor().lastTime() != null ? position.logOffset()
                    : action.getLogOffset();
            LogTail copied = LogTail.read(build, from);
            log.println(BuildRun.PREFIX + "Resuming " + ref + " after a restart (log from " + position.cursor() + ")");
            RunListener runListener = new BuildRunListener(build, listener, action, target, observer, copied,
                    RunArtifactsSetup.afterRestart(record, target, build));
            List<String> credentialIds = !record.getCredentialIds().isEmpty() ? record.getCredentialIds()
                    : saved.credentialIds() == null ? List.of() : saved.credentialIds();
            if (!credentialIds.isEmpty()) {
                // The values were never saved: look them up again, so the resumed log stays masked.
                runListener = SecretMasker.wrap(runListener, RunCredentials.maskedValues(credentialIds, target, build));
            }
            Long wait = record.getReadyWaitMillis() != null ? record.getReadyWaitMillis() : saved.readyTimeoutMillis();
            RunHandle handle = engine.attach(ref, position.cursor(), runListener, wait == null ? null
                    : Duration.ofMillis(wait), record.reached(RunState.READY), RunObservations.tags(record),
                    record.getObjects());
            observer.started(handle, wait);
            if (stop != null) {
                handle.stop(stop);
            }
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() != null ? e.getMessage() : e.toString();
            end(saved, action, build, observer, RunOutcome.error("ResumeFailed", "could not resume run " + saved.runId()
                    + " after a restart: " + message), true);
        }
    }

    /** The run's action on the build: the saved one, one read back from its file, or a new one. */
    private static FunctionRunAction actionOf(Saved saved, Run<?, ?> build) {
        FunctionRunAction action = BuildRuns.find(build, saved.runId());
        if (action != null) {
            return action;
        }
        // build.xml was not saved with the run: its file (if any) is all there is
        StoredRun stored = new RunFiles(build.getRootDir().toPath()).readRecord(saved.runId());
        action = stored != null ? FunctionRunAction.recovered(build, stored)
                : new FunctionRunAction(new RunRecord(saved.runId(), saved.action().id(), saved.runId(),
                        System.currentTimeMillis()));
        build.addAction(action);
        return action;
    }

    /** The workload: the record's (written before the create), else the caller's copy; null if never sent. */
    private static RunRef refOf(Saved saved, RunRecord record) {
        RunRecord.ObjectRef w = record.getWorkload();
        if (w != null) {
            return new RunRef(w.getNamespace(), w.getKind(), w.getName(), saved.runId());
        }
        return saved.ref();
    }

    private static boolean isJob(RunRef ref) {
        return "Job".equals(ref.kind());
    }

    /** The outcome a finished record holds. */
    static RunOutcome outcomeOf(RunRecord record) {
        Map<String, Object> outputs = Map.of();
        if (record.getOutputs() != null) {
            try {
                outputs = JSON.readValue(record.getOutputs(), new TypeReference<Map<String, Object>>() { });
            } catch (IOException e) {
                outputs = Map.of();
            }
        }
        Long ended = record.getFinishedAt() != null ? record.getFinishedAt() : record.timeOf(record.getState());
        Long running = record.timeOf(RunState.RUNNING);
        return new RunOutcome(record.getState(), record.getExitCode(), record.getReason(), record.getMessage(), outputs,
                running == null ? null : Instant.ofEpochMilli(running), ended == null ? null : Instant.ofEpochMilli(ended));
    }

    private static void end(Saved saved, FunctionRunAction action, Run<?, ?> build, BuildRun.Observer observer,
                            RunOutcome outcome, boolean failStep) {
        RunRecord record = action.getRecord();
        record.finish(outcome, null);
        action.recordChanged();
        action.released();
        BuildSaves.runEnded(build);
        observer.ended(record, outcome, failStep ? new AbortException(saved.caller() + ": " + outcome.message())
                : null);
    }
}
