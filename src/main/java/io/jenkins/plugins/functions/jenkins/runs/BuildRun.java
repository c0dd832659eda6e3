package io.jenkins.plugins.functions.jenkins.runs;

import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.history.BuildSaves;
import io.jenkins.plugins.functions.jenkins.artifacts.RunArtifactsSetup;
import io.jenkins.plugins.functions.jenkins.artifacts.StoreAccess;
import io.jenkins.plugins.functions.spec.ArtifactFields;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.jenkins.history.LogCursorStore;
import io.jenkins.plugins.functions.jenkins.history.LogTail;
import io.jenkins.plugins.functions.jenkins.history.RunHistory;
import io.jenkins.plugins.functions.jenkins.observability.RunObservations;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.RunHandle;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.Durations;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.observability.ResourceUsage;
import io.jenkins.plugins.functions.observability.TraceContext;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.Profiles;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One run of a function on a Jenkins build, from the arguments to the end: what the Pipeline
 * steps and the freestyle builders share. It records the run on the build, reads the function
 * (file, arguments, workspace sources), checks it and the namespace policy, plans it, hands it
 * to the engine, and then writes the engine's narration and the container's log to the build
 * log and keeps the record up to date. How the end is reported (a Pipeline step's context, a
 * freestyle build's thread) is the caller's: an {@link Observer}.
 *
 * <p>Not persisted: a Pipeline step execution keeps its own small state and, after a restart,
 * re-attaches with {@link #attach}.
 */
public final class BuildRun {

    /** Hears about the run; called from the launch pool and the engine's threads, never blocking. */
    public interface Observer {
        /**
         * The engine has the run (its workload is being created): the handle stops it and tells
         * its reference and log cursor.
         *
         * @param readyTimeoutMillis the run's timeout in milliseconds, or null for the default
         */
        default void started(RunHandle handle, Long readyTimeoutMillis) {
        }

        /**
         * The ids (never the values) of the credentials the run uses, known before the engine
         * has it: a caller that outlives a restart keeps them to mask the log again on resume.
         */
        default void credentialsUsed(List<String> credentialIds) {
        }

        /**
         * The log was copied up to here, and the build log flushed: the position is saved
         * beside the build already; a caller that outlives a restart may keep it too.
         */
        default void logCursor(LogCursorStore.Stored position) {
        }

        /** The reason a stop was asked for before the run could be stopped (after a restart), else null. */
        default String stopRequested() {
            return null;
        }

        /**
         * The run ended, exactly once: the record is finished and saved, the end narrated.
         *
         * @param startFailure set when the run ended before reaching the engine (bad input, no
         *                     credential, ...): the exception to fail with, its message said about
         *                     the caller; null otherwise
         */
        void ended(RunRecord record, RunOutcome outcome, AbortException startFailure);
    }

    private static final AtomicInteger LAUNCHER_THREADS = new AtomicInteger();
    /** Launches runs off the caller's thread: each task is short (file read, API create). */
    private static final ExecutorService LAUNCHER = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "function-runtimes-launcher-" + LAUNCHER_THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The prefix of the plugin's own lines in the build log. */
    public static final String PREFIX = "[function-runtimes] ";

    private final FunctionCall call;
    private final String runId;
    private final Run<?, ?> build;
    private final TaskListener listener;
    /** The build's workspace, or null (a Pipeline step outside a node block). */
    private final WorkspaceSources.Reader workspace;
    private final RunRecord record;
    private final FunctionRunAction action;
    private final Observer observer;
    /** Guards the race between a stop and the hand-over to the engine. */
    private final Object lock = new Object();
    private RunHandle handle;
    private String stopReason;
    private volatile RequestConfigurer configurer;
    /** A service's own wait for readiness (serveFunction's readyTimeout); null for the default. */
    private volatile Duration readyTimeout;
    /** The step's inputs: earlier runs' artifacts by name ({@code s3://} URIs); see docs/artifacts.md. */
    private volatile Map<String, String> inputs = Map.of();
    /** The W3C trace context of the step's (or build's) environment, which the run's pods continue; null: none. */
    private volatile TraceContext trace;

    /**
     * Adds what a caller's action needs beyond the function to the run's request before it is
     * planned (the {@code build} action: what to build and where to push it). Called on the
     * launch pool, off the caller's thread, so it may read the workspace.
     */
    @FunctionalInterface
    public interface RequestConfigurer {
        /** @throws SpecException naming the caller's argument that is wrong; nothing was sent yet */
        void configure(RunRequest.Builder request, FunctionSpec function, Clusters.Target target, PrintStream log)
                throws SpecException, IOException;
    }

    private BuildRun(FunctionCall call, String runId, Run<?, ?> build, TaskListener listener,
                     WorkspaceSources.Reader workspace,
                     FunctionRunAction action, Observer observer) {
        this.call = call;
        this.runId = runId;
        this.build = build;
        this.listener = listener;
        this.workspace = workspace;
        this.action = action;
        this.record = action.getRecord();
        this.observer = observer;
    }

    /**
     * Records a new run on the build (state {@code CREATED}); {@link #launch()} or
     * {@link #launchAsync()} starts it.
     *
     * @param workspace the build's workspace ({@link WorkspaceReader#of}); null outside a node
     *                  block (only a function file or a workspace source needs it)
     * @param env       the build's (or the step's) environment variables, for the trigger and the
     *                  commit recorded on the run; null when unknown
     * @throws AbortException when the call names a file and there is no workspace: nothing is recorded
     */
    public static BuildRun record(FunctionCall call, String runId, Run<?, ?> build, TaskListener listener,
                                  WorkspaceSources.Reader workspace, Map<String, String> env, Observer observer)
            throws AbortException {
        if (call.file() != null && workspace == null) {
            throw new AbortException(call.caller() + ": field 'file': value '" + call.file()
                    + "' needs a workspace: call " + call.caller() + " inside a node block, or give the function inline");
        }
        RunRecord record = new RunRecord(runId, call.action().id(), call.label(), System.currentTimeMillis());
        FunctionRunAction action = new FunctionRunAction(record);
        build.addAction(action);
        RunHistory.started(action, build, listener.getLogger(), env);
        // the first run of a build is saved in build.xml at once (its file comes before anything is sent)
        BuildSaves.runStarted(build, FunctionRunAction.of(build).size() == 1);
        BuildRun run = new BuildRun(call, runId, build, listener, workspace, action, observer);
        run.trace = TraceContext.fromEnvironment(env).orElse(null);
        return run;
    }

    /** A run's id: random, so two controllers sharing a cluster never pick the same names. */
    public static String newRunId() {
        char[] alphabet = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
        char[] id = new char[10];
        for (int i = 0; i < id.length; i++) {
            id[i] = alphabet[RANDOM.nextInt(alphabet.length)];
        }
        return new String(id);
    }

    /** Sets what adds the caller's action's own parts to the request; before the launch. */
    public BuildRun configuredBy(RequestConfigurer value) {
        this.configurer = value;
        return this;
    }

    /** Sets how long a service's start waits for readiness, apart from the run's timeout; before the launch. */
    public BuildRun readyTimeout(Duration value) {
        this.readyTimeout = value;
        return this;
    }

    /** Sets the run's inputs (name: {@code s3://} URI of an earlier run's artifact); before the launch. */
    public BuildRun inputs(Map<String, String> value) {
        this.inputs = value == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(value));
        return this;
    }

    /** Launches on the plugin's small launch pool: the caller's thread does not wait. */
    public void launchAsync() {
        LAUNCHER.execute(this::launch);
    }

    /** The launch pool: short tasks that read files and the build (a launch, a resumption). */
    static void onLaunchPool(Runnable task) {
        LAUNCHER.execute(task);
    }

    /**
     * Reads, validates, plans and hands the run to the engine. Nothing is sent to the cluster
     * before the function, the arguments and the namespace are accepted.
     */
    public void launch() {
        PrintStream log = listener.getLogger();
        try {
            Clusters.Target target = Clusters.forBuild(build);
            RuntimeRegistry runtimes = target.runtimes();
            FunctionSpec function = runtimes.validate(readFunction());
            String ns = call.namespace() != null ? call.namespace() : target.defaultNamespace();
            if (!Names.isDns1123Label(ns)) {
                throw new SpecException(call.caller(), "namespace", ns, Names.DNS_1123_LABEL_RULE);
            }
            // The administrator's list, before anything is planned or sent (an argument of the
            // caller: said about it, also when the function comes from a file).
            try {
                target.namespaces().check(ns);
            } catch (SpecException e) {
                throw e.withOrigin(call.caller());
            }
            Map<String, String> origin = new LinkedHashMap<>();
            origin.put(RunLabels.JENKINS_JOB, Clusters.jobName(build));
            origin.put(RunLabels.JENKINS_BUILD, String.valueOf(build.getNumber()));
            if (target.controllerId() != null) {
                origin.put(RunLabels.CONTROLLER, target.controllerId());
            }
            RunHistory.addCommitLabel(action, origin);
            Map<String, CredentialValue> credentials = new LinkedHashMap<>(RunCredentials.resolve(function, target,
                    build));
            io.jenkins.plugins.functions.runtime.Profile profile = Profiles.choose(function, target.profiles());
            // the store's credential joins the run's (masked in its log, looked up again after a restart)
            io.jenkins.plugins.functions.runtime.RunArtifacts artifacts = RunArtifactsSetup.prepare(function,
                    profile.isNone() ? null : profile.name(), inputs, target, build, runId, record, credentials);
            RunRequest.Builder requestBuilder = RunRequest.builder(function, call.action())
                    .runId(runId)
                    .namespace(ns)
                    .parameters(call.parameters())
                    .timeout(call.timeout() == null ? null : Durations.parse("timeout", call.timeout()))
                    .origin(origin)
                    .annotations(Map.of(RunLabels.JENKINS_JOB_ANNOTATION, Clusters.jobName(build),
                            RunLabels.JENKINS_BUILD_URL_ANNOTATION, build.getUrl(),
                            RunLabels.JENKINS_BUILD_ID_ANNOTATION, build.getExternalizableId()))
                    .podSecurity(target.podSecurity())
                    .profile(profile)
                    .credentials(credentials)
                    .artifacts(artifacts)
                    .trace(trace);
            RequestConfigurer c = configurer;
            if (c != null) {
                c.configure(requestBuilder, function, target, log);
            }
            RunRequest request = requestBuilder.build();
            observer.credentialsUsed(List.copyOf(request.credentials().keySet()));
            Plan plan;
            try {
                plan = runtimes.plan(request);
            } catch (SpecException e) {
                throw RunResolution.withConfiguredProfiles(e, target);
            }
            // what a service's start waits, kept so a start re-attached after a restart waits as long
            Duration wait = call.action() == ActionKind.JOB || call.action() == ActionKind.BUILD
                    ? request.timeout() : FunctionEngine.readyWait(plan, readyTimeout);
            record.resolved(function.name(), function.version(), function.runtime(), ns,
                    function.toCanonicalJson(), RunArguments.parametersJson(request), System.currentTimeMillis());
            plan.objects().forEach(o -> record.addObject(o.getKind(), ns, o.getMetadata().getName()));
            record.launching(plan.workload().getKind(), ns, plan.workload().getMetadata().getName(),
                    wait == null ? null : wait.toMillis(), List.copyOf(request.credentials().keySet()));
            RunObservations.planned(record, plan, log, PREFIX);
            RunHistory.planned(build, runId, plan);
            // Written before anything is sent: a controller that dies from here on finds the run
            // by its file, and one that finds no workload in it knows nothing was sent.
            if (action.recordChanged() < 0) {
                throw new IOException("the run's record could not be written in " + build.getRootDir()
                        + "; nothing was sent to the cluster");
            }
            log.println(PREFIX + "Running " + function.name() + " (version " + function.version() + ", runtime "
                    + function.runtime() + ") as " + plan.workload().getKind() + " " + ns + "/"
                    + plan.workload().getMetadata().getName());
            synchronized (lock) {
                if (stopReason != null) {
                    finishBeforeStart(RunOutcome.stopped("Aborted", "aborted before it started"), null);
                    return;
                }
                FunctionEngine engine = target.engine();
                RunArtifactsSetup.Collection collection = artifacts == null || call.action() != ActionKind.JOB ? null
                        : new RunArtifactsSetup.Collection(target.artifactStore(profile.isNone() ? null : profile.name()),
                        artifacts.keys(), artifacts.prefix(), ArtifactFields.artifacts(function));
                handle = engine.start(plan, new BuildRunListener(build, listener, action, target, observer, LogTail.NONE,
                        collection), readyTimeout);
                observer.started(handle, wait == null ? null : wait.toMillis());
            }
        } catch (SpecException e) {
            // One prefix: the file the problem is in, or the caller when the function is inline.
            String message = (e.getOrigin() != null ? e : e.withOrigin(call.origin())).getMessage();
            finishBeforeStart(RunOutcome.error("InvalidSpec", message), new AbortException(message));
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() != null ? e.getMessage() : e.toString();
            finishBeforeStart(RunOutcome.error("StartFailed", message), e instanceof AbortException a ? a
                    : new AbortException(call.caller() + ": " + message));
        }
    }

    /**
     * Ends the run on request: the engine deletes what it created and completes it as STOPPED;
     * a run that has not reached the engine yet never does. Returns at once.
     */
    public void stop(String reason) {
        RunHandle h;
        synchronized (lock) {
            stopReason = reason;
            h = handle;
        }
        if (h != null) {
            h.stop(reason);
        }
    }

    private FunctionSpec readFunction() throws SpecException, IOException {
        FunctionSpec spec = readSpec();
        if (spec.field("source") instanceof Map<?, ?> source && source.get("path") != null) {
            if (workspace == null) {
                throw new SpecException(call.origin(), "source.path", source.get("path"), "is read from the workspace: call "
                        + call.caller() + " inside a node block, or give the code inline (source.code)");
            }
            try {
                spec = WorkspaceSources.resolve(spec, workspace);
            } catch (SpecException e) {
                throw e.getOrigin() == null ? e.withOrigin(call.origin()) : e;
            }
        }
        return spec;
    }

    private FunctionSpec readSpec() throws SpecException, IOException {
        FunctionSpecReader reader = new FunctionSpecReader();
        Map<String, Object> inline = call.inline();
        if (call.file() == null) {
            return reader.fromMap(inline, call.origin());
        }
        if (!workspace.exists(call.file())) {
            throw new SpecException(call.caller(), "file", call.file(), "must name a function file in the workspace ("
                    + workspace + ")");
        }
        String text = workspace.read(call.file());
        FunctionSpec fromFile = reader.read(text, call.file());
        if (inline.isEmpty()) {
            return fromFile;
        }
        Map<String, Object> merged = new LinkedHashMap<>(fromFile.toMap());
        merged.putAll(inline);
        return reader.fromMap(merged, call.file() + " (with " + call.caller() + " arguments)");
    }

    private void finishBeforeStart(RunOutcome outcome, AbortException failure) {
        record.finish(outcome, null);
        RunObservations.endedBeforeStart(record, outcome);
        action.recordChanged();
        action.released();
        BuildSaves.runEnded(build);
        observer.ended(record, outcome, failure);
    }

    /** The message a failed run fails its step or build with. */
    public static String failureMessage(String caller, RunRecord record, RunOutcome outcome) {
        return caller + ": " + record.getFunctionName() + " failed: " + outcome.reason() + ": " + outcome.message();
    }
}
