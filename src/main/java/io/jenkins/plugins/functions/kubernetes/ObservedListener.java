package io.jenkins.plugins.functions.kubernetes;

import io.jenkins.plugins.functions.observability.ResourceUsage;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What the engine puts in front of every run's listener to observe it: the run's metrics (time
 * to RUNNING, log lines and bytes, the end) and, just before the end, the resource usage its
 * pods' samples add up to ({@link UsageSampler}). Everything else passes through unchanged.
 */
final class ObservedListener implements RunListener {

    private final RunListener delegate;
    private final FunctionEngine engine;
    private final RunRef ref;
    private final RunTags tags;
    /** When the engine got the run ({@link System#nanoTime()}); null for a run re-attached after a restart. */
    private final Long startedNanos;
    private boolean running;
    private volatile String note;
    /** Whether a pod of the run was seen: a run that never had one has no usage to tell. */
    private volatile boolean hadPod;

    ObservedListener(RunListener delegate, FunctionEngine engine, RunRef ref, RunTags tags, Long startedNanos) {
        this.delegate = delegate;
        this.engine = engine;
        this.ref = ref;
        this.tags = tags;
        this.startedNanos = startedNanos;
    }

    /** Says once, in the run's narration, why its resource usage has no (or fewer) figures. */
    void note(String text) {
        synchronized (this) {
            if (note != null) {
                return;
            }
            note = text;
        }
        delegate.onEvent(text);
    }

    @Override
    public void onEvent(String message) {
        delegate.onEvent(message);
    }

    @Override
    public void onState(RunState state, Instant at, String detail) {
        if (state == RunState.RUNNING && !running) {
            running = true;
            Duration since = since();
            if (since != null) {
                engine.metrics().running(tags, since);
            }
        }
        delegate.onState(state, at, detail);
    }

    @Override
    public void onLog(LogLine line) {
        EngineMetrics metrics = engine.metrics();
        if (metrics.enabled()) {
            metrics.logLine(utf8Length(line.text()) + 1L); // with its end of line
        }
        delegate.onLog(line);
    }

    @Override
    public void onLogCursor(LogCursor cursor) {
        delegate.onLogCursor(cursor);
    }

    @Override
    public void onReplaced(String previousRunId, Map<String, String> annotations) {
        delegate.onReplaced(previousRunId, annotations);
    }

    @Override
    public void onPod(String namespace, String name) {
        hadPod = true;
        delegate.onPod(namespace, name);
    }

    @Override
    public void onResourceUsage(ResourceUsage usage) {
        delegate.onResourceUsage(usage);
    }

    /** The run's end: its usage is told first, so it is recorded with the outcome, before the workload goes. */
    @Override
    public java.util.concurrent.CompletionStage<Void> onOutcome(RunOutcome outcome) {
        tellUsage();
        return delegate.onOutcome(outcome);
    }

    @Override
    public void onComplete(RunOutcome outcome) {
        try {
            tellUsage(); // a service's start ends without onOutcome
            engine.metrics().finished(tags, outcome, since());
        } finally {
            delegate.onComplete(outcome);
        }
    }

    /** The run's sampled usage, once. */
    private void tellUsage() {
        if (usageTold) {
            return;
        }
        usageTold = true;
        ResourceUsage usage = engine.usage().finish(ref.runId());
        // no pod, no figures: unless the run was told why (no metrics-server), there is nothing to say
        if (usage != null && (hadPod || usage.sampled() || note != null)) {
            delegate.onResourceUsage(usage);
        }
    }

    private volatile boolean usageTold;

    private Duration since() {
        return startedNanos == null ? null : Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** The length of a line in UTF-8, without encoding it. */
    static long utf8Length(String text) {
        long n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
