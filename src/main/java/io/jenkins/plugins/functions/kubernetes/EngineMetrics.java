package io.jenkins.plugins.functions.kubernetes;

import static io.jenkins.plugins.functions.observability.MetricNames.name;

import io.jenkins.plugins.functions.observability.MetricNames;
import io.jenkins.plugins.functions.observability.MetricsSink;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the engines report to a {@link MetricsSink}, named by {@link MetricNames}: one per metrics
 * registry, shared by every engine that reports there (Jenkins has one engine per cluster
 * connection and one registry), so the gauges add up the runs of all of them. Thread-safe; every
 * call is a few map lookups and an increment.
 */
public final class EngineMetrics {

    /** Reports nothing; the default of an engine. */
    public static final EngineMetrics NONE = new EngineMetrics(MetricsSink.NONE);

    private final MetricsSink sink;
    /** False for {@link MetricsSink#NONE}: nothing is named or counted then (a call per request and log line). */
    private final boolean enabled;
    private final Set<FunctionEngine> engines = ConcurrentHashMap.newKeySet();
    /** The run kinds whose gauge of active runs is registered. */
    private final Set<RunTags> gauged = ConcurrentHashMap.newKeySet();
    /** The live services the last count found; -1 before a count. */
    private final AtomicLong liveServices = new AtomicLong(-1);

    public EngineMetrics(MetricsSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.enabled = sink != MetricsSink.NONE;
        sink.gauge(MetricNames.RUN_ACTIVE, this::activeRuns);
        sink.gauge(MetricNames.SERVICES_LIVE, () -> Math.max(0, liveServices.get()));
    }

    /** Whether anything is reported (false for {@link MetricsSink#NONE}). */
    public boolean enabled() {
        return enabled;
    }

    public MetricsSink sink() {
        return sink;
    }

    void attach(FunctionEngine engine) {
        engines.add(engine);
    }

    void detach(FunctionEngine engine) {
        engines.remove(engine);
    }

    /** Runs every attached engine follows now. */
    public long activeRuns() {
        long n = 0;
        for (FunctionEngine e : engines) {
            n += e.activeRuns();
        }
        return n;
    }

    /** Runs of this kind every attached engine follows now. */
    public long activeRuns(RunTags tags) {
        long n = 0;
        for (FunctionEngine e : engines) {
            n += e.activeRuns(tags);
        }
        return n;
    }

    /** A run was handed to the cluster. */
    void started(RunTags tags) {
        if (!enabled) {
            return;
        }
        sink.count(name(MetricNames.RUN_STARTED, tags.runtime(), tags.action()), 1);
        gauge(tags);
    }

    /** A run was re-attached after a restart. */
    void resumed(RunTags tags) {
        if (!enabled) {
            return;
        }
        sink.count(MetricNames.RUN_RESUMED, 1);
        gauge(tags);
    }

    private void gauge(RunTags tags) {
        if (gauged.add(tags)) {
            sink.gauge(name(MetricNames.RUN_ACTIVE, tags.runtime(), tags.action()), () -> activeRuns(tags));
        }
    }

    /** A run reached RUNNING (its workload's first container runs), {@code after} its hand-over. */
    void running(RunTags tags, Duration after) {
        if (!enabled) {
            return;
        }
        sink.duration(name(MetricNames.RUN_TIME_TO_RUNNING, tags.runtime(), tags.action()), after);
    }

    /**
     * A run ended, {@code after} its hand-over to the cluster (null when not known: a resumed run).
     */
    void finished(RunTags tags, RunOutcome outcome, Duration after) {
        if (!enabled) {
            return;
        }
        ended(tags, outcome.state(), outcome.reason());
        if (after != null) {
            sink.duration(name(MetricNames.RUN_DURATION, tags.runtime(), tags.action()), after);
            if (outcome.state() == RunState.RUNNING) {
                // a service's start ends when it is ready
                sink.duration(name(MetricNames.RUN_TIME_TO_READY, tags.runtime(), tags.action()), after);
            }
        }
    }

    /**
     * A run that ended before it reached the cluster (its function refused, no credential, aborted
     * before its start, ...): counted as finished with its state, and its reason when in error.
     *
     * @param runtime the runtime when known, else null
     */
    public void endedBeforeStart(String runtime, String action, RunState state, String reason) {
        if (!enabled) {
            return;
        }
        ended(new RunTags(runtime, action), state, reason);
    }

    private void ended(RunTags tags, RunState state, String reason) {
        sink.count(name(MetricNames.RUN_FINISHED, tags.runtime(), tags.action(), MetricNames.state(state)), 1);
        if (state == RunState.ERROR) {
            sink.count(name(MetricNames.RUN_ERRORS, tags.runtime(), tags.action(), MetricNames.reason(reason)), 1);
        }
    }

    /** A request to the Kubernetes API was sent. */
    void request(String verb) {
        if (!enabled) {
            return;
        }
        sink.count(name(MetricNames.API_REQUESTS, verb), 1);
    }

    /** A request to the Kubernetes API was answered with an error status. */
    void error(String verb, int status) {
        if (!enabled) {
            return;
        }
        sink.count(name(MetricNames.API_ERRORS, verb, Integer.toString(status)), 1);
    }

    /** A log line of {@code bytes} bytes was copied. */
    void logLine(long bytes) {
        if (!enabled) {
            return;
        }
        sink.count(MetricNames.LOG_LINES, 1);
        sink.count(MetricNames.LOG_BYTES, bytes);
    }

    /** The orphan sweeper deleted objects. */
    void orphansSwept(int objects) {
        if (!enabled) {
            return;
        }
        if (objects > 0) {
            sink.count(MetricNames.ORPHANS_SWEPT, objects);
        }
    }

    /** How many services and deployments a count found live (the gauge shows the last count). */
    public void liveServices(long count) {
        liveServices.set(count);
    }
}
