package io.jenkins.plugins.functions.observability;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The names of the plugin's metrics. Dropwizard metrics have no labels, so a metric's dimensions
 * are the last segments of its name, in a fixed order ({@code function-runtimes.run.finished.
 * <runtime>.<action>.<state>}): every dimension takes few values (runtimes, actions, states,
 * reasons, verbs, status codes), never one per run or per function. The words follow the
 * OpenTelemetry CI/CD conventions ({@code cicd.pipeline.run.duration}, {@code .active},
 * {@code .errors}) and Tekton's ({@code taskrun_total}, {@code running_taskruns}) as far as a
 * dotted name allows; see {@code docs/observability.md} for the list and a Prometheus example.
 */
public final class MetricNames {

    public static final String PREFIX = "function-runtimes";

    /** Counter, {@code .<runtime>.<action>}: runs handed to the cluster (and resumed ones not). */
    public static final String RUN_STARTED = PREFIX + ".run.started";
    /**
     * Counter, {@code .<runtime>.<action>.<state>}: runs that ended, with their state
     * ({@code completed}, {@code error}, {@code stopped}; {@code running} for a service whose start
     * succeeded). Runs refused before reaching the cluster count here as {@code error}.
     */
    public static final String RUN_FINISHED = PREFIX + ".run.finished";
    /** Counter, {@code .<runtime>.<action>.<reason>}: runs that ended in error, by reason ({@code OOMKilled}, ...). */
    public static final String RUN_ERRORS = PREFIX + ".run.errors";
    /** Histogram of durations, {@code .<runtime>.<action>}: from the hand-over to the cluster to the end. */
    public static final String RUN_DURATION = PREFIX + ".run.duration";
    /**
     * Histogram of durations, {@code .<runtime>.<action>}: from the hand-over to state RUNNING
     * (the workload's first container runs).
     */
    public static final String RUN_TIME_TO_RUNNING = PREFIX + ".run.time-to-running";
    /**
     * Histogram of durations, {@code .<runtime>.<action>} ({@code serve}, {@code deploy}): from the
     * hand-over to the service being ready (its rollout available), for starts that got there.
     */
    public static final String RUN_TIME_TO_READY = PREFIX + ".run.time-to-ready";
    /** Gauge: runs the engines follow now; with {@code .<runtime>.<action>}, those of that kind. */
    public static final String RUN_ACTIVE = PREFIX + ".run.active";
    /** Counter: runs re-attached after a controller restart. */
    public static final String RUN_RESUMED = PREFIX + ".run.resumed";
    /** Gauge: services and deployments live in the namespaces the plugin uses (refreshed periodically). */
    public static final String SERVICES_LIVE = PREFIX + ".services.live";
    /** Counter, {@code .<verb>}: requests to the Kubernetes API ({@code get}, {@code list}, {@code watch}, ...). */
    public static final String API_REQUESTS = PREFIX + ".kubernetes.requests";
    /** Counter, {@code .<verb>.<status code>}: API responses with a status of 400 or more. */
    public static final String API_ERRORS = PREFIX + ".kubernetes.errors";
    /** Counter: container log lines copied to build logs. */
    public static final String LOG_LINES = PREFIX + ".logs.lines";
    /** Counter: bytes (UTF-8) of those lines. */
    public static final String LOG_BYTES = PREFIX + ".logs.bytes";
    /** Counter: objects the orphan sweeper deleted. */
    public static final String ORPHANS_SWEPT = PREFIX + ".orphans.swept";

    /** A value that is not an identifier-like word (a reason) is counted as this. */
    public static final String OTHER = "Other";
    /** A dimension with no value (a run refused before its runtime was known). */
    public static final String UNKNOWN = "unknown";

    private static final Pattern NOT_NAME_CHAR = Pattern.compile("[^A-Za-z0-9_-]");
    private static final Pattern REASON = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,39}");
    private static final int MAX_DIMENSION = 40;

    private MetricNames() {
    }

    /** {@code base.dim1.dim2...}, each dimension made safe for a name ({@link #dimension}). */
    public static String name(String base, String... dimensions) {
        StringBuilder name = new StringBuilder(base);
        for (String d : dimensions) {
            name.append('.').append(dimension(d));
        }
        return name.toString();
    }

    /**
     * A value as one name segment: letters, digits, {@code _} and {@code -} only (a dot would add
     * a segment), at most 40 characters, {@value #UNKNOWN} when empty.
     */
    public static String dimension(String value) {
        if (value == null || value.isBlank()) {
            return UNKNOWN;
        }
        String safe = NOT_NAME_CHAR.matcher(value.trim()).replaceAll("_");
        return safe.length() > MAX_DIMENSION ? safe.substring(0, MAX_DIMENSION) : safe;
    }

    /** A state as a dimension: lower case ({@code COMPLETED} gives {@code completed}). */
    public static String state(Enum<?> state) {
        return state == null ? UNKNOWN : state.name().toLowerCase(Locale.ROOT);
    }

    /**
     * A reason as a dimension: kept when it is a word of letters and digits (the kubelet's and the
     * engine's reasons: {@code OOMKilled}, {@code DeadlineExceeded}, ...), else {@value #OTHER}, so
     * free text can never make a series of its own.
     */
    public static String reason(String reason) {
        return reason != null && REASON.matcher(reason).matches() ? reason : OTHER;
    }
}
