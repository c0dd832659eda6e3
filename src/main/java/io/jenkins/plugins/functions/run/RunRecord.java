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
 * <p>It is persisted with the Jenkins build (XStream) and exported to the REST API, so it holds
 * only strings, numbers and small value types of this package: never a fabric8 object, never a
 * secret (parameters are the user's own values; credential-backed values never reach here).
 * It is updated while the run goes, from the engine's threads, hence synchronized.
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

    /** Records the result; the terminal transition is recorded with it. */
    public synchronized void finish(RunOutcome outcome, String outputsJson) {
        transition(outcome.state(), outcome.finishedAt() == null ? System.currentTimeMillis()
                : outcome.finishedAt().toEpochMilli(), outcome.reason());
        this.exitCode = outcome.exitCode();
        this.reason = outcome.reason();
        this.message = outcome.message();
        this.outputs = outputsJson;
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
