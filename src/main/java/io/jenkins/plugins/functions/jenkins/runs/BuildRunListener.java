package io.jenkins.plugins.functions.jenkins.runs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.jenkins.plugins.functions.kubernetes.LogCursor;
import io.jenkins.plugins.functions.kubernetes.LogLine;
import io.jenkins.plugins.functions.kubernetes.RunListener;
import io.jenkins.plugins.functions.observability.ResourceUsage;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.RunLabels;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a run on a build does with what the engine tells: writes the narration and the container's
 * log to the build log, keeps the run's record (its file at each change of state, the build's
 * summary), checkpoints the log position, and tells the caller the end. Every call only hands a
 * task to the run's {@link RunMailbox}: the engine's threads never wait for the build log, a file
 * or {@code build.xml}.
 */
final class BuildRunListener implements RunListener {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Run<?, ?> build;
    private final PrintStream log;
    private final FunctionRunAction action;
    private final RunRecord record;
    private final Clusters.Target target;
    private final BuildRun.Observer observer;
    /** After a restart: the lines the build log has already, which the resumed log skips. */
    private final LogTail copied;
    /** Where the run's artifacts are, listed when it ends; null for none. */
    private final RunArtifactsSetup.Collection artifacts;
    private final RunMailbox mailbox = new RunMailbox();

    // the log's position: on the mailbox's thread only
    private LogCursor cursor;
    private LogCursor checkpointed;
    private boolean checkpointDue;
    /** A line was written whose cursor has not come yet (the engine tells it right after the line). */
    private boolean lineAheadOfCursor;
    /** A checkpoint came between a line and its cursor: it is taken when the cursor comes. */
    private boolean checkpointWaiting;
    /** The outcome as recorded (the engine's, or a job's whose declared artifacts are missing). */
    private volatile RunOutcome recorded;

    BuildRunListener(Run<?, ?> build, TaskListener listener, FunctionRunAction action, Clusters.Target target,
                     BuildRun.Observer observer, LogTail copied, RunArtifactsSetup.Collection artifacts) {
        this.build = build;
        this.log = listener.getLogger();
        this.action = action;
        this.record = action.getRecord();
        this.target = target;
        this.observer = observer;
        this.copied = copied;
        this.artifacts = artifacts;
    }

    /** A new version of a service replaced the one a run on another (or this) build served. */
    @Override
    public void onReplaced(String previousRunId, Map<String, String> annotations) {
        mailbox.execute(() -> {
            String by = annotations.get(RunLabels.JENKINS_BUILD_ID_ANNOTATION);
            log.println(BuildRun.PREFIX + "Replacing the version served by " + (by == null ? "run " + previousRunId : by));
            BuildRuns.stop(target.build(by), previousRunId, "Replaced",
                    "replaced by version " + record.getFunctionVersion() + " from " + build.getExternalizableId());
        });
    }

    @Override
    public void onEvent(String message) {
        mailbox.execute(() -> log.println(BuildRun.PREFIX + message));
    }

    @Override
    public void onState(RunState state, Instant at, String detail) {
        mailbox.execute(() -> {
            if (record.transition(state, at.toEpochMilli(), detail) && !state.isTerminal()) {
                log.println(BuildRun.PREFIX + record.getFunctionName() + " " + state.name().toLowerCase(Locale.ROOT));
                action.recordChanged();
            }
        });
    }

    @Override
    public void onLog(LogLine line) {
        mailbox.execute(() -> {
            if (!copied.alreadyCopied(line.text())) {
                log.println(line.text());
                lineAheadOfCursor = true;
            }
        });
    }

    @Override
    public void onPod(String namespace, String name) {
        mailbox.execute(() -> record.addPod(name));
    }

    /** Told with the end, before {@link #onOutcome}: recorded with the outcome. */
    @Override
    public void onResourceUsage(ResourceUsage usage) {
        mailbox.execute(() -> RunObservations.usage(record, usage));
    }

