package io.jenkins.plugins.functions.jenkins.steps;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.AbortException;
import hudson.FilePath;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.jenkins.history.LogCursorStore;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.LogCursor;
import io.jenkins.plugins.functions.kubernetes.LogLine;
import io.jenkins.plugins.functions.kubernetes.RunHandle;
import io.jenkins.plugins.functions.kubernetes.RunListener;
import io.jenkins.plugins.functions.kubernetes.RunRef;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.Durations;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunArguments;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.spec.FunctionSpecReader;
import io.jenkins.plugins.functions.spec.Names;
import io.jenkins.plugins.functions.spec.SpecException;
import io.jenkins.plugins.functions.spec.WorkspaceSources;
import java.io.IOException;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * The asynchronous execution shared by the function steps. {@link #start()} returns at once; reading the function file,
 * resolving the cluster and creating the Job happen on a small shared pool, and the end comes
 * from the engine's informers. What it keeps across a restart is the run's id, its workload
 * reference and its log cursor.
 *
 * <p>Persisted with the Pipeline program: never rename or move this class.
 */
public abstract class FunctionStepExecution extends StepExecution {

    private static final long serialVersionUID = 1L;

    private static final AtomicInteger LAUNCHER_THREADS = new AtomicInteger();
    /** Launches runs off the Pipeline thread: each task is short (file read, API create). */
    private static final ExecutorService LAUNCHER = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "function-runtimes-launcher-" + LAUNCHER_THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "[function-runtimes] ";

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
    private volatile RunRef ref;
    private volatile LogCursor cursor = LogCursor.START;
    /** A service's wait for its rollout, in milliseconds: kept so a resumed wait keeps its limit. */
    private volatile Long readyTimeoutMillis;
    private volatile boolean done;

    protected FunctionStepExecution(FunctionStep step, StepContext context, ActionKind action) {
        super(context);
        this.context = context;
        this.step = step;
        this.actionKind = action;
        this.runId = newRunId();
        this.failOnError = step.failOnError;
    }

    /** The run's id: random, so two controllers sharing a cluster never pick the same names. */
    static String newRunId() {
        char[] alphabet = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
        char[] id = new char[10];
        for (int i = 0; i < id.length; i++) {
            id[i] = alphabet[RANDOM.nextInt(alphabet.length)];
        }
        return new String(id);
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
        if (step.file != null) {
            if (workspace == null) {
                throw new AbortException(stepName() + ": field 'file': value '" + step.file
                        + "' needs a workspace: call " + stepName() + " inside a node block, or give the function inline");
            }
        }
        String label = step.name != null ? step.name : step.file != null ? step.file : "(unnamed)";
        FunctionRunAction action = new FunctionRunAction(
                new RunRecord(runId, actionKind.id(), label, System.currentTimeMillis()));
        build.addAction(action);
        FunctionStep s = step;
        FilePath ws = workspace;
        LAUNCHER.execute(() -> launch(s, build, listener, ws, action));
        return false;
    }

    /** Reads, validates, plans and starts the run. Off the Pipeline thread. */
    void launch(FunctionStep s, Run<?, ?> build, TaskListener listener, FilePath workspace,
                FunctionRunAction action) {
        PrintStream log = listener.getLogger();
        RunRecord record = action.getRecord();
        try {
            Clusters.Target target = Clusters.forBuild(build);
            RuntimeRegistry runtimes = target.runtimes();
            FunctionSpec function = runtimes.validate(readFunction(s, workspace));
            String ns = s.namespace != null ? s.namespace : target.defaultNamespace();
            if (!Names.isDns1123Label(ns)) {
                throw new SpecException(stepName(), "namespace", ns, Names.DNS_1123_LABEL_RULE);
            }
            // The administrator's list, before anything is planned or sent (a step argument:
            // said about the step, also when the function comes from a file).
            try {
                target.namespaces().check(ns);
            } catch (SpecException e) {
                throw e.withOrigin(stepName());
            }
            Map<String, String> origin = new LinkedHashMap<>();
            origin.put(RunLabels.JENKINS_JOB, Clusters.jobName(build));
            origin.put(RunLabels.JENKINS_BUILD, String.valueOf(build.getNumber()));
            if (target.controllerId() != null) {
                origin.put(RunLabels.CONTROLLER, target.controllerId());
            }
            RunRequest request = RunRequest.builder(function, actionKind)
                    .runId(runId)
                    .namespace(ns)
                    .parameters(s.parameters)
                    .timeout(s.timeout == null ? null : Durations.parse("timeout", s.timeout))
                    .origin(origin)
                    .annotations(Map.of(RunLabels.JENKINS_JOB_ANNOTATION, Clusters.jobName(build),
                            RunLabels.JENKINS_BUILD_URL_ANNOTATION, build.getUrl(),
                            RunLabels.JENKINS_BUILD_ID_ANNOTATION, build.getExternalizableId()))
                    .podSecurity(target.podSecurity())
                    .profile(RunResolution.profile(function, target))
                    .credentials(RunResolution.credentials(function, target, build))
                    .build();
            Plan plan;
            try {
                plan = runtimes.plan(request);
            } catch (SpecException e) {
                throw RunResolution.withConfiguredProfiles(e, target);
            }
            record.resolved(function.name(), function.version(), function.runtime(), ns,
                    function.toCanonicalJson(), RunArguments.parametersJson(request), System.currentTimeMillis());
            plan.objects().forEach(o -> record.addObject(o.getKind(), ns, o.getMetadata().getName()));
            save(build);
            log.println(PREFIX + "Running " + function.name() + " (version " + function.version() + ", runtime "
                    + function.runtime() + ") as " + plan.workload().getKind() + " " + ns + "/"
                    + plan.workload().getMetadata().getName());
            synchronized (this) {
                if (stopCause != null) {
                    finishBeforeStart(build, record, RunOutcome.stopped("Aborted", "aborted before it started"),
                            stopCause);
                    return;
                }
                FunctionEngine engine = target.engine();
                Duration ready = s instanceof ServeFunctionStep serve ? serve.readyTimeoutDuration() : null;
                // what a service's start waits, kept so a start re-attached after a restart waits as long
                Duration wait = actionKind == ActionKind.JOB ? request.timeout() : FunctionEngine.readyWait(plan, ready);
                readyTimeoutMillis = wait == null ? null : wait.toMillis();
                RunHandle h = engine.start(plan, new BuildListener(build, listener, record, target), ready);
                handle = h;
                ref = h.ref();
            }
        } catch (SpecException e) {
            // One prefix: the file the problem is in, or the step when the function is inline.
            String message = (e.getOrigin() != null ? e : e.withOrigin(origin(s))).getMessage();
            finishBeforeStart(build, record, RunOutcome.error("InvalidSpec", message),
                    new AbortException(message));
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() != null ? e.getMessage() : e.toString();
            finishBeforeStart(build, record, RunOutcome.error("StartFailed", message),
                    e instanceof AbortException ? e : new AbortException(stepName() + ": " + message));
        }
    }

    /** What a spec error is said about: the function file, or the step's own arguments. */
    private String origin(FunctionStep s) {
        return s.file != null ? s.file : stepName();
    }


    private FunctionSpec readFunction(FunctionStep s, FilePath workspace) throws SpecException, IOException {
        FunctionSpec spec = readSpec(s, workspace);
        if (spec.field("source") instanceof Map<?, ?> source && source.get("path") != null) {
            if (workspace == null) {
                throw new SpecException(origin(s), "source.path", source.get("path"), "is read from the workspace: call "
                        + stepName() + " inside a node block, or give the code inline (source.code)");
            }
            try {
                spec = WorkspaceSources.resolve(spec, new WorkspaceReader(workspace));
            } catch (SpecException e) {
                throw e.getOrigin() == null ? e.withOrigin(origin(s)) : e;
            }
        }
        return spec;
    }

    private FunctionSpec readSpec(FunctionStep s, FilePath workspace) throws SpecException, IOException {
        FunctionSpecReader reader = new FunctionSpecReader();
        Map<String, Object> inline = s.inlineFields();
        if (s.file == null) {
            return reader.fromMap(inline, origin(s));
        }
        FilePath path = workspace.child(s.file);
        String text;
        try {
            if (!path.exists()) {
                throw new SpecException(stepName(), "file", s.file, "must name a function file in the workspace ("
                        + workspace.getRemote() + ")");
            }
            text = path.readToString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + s.file, e);
        }
        FunctionSpec fromFile = reader.read(text, s.file);
        if (inline.isEmpty()) {
            return fromFile;
        }
        Map<String, Object> merged = new LinkedHashMap<>(fromFile.toMap());
        merged.putAll(inline);
        return reader.fromMap(merged, s.file + " (with " + stepName() + " arguments)");
    }

    private void finishBeforeStart(Run<?, ?> build, RunRecord record, RunOutcome outcome, Throwable failure) {
        record.finish(outcome, null);
        save(build);
        done = true;
        if (!failOnError && !(failure instanceof FlowInterruptedException) && stopCause == null) {
            context.onSuccess(result(record, outcome));
        } else {
            context.onFailure(failure);
        }
    }

    @Override
    public void stop(Throwable cause) throws Exception {
        RunHandle h;
        synchronized (this) {
            stopCause = cause;
            h = handle;
        }
        if (h != null) {
            h.stop(stopReason(cause));
        } else if (ref != null) {
            // Stopped after a restart before re-attaching: delete the workload by reference.
            Run<?, ?> build = context.get(Run.class);
            Clusters.forBuild(build).engine().stop(ref, new RunListener() {
                @Override
                public void onComplete(RunOutcome outcome) {
                }
            });
            context.onFailure(cause);
        }
        // else: launch() has not reached the engine yet; it sees stopCause and ends the step.
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
            RunRecord record = findRecord(build);
            if (ref == null) {
                // The controller stopped between the step's start and the Job's creation.
                context.onFailure(new AbortException(stepName() + ": Jenkins restarted before run " + runId
                        + " was created; it did not run"));
                return;
            }
            // The execution's cursor was saved with the program, the store's shortly after the
            // last lines: start after whichever is further, so no line is copied twice.
            cursor = LogCursorStore.furthest(cursor, LogCursorStore.load(build, runId));
            listener.getLogger().println(PREFIX + "Resuming " + ref + " after a restart (log from " + cursor + ")");
            Clusters.Target target = Clusters.forBuild(build);
            handle = target.engine().attach(ref, cursor, new BuildListener(build, listener, record, target),
                    readyTimeoutMillis == null ? null : Duration.ofMillis(readyTimeoutMillis));
        } catch (IOException | InterruptedException | RuntimeException e) {
            context.onFailure(e);
        }
    }

    private RunRecord findRecord(Run<?, ?> build) {
        for (FunctionRunAction a : FunctionRunAction.of(build)) {
            if (runId.equals(a.getRecord().getRunId())) {
                return a.getRecord();
            }
        }
        // The build was not saved after the action was added: start a fresh record.
        RunRecord record = new RunRecord(runId, actionKind.id(), ref == null ? runId : ref.name(),
                System.currentTimeMillis());
        build.addAction(new FunctionRunAction(record));
        return record;
    }

    @Override
    public String getStatus() {
        RunRef r = ref;
        return r == null ? "starting run " + runId : "waiting for " + r + " (log at " + cursor + ")";
    }

    private static void save(Run<?, ?> build) {
        try {
            build.save();
        } catch (IOException e) {
            // The record is still in memory and is saved with the build's next save.
            java.util.logging.Logger.getLogger(FunctionStepExecution.class.getName())
                    .log(java.util.logging.Level.WARNING, "could not save " + build, e);
        }
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

    /** Writes the run's narration and log to the build log and keeps its record up to date. */
    private final class BuildListener implements RunListener {
        private final Run<?, ?> build;
        private final PrintStream log;
        private final RunRecord record;
        private final Clusters.Target target;

        BuildListener(Run<?, ?> build, TaskListener listener, RunRecord record, Clusters.Target target) {
            this.build = build;
            this.log = listener.getLogger();
            this.record = record;
            this.target = target;
        }

        /** A new version of a service replaced the one a run on another (or this) build served. */
        @Override
        public void onReplaced(String previousRunId, Map<String, String> annotations) {
            String by = annotations.get(RunLabels.JENKINS_BUILD_ID_ANNOTATION);
            log.println(PREFIX + "Replacing the version served by " + (by == null ? "run " + previousRunId : by));
            FunctionRunAction.stopRecorded(target.build(by), previousRunId, "Replaced",
                    "replaced by version " + record.getFunctionVersion() + " from " + build.getExternalizableId());
        }

        @Override
        public void onEvent(String message) {
            log.println(PREFIX + message);
        }

        @Override
        public void onState(RunState state, Instant at, String detail) {
            if (record.transition(state, at.toEpochMilli(), detail) && !state.isTerminal()) {
                log.println(PREFIX + record.getFunctionName() + " " + state.name().toLowerCase(Locale.ROOT));
                save(build);
            }
        }

        @Override
        public void onLog(LogLine line) {
            log.println(line.text());
        }

        @Override
        public void onLogCursor(LogCursor newCursor) {
            cursor = newCursor;
            LogCursorStore.record(build, runId, newCursor);
        }

        @Override
        public void onComplete(RunOutcome outcome) {
            cursor = handle == null ? cursor : handle.cursor();
            record.finish(outcome, json(outcome.outputs()));
            save(build);
            Long started = record.timeOf(RunState.CREATED);
            String took = started == null ? "" : " in " + Duration.ofMillis(System.currentTimeMillis() - started)
                    .toString().substring(2).toLowerCase(Locale.ROOT);
            log.println(PREFIX + record.getFunctionName() + ": " + outcome.state() + " ("
                    + outcome.reason() + (outcome.exitCode() == null ? "" : ", exit code " + outcome.exitCode())
                    + ")" + took);
            done = true;
            Throwable cause = stopCause;
            if (outcome.state() == RunState.STOPPED) {
                context.onFailure(cause != null ? cause : new FlowInterruptedException(Result.ABORTED));
            } else if (outcome.succeeded() || !failOnError) {
                context.onSuccess(result(record, outcome));
            } else {
                context.onFailure(new AbortException(stepName() + ": " + record.getFunctionName() + " failed: "
                        + outcome.reason() + ": " + outcome.message()));
            }
        }
    }

    private static String json(Map<String, Object> outputs) {
        try {
            return JSON.writeValueAsString(outputs);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
