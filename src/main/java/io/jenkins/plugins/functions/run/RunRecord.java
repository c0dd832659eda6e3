package io.jenkins.plugins.functions.run;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What is kept of one run: the function (name, version, runtime, spec), the action and its
 * parameters, the Kubernetes objects, the state transitions with their times, and the result.
 *
 * <p>It is persisted in a file of its own beside the Jenkins build (JSON, field by field), in
 * {@code build.xml} for builds of earlier versions (XStream), and exported to the REST API, so it
 * holds only strings, numbers and small value types of this package: never a fabric8 object,
 * never a secret (parameters are the user's own values; credential-backed values never reach
 * here, only the credentials' ids). It is updated while the run goes, from several threads, hence
 * synchronized; a writer serialises it while holding its lock.
 */
public final class RunRecord implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String runId;
    private final String action;
    // Known once the spec is resolved (state BUILT); until then functionName is what the step named.
    private String functionName;
    private String functionVersion;
    private String runtime;
    private String namespace;
    /** The canonical function spec as JSON. */
    private String spec;
    /** The run's parameters as JSON. */
    private String parameters;
    private final List<ObjectRef> objects = new ArrayList<>();
    private final List<Transition> transitions = new ArrayList<>();
    private RunState state;
    private Integer exitCode;
    private String reason;
    private String message;
    /** The outputs as JSON. */
    private String outputs;
    /**
     * The run's workload, known before its create is sent (with {@link #objects}): what a
     * controller that restarts looks for. Null in records of earlier versions.
     */
    private ObjectRef workload;
    /** How long a service's start waits for readiness, in milliseconds; null for the default. */
    private Long readyWaitMillis;
    /** The ids (never the values) of the credentials the run uses: to mask its log again after a restart. */
    private List<String> credentialIds;
    /**
     * When the run first got its result (epoch milliseconds): a job's or a build's end, the moment
     * a service's rollout became available (a service records no transition then: it is already
     * RUNNING), or a failure. A later result (a service stopped) does not move it. Null while the
     * run goes, and for runs recorded before it was kept.
     */
    private Long finishedAt;

    /** The artifacts the run stored (docs/artifacts.md); null on records from before artifacts. */
    private List<Artifact> artifacts;
    /** The inputs the run was given, each with the run it came from; null when none. */
    private List<Input> inputs;

    /** For readers that set the fields themselves (JSON). */
    private RunRecord() {
        this.runId = null;
        this.action = null;
    }

    /**
     * A run that has just been asked for (state CREATED).
     *
     * @param label what the run is known as before its spec is read: the function's name or file
     */
    public RunRecord(String runId, String action, String label, long createdAt) {
        this.runId = Objects.requireNonNull(runId, "runId");
        this.action = action;
        this.functionName = label;
        this.state = RunState.CREATED;
        this.transitions.add(new Transition(RunState.CREATED, createdAt, null));
    }

    /** The spec is resolved and validated: records the function and moves to BUILT. */
    public synchronized void resolved(String name, String version, String runtimeKind, String ns, String specJson,
                                      String parametersJson, long time) {
        this.functionName = name;
        this.functionVersion = version;
        this.runtime = runtimeKind;
        this.namespace = ns;
        this.spec = specJson;
        this.parameters = parametersJson;
        transition(RunState.BUILT, time, null);
    }

    /**
     * A Kubernetes object of the run. Plain classes, not records, here and below: XStream 1.4
     * (Jenkins' build.xml) cannot restore records.
     */
    public static final class ObjectRef implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String kind;
        private final String namespace;
        private final String name;

        /** For readers that set the fields themselves (JSON). */
        private ObjectRef() {
            this(null, null, null);
        }

        public ObjectRef(String kind, String namespace, String name) {
            this.kind = kind;
            this.namespace = namespace;
            this.name = name;
        }

        public String getKind() {
            return kind;
        }

        public String getNamespace() {
            return namespace;
        }

        public String getName() {
            return name;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ObjectRef r && Objects.equals(kind, r.kind) && Objects.equals(namespace, r.namespace)
                    && Objects.equals(name, r.name);
        }

        @Override
        public int hashCode() {
            return Objects.hash(kind, namespace, name);
        }

        @Override
        public String toString() {
            return kind + " " + namespace + "/" + name;
        }
    }

    /** A state the run entered, when (epoch milliseconds), and why when it says. */
    public static final class Transition implements Serializable {
        private static final long serialVersionUID = 1L;
        private final RunState state;
        private final long time;
        private final String detail;

        /** For readers that set the fields themselves (JSON). */
        private Transition() {
            this(null, 0L, null);
        }

        public Transition(RunState state, long time, String detail) {
            this.state = state;
            this.time = time;
            this.detail = detail;
        }

        public RunState getState() {
            return state;
        }

        public long getTime() {
            return time;
        }

        public String getDetail() {
            return detail;
        }
    }

    public String getRunId() {
        return runId;
    }

    public synchronized String getFunctionName() {
        return functionName;
    }

    public synchronized String getFunctionVersion() {
        return functionVersion;
    }

    public synchronized String getRuntime() {
        return runtime;
    }

    public String getAction() {
        return action;
    }

    public synchronized String getNamespace() {
        return namespace;
    }

    public synchronized String getSpec() {
        return spec;
    }

    public synchronized String getParameters() {
        return parameters;
    }

    public synchronized List<ObjectRef> getObjects() {
        return Collections.unmodifiableList(new ArrayList<>(objects));
    }

    public synchronized List<Transition> getTransitions() {
        return Collections.unmodifiableList(new ArrayList<>(transitions));
    }

    public synchronized RunState getState() {
        return state;
    }

    public synchronized Integer getExitCode() {
        return exitCode;
    }

    public synchronized String getReason() {
        return reason;
    }

    public synchronized String getMessage() {
        return message;
    }

    public synchronized String getOutputs() {
        return outputs;
    }

    /** When the run entered a state, or null if it never did. */
    public synchronized Long timeOf(RunState s) {
        for (Transition t : transitions) {
            if (t.getState() == s) {
                return t.getTime();
            }
        }
        return null;
    }

    public synchronized void addObject(String kind, String ns, String name) {
        ObjectRef ref = new ObjectRef(kind, ns, name);
        if (!objects.contains(ref)) {
            objects.add(ref);
        }
    }

    /**
     * Records a transition. Moves only forward: a late or replayed event for an earlier state is
     * ignored, and nothing follows a terminal state.
     *
     * @return whether the state changed
     */
    public synchronized boolean transition(RunState next, long time, String detail) {
        if (state.isTerminal() || next.compareTo(state) <= 0) {
            return false;
        }
        state = next;
        transitions.add(new Transition(next, time, detail));
        return true;
    }

    /**
     * Records the result; the terminal transition is recorded with it. A service's start ends
     * RUNNING, and ends again when it is stopped: the later outcome replaces the earlier.
     */
    public synchronized void finish(RunOutcome outcome, String outputsJson) {
        long time = outcome.finishedAt() == null ? System.currentTimeMillis() : outcome.finishedAt().toEpochMilli();
        transition(outcome.state(), time, outcome.reason());
        if (finishedAt == null) {
            finishedAt = time;
        }
        this.exitCode = outcome.exitCode();
        this.reason = outcome.reason();
        this.message = outcome.message();
        this.outputs = outputsJson;
    }

    /**
     * What a restarted controller needs to find the run again, recorded before anything is sent
     * to the cluster.
     *
     * @param readyWait      how long a service's start waits for readiness (ms), null for the default
     * @param credentials    the ids of the credentials the run uses (never their values)
     */
    public synchronized void launching(String kind, String ns, String name, Long readyWait, List<String> credentials) {
        this.workload = new ObjectRef(kind, ns, name);
        this.readyWaitMillis = readyWait;
        this.credentialIds = credentials == null || credentials.isEmpty() ? null : new ArrayList<>(credentials);
    }

    /** The workload the run creates, or null when it was not sent to the cluster (or the record is older). */
    public synchronized ObjectRef getWorkload() {
        return workload;
    }

    public synchronized Long getReadyWaitMillis() {
        return readyWaitMillis;
    }

    /** The ids of the credentials the run uses; empty when none. */
    public synchronized List<String> getCredentialIds() {
        return credentialIds == null ? List.of() : credentialIds;
    }

    /**
     * Whether the run's outcome is recorded: a job that ended, a service whose start ended (state
     * RUNNING), a run that failed before it started. Records of earlier versions: a terminal state.
     */
    public synchronized boolean isFinished() {
        return finishedAt != null || state.isTerminal();
    }

    /** Whether the state reached {@code s} (or beyond) at some point. */
    public synchronized boolean reached(RunState s) {
        return state.compareTo(s) >= 0;
    }

    public synchronized Long getFinishedAt() {
        return finishedAt;
    }

    // ---- artifacts and inputs (docs/artifacts.md) -------------------------------------------------

    /** One artifact the run stored: a plain class (XStream and Jackson field access both read it). */
    public static final class Artifact implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String name;
        private final String uri;
        private final long size;
        private final String sha256;
        private final String mediaType;

        /** For readers that set the fields themselves (JSON). */
        private Artifact() {
            this(null, null, 0L, null, null);
        }

        public Artifact(String name, String uri, long size, String sha256, String mediaType) {
            this.name = name;
            this.uri = uri;
            this.size = size;
            this.sha256 = sha256;
            this.mediaType = mediaType;
        }

        public String getName() {
            return name;
        }

        /** {@code s3://bucket/key}. */
        public String getUri() {
            return uri;
        }

        public long getSize() {
            return size;
        }

        /** The SHA-256 of the content in hex, or null when the writer did not record one. */
        public String getSha256() {
            return sha256;
        }

        public String getMediaType() {
            return mediaType;
        }
    }

    /** One input of the run: its name, the URI, and the run that produced it when known. */
    public static final class Input implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String name;
        private final String uri;
        private final String producerRunId;
        private final String producerFunction;

        /** For readers that set the fields themselves (JSON). */
        private Input() {
            this(null, null, null, null);
        }

        public Input(String name, String uri, String producerRunId, String producerFunction) {
            this.name = name;
            this.uri = uri;
            this.producerRunId = producerRunId;
            this.producerFunction = producerFunction;
        }

        public String getName() {
            return name;
        }

        public String getUri() {
            return uri;
        }

        /** The id of the run whose artifact this is, or null when it is not a run's of this build. */
        public String getProducerRunId() {
            return producerRunId;
        }

        public String getProducerFunction() {
            return producerFunction;
        }
    }

    public synchronized List<Artifact> getArtifacts() {
        return artifacts == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(artifacts));
    }

    public synchronized void setArtifacts(List<Artifact> value) {
        this.artifacts = value == null || value.isEmpty() ? null : new ArrayList<>(value);
    }

    public synchronized List<Input> getInputs() {
        return inputs == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(inputs));
    }

    public synchronized void setInputs(List<Input> value) {
        this.inputs = value == null || value.isEmpty() ? null : new ArrayList<>(value);
    }

    // ------------------------------------------------------------------ observability (issue 12)
    // Plain fields (strings, numbers, lists, maps): null in records saved before they existed.

    /** The trace the run's workload continued (its TRACEPARENT's trace id), null without one. */
    private String traceId;
    /** The span id the run's workload got as its parent, null without a trace. */
    private String spanId;
    /** The pod's requests and limits as planned, by resource (GPUs included). */
    private Map<String, String> resourceRequests;
    private Map<String, String> resourceLimits;
    /** The run's pods, in the order they were seen; at most {@link #MAX_PODS}. */
    private List<String> pods;
    /** What the run's pods used, sampled from metrics.k8s.io; null when not sampled. */
    private Integer usageSamples;
    private Long cpuPeakMillicores;
    private Long cpuMeanMillicores;
    private Long memoryPeakBytes;
    private Long memoryMeanBytes;
    /** Why the usage has no (or fewer) figures, for people. */
    private String usageNote;

    /** How many pod names a record keeps. */
    public static final int MAX_PODS = 20;

    /** The trace the run's workload continues: its trace id and the span id it got as its parent. */
    public synchronized void traced(String trace, String span) {
        this.traceId = trace;
        this.spanId = span;
    }

    public synchronized String getTraceId() {
        return traceId;
    }

    public synchronized String getSpanId() {
        return spanId;
    }

    /** The requests and limits of the run's pod, by resource name, as Kubernetes quantities. */
    public synchronized void resources(Map<String, String> requests, Map<String, String> limits) {
        // sorted, in a plain map: XStream (build.xml) reads a LinkedHashMap with no reflection into it
        this.resourceRequests = requests == null || requests.isEmpty() ? null
                : new java.util.LinkedHashMap<>(new TreeMap<>(requests));
        this.resourceLimits = limits == null || limits.isEmpty() ? null
                : new java.util.LinkedHashMap<>(new TreeMap<>(limits));
    }

    public synchronized Map<String, String> getResourceRequests() {
        return resourceRequests == null ? Map.of()
                : Collections.unmodifiableMap(new java.util.LinkedHashMap<>(resourceRequests));
    }

    public synchronized Map<String, String> getResourceLimits() {
        return resourceLimits == null ? Map.of()
                : Collections.unmodifiableMap(new java.util.LinkedHashMap<>(resourceLimits));
    }

    /** A pod of the run, seen for the first time; kept once, the first {@link #MAX_PODS} only. */
    public synchronized void addPod(String name) {
        if (pods == null) {
            pods = new ArrayList<>();
        }
        if (name != null && pods.size() < MAX_PODS && !pods.contains(name)) {
            pods.add(name);
        }
    }

    public synchronized List<String> getPods() {
        return pods == null ? List.of() : List.copyOf(pods);
    }

    /**
     * What the run's pods used: the number of samples, peak and mean CPU (millicores) and memory
     * (bytes), null figures when there were no samples, and a note saying why, if any.
     */
    public synchronized void usage(int samples, Long cpuPeak, Long cpuMean, Long memoryPeak, Long memoryMean,
                                   String note) {
        this.usageSamples = samples;
        this.cpuPeakMillicores = cpuPeak;
        this.cpuMeanMillicores = cpuMean;
        this.memoryPeakBytes = memoryPeak;
        this.memoryMeanBytes = memoryMean;
        this.usageNote = note;
    }

    /** How many usage samples were taken; null when the usage was not sampled. */
    public synchronized Integer getUsageSamples() {
        return usageSamples;
    }

    public synchronized Long getCpuPeakMillicores() {
        return cpuPeakMillicores;
    }

    public synchronized Long getCpuMeanMillicores() {
        return cpuMeanMillicores;
    }

    public synchronized Long getMemoryPeakBytes() {
        return memoryPeakBytes;
    }

    public synchronized Long getMemoryMeanBytes() {
        return memoryMeanBytes;
    }

    public synchronized String getUsageNote() {
        return usageNote;
    }
}