    @Override
    public void onLogCursor(LogCursor newCursor) {
        mailbox.execute(() -> {
            cursor = newCursor;
            lineAheadOfCursor = false;
            if (checkpointWaiting) {
                checkpointWaiting = false;
                checkpoint();
            }
            if (!checkpointDue) {
                checkpointDue = true;
                LogCursorStore.afterCheckpointPeriod(() -> mailbox.execute(this::checkpoint));
            }
        });
    }

    /**
     * Makes the log's position durable: the build log is flushed first, so every line up to the
     * cursor is on disk before the size noted with it, and none after it (this thread writes the
     * run's lines). Runs on the mailbox's thread.
     */
    private void checkpoint() {
        checkpointDue = false;
        if (lineAheadOfCursor) {
            checkpointWaiting = true; // the size would count a line the cursor does not
            return;
        }
        LogCursor c = cursor;
        if (c == null || c.equals(checkpointed)) {
            return;
        }
        log.flush();
        LogCursorStore.Stored position = new LogCursorStore.Stored(c, LogCursorStore.logSize(build));
        LogCursorStore.write(build, record.getRunId(), position);
        checkpointed = c;
        observer.logCursor(position);
    }

    /**
     * The end is judged: recorded in the run's file before the engine deletes the workload. A job
     * that declares artifacts has the store listed first (network I/O: on the launch pool, never
     * on the engine's or the mailbox's threads); a declared artifact that is missing fails it.
     */
    @Override
    public CompletionStage<Void> onOutcome(RunOutcome outcome) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (artifacts == null) {
            mailbox.execute(() -> record(outcome, List.of(), done));
        } else {
            BuildRun.onLaunchPool(() -> {
                List<String> said = new java.util.ArrayList<>();
                RunOutcome checked = withArtifacts(outcome, said);
                mailbox.execute(() -> record(checked, said, done));
            });
        }
        return done;
    }

    /** The outcome once the run's artifacts are listed and recorded; {@code said}: what to tell the build log. */
    private RunOutcome withArtifacts(RunOutcome outcome, List<String> said) {
        try {
            List<RunRecord.Artifact> stored = RunArtifactsSetup.collect(artifacts);
            record.setArtifacts(stored);
            for (RunRecord.Artifact a : stored) {
                said.add("Artifact " + a.getName() + ": " + a.getUri() + " (" + a.getSize() + " bytes)");
            }
            return RunArtifactsSetup.checked(outcome, artifacts.declared(), stored,
                    artifacts.access().store().uri(artifacts.prefix()));
        } catch (IOException | RuntimeException e) {
            said.add("Could not list the run's artifacts: " + e.getMessage());
            return outcome;
        }
    }

    /** On the mailbox's thread: the outcome into the record and its file. */
    private void record(RunOutcome outcome, List<String> said, CompletableFuture<Void> done) {
        try {
            checkpoint();
            said.forEach(line -> log.println(BuildRun.PREFIX + line));
            recorded = outcome;
            record.finish(outcome, json(outcome.outputs()));
            action.recordChanged();
        } finally {
            done.complete(null);
        }
    }

    @Override
    public void onComplete(RunOutcome engineOutcome) {
        mailbox.execute(() -> {
            RunOutcome outcome = recorded != null ? recorded : engineOutcome;
            checkpoint();
            record.finish(outcome, json(outcome.outputs()));
            action.recordChanged();
            action.released();
            BuildSaves.runEnded(build);
            Long started = record.timeOf(RunState.CREATED);
            String took = started == null ? "" : " in " + Duration.ofMillis(System.currentTimeMillis() - started)
                    .toString().substring(2).toLowerCase(Locale.ROOT);
            log.println(BuildRun.PREFIX + record.getFunctionName() + ": " + outcome.state() + " ("
                    + outcome.reason() + (outcome.exitCode() == null ? "" : ", exit code " + outcome.exitCode())
                    + ")" + took);
            observer.ended(record, outcome, null);
        });
    }

    static String json(Map<String, Object> outputs) {
        try {
            return JSON.writeValueAsString(outputs);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
