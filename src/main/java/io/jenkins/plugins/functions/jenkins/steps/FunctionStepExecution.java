package io.jenkins.plugins.functions.jenkins.steps;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.history.LogCursorStore;
import io.jenkins.plugins.functions.jenkins.runs.BuildRun;
import io.jenkins.plugins.functions.jenkins.runs.RunResumption;
import io.jenkins.plugins.functions.jenkins.runs.WorkspaceReader;
import io.jenkins.plugins.functions.kubernetes.LogCursor;
import io.jenkins.plugins.functions.kubernetes.RunHandle;
import io.jenkins.plugins.functions.kubernetes.RunRef;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.spec.SpecException;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * The asynchronous execution shared by the function steps. {@link #start()} returns at once; reading the function file,
 * resolving the cluster and creating the Job happen on a small shared pool, and the end comes
 * from the engine's informers: the run itself is a {@link BuildRun}, the code the freestyle
 * builders share.
 *
 * <p>Jenkins saves this execution with the Pipeline program when {@link #start()} returns and at
 * moments of its own choosing, not when a field changes: what is known when {@code start()}
 * returns is the run's id, and that is what a restart relies on. The run's file beside the build
 * (written before anything is sent to the cluster) says the rest ({@link RunResumption}); the
 * fields below that the run learns later only fill in for files of earlier versions.
 *
 * <p>Persisted with the Pipeline program: never rename or move this class.
 */
public abstract class FunctionStepExecution extends StepExecution {

    private static final long serialVersionUID = 1L;

    /**
     * Our own reference to the context: the base class keeps it too, but the signature classes
     * this plugin compiles against have no behaviour, and the execution's logic must be
     * testable on its own.
     */
    private final StepContext context;
    private final String runId;
    private final boolean failOnError;
    /** The action this execution runs; persisted so a resumed execution knows it. */
    private final ActionKind actionKind;
    private transient FunctionStep step;
    private transient volatile RunHandle handle;
    private transient volatile Throwable stopCause;
    /** The run this execution started; null after a restart (then {@link #handle} is the attached one). */
    private transient volatile BuildRun run;
    private volatile RunRef ref;
    private volatile LogCursor cursor = LogCursor.START;
    /** The build log's size when {@link #cursor} was checkpointed; null in executions of earlier versions. */
    private volatile Long logOffset;
    /** A service's wait for its rollout, in milliseconds: kept so a resumed wait keeps its limit. */
    private volatile Long readyTimeoutMillis;
    private volatile boolean done;
    /** The ids (never the values) of the credentials the run uses: to mask them again after a restart. */
    private volatile List<String> credentialIds;

    protected FunctionStepExecution(FunctionStep step, StepContext context, ActionKind action) {
        super(context);
        this.context = context;
        this.step = step;
        this.actionKind = action;
        this.runId = BuildRun.newRunId();
        this.failOnError = step.failOnError;
    }

    public String getRunId() {
        return runId;
    }

    public RunRef getRef() {
        return ref;
    }

    @Override
    public boolean start() throws Exception {
        Run<?, ?> build = context.get(Run.class);
        TaskListener listener = context.get(TaskListener.class);
        // Null outside a node block: only a function file or a workspace source needs it.
        FilePath workspace = context.get(FilePath.class);
        Duration readyTimeout;
        try {
            readyTimeout = step instanceof ServeFunctionStep serve ? serve.readyTimeoutDuration() : null;
        } catch (SpecException e) {
            throw new AbortException(e.withOrigin(stepName()).getMessage()); // before anything is recorded or sent
        }
        run = BuildRun.record(step.call(stepName(), actionKind), runId, build, listener, WorkspaceReader.of(workspace),
                context.get(EnvVars.class), new Observer());
        FilePath ws = workspace;
        run.configuredBy((request, function, target, log) -> configure(request, function, target, build, ws, log))
                .readyTimeout(readyTimeout)
                .inputs(step.inputsByName());
        run.launchAsync();
        return false;
    }

    /**
     * Adds what the step's action needs beyond the function to the run's request, before it is
     * planned (the {@code build} action: what to build and where to push it). Runs on the launch
     * pool, off the Pipeline thread, so it may read the workspace. Nothing by default.
     *
     * @throws SpecException naming the step argument that is wrong; nothing has been sent yet
     */
    protected void configure(RunRequest.Builder request, FunctionSpec function, Clusters.Target target,
            Run<?, ?> build, FilePath workspace, PrintStream log) throws SpecException, IOException {
    }

    /** The message a failed run fails the step with; steps may add what their action knows. */
    protected String failureMessage(RunRecord record, RunOutcome outcome) {
        return BuildRun.failureMessage(stepName(), record, outcome);
    }

    @Override
    public void stop(Throwable cause) throws Exception {
        stopCause = cause;
        BuildRun r = run;
        RunHandle h = handle;
        if (r != null) {
            // Before the engine has the run, the launch sees the stop and ends the step itself.
            r.stop(stopReason(cause));
        } else if (h != null) {
            h.stop(stopReason(cause)); // re-attached after a restart
        }
        // else: after a restart, before the run is re-attached: the resumption stops it once it has it
    }

    /** Why the run is stopped, for the build log and the record: never a class name. */
    static String stopReason(Throwable cause) {
        if (cause instanceof FlowInterruptedException || cause == null) {
            return "the build was aborted";
        }
        return cause.getMessage() != null ? cause.getMessage() : "the step was stopped";
    }

    @Override
    public void onResume() {
        if (done) {
            return;
        }
        try {
            Run<?, ?> build = context.get(Run.class);
            TaskListener listener = context.get(TaskListener.class);
            RunResumption.resumeAsync(new RunResumption.Saved(stepName(), runId, actionKind, ref, cursor, logOffset,
                    readyTimeoutMillis, credentialIds), build, listener, new Observer());
        } catch (IOException | InterruptedException | RuntimeException e) {
            context.onFailure(e);
        }
    }

    @Override
    public String getStatus() {
        RunRef r = ref;
        return r == null ? "starting run " + runId : "waiting for " + r + " (log at " + cursor + ")";
    }

    /** The step's name, for messages: {@code runFunction}, {@code serveFunction}. */
    protected abstract String stepName();

    /**
     * What the step returns: plain values only, usable from a sandboxed Pipeline. Steps add
     * their action's own keys.
     */
    protected Map<String, Object> result(RunRecord record, RunOutcome outcome) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("status", outcome.state().name());
        r.put("succeeded", outcome.succeeded());
        r.put("exitCode", outcome.exitCode());
        r.put("reason", outcome.reason());
        r.put("message", outcome.message());
        r.put("outputs", new LinkedHashMap<>(outcome.outputs()));
        Map<String, Object> artifacts = new LinkedHashMap<>();
        record.getArtifacts().forEach(a -> artifacts.put(a.getName(), a.getUri()));
        r.put("artifacts", artifacts); // name: s3:// URI, for a later step's inputs (docs/artifacts.md)
        r.put("runId", record.getRunId());
        r.put("function", record.getFunctionName());
        r.put("version", record.getFunctionVersion());
        r.put("runtime", record.getRuntime());
        r.put("action", record.getAction());
        r.put("namespace", record.getNamespace());
        List<String> objects = new ArrayList<>();
        record.getObjects().forEach(o -> objects.add(o.toString()));
        r.put("objects", objects);
        r.put("job", record.getObjects().isEmpty() ? null : record.getObjects().get(0).getName());
        return r;
    }

    /** Completes the step when the run ends, and keeps the state a resumed execution needs. */
    private final class Observer implements BuildRun.Observer {
        @Override
        public void credentialsUsed(List<String> ids) {
            credentialIds = ids.isEmpty() ? null : ids;
        }

        @Override
        public void started(RunHandle h, Long timeoutMillis) {
            readyTimeoutMillis = timeoutMillis;
            handle = h;
            ref = h.ref();
        }

        @Override
        public void logCursor(LogCursorStore.Stored position) {
            cursor = position.cursor();
            logOffset = position.logOffset();
        }

        @Override
        public String stopRequested() {
            Throwable cause = stopCause;
            return cause == null ? null : stopReason(cause);
        }

        @Override
        public void ended(RunRecord record, RunOutcome outcome, AbortException startFailure) {
            done = true;
            Throwable cause = stopCause;
            if (outcome.state() == RunState.STOPPED) {
                context.onFailure(cause != null ? cause : new FlowInterruptedException(Result.ABORTED));
            } else if (outcome.succeeded() || !failOnError && (startFailure == null || cause == null)) {
                context.onSuccess(result(record, outcome));
            } else {
                context.onFailure(startFailure != null ? startFailure
                        : new AbortException(failureMessage(record, outcome)));
            }
        }
    }
}
