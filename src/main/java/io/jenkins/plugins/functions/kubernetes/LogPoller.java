package io.jenkins.plugins.functions.kubernetes;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Reads the logs of the runs that are not followed live, by time: every interval, each one's log
 * since its cursor ({@code sinceTime}, non-follow), at most a few reads at once. One tick on the
 * engine's timer thread drives every polled log; a read holds an HTTP client thread only for its
 * short response. See {@link LogLimits}.
 */
final class LogPoller {

    /** One polled log. */
    final class Polled {
        private final String namespace;
        private final String pod;
        private final String container;
        private final Supplier<LogCursor> cursor;
        private final Consumer<LogLine> sink;
        private volatile long nextDue;
        private volatile boolean reading;
        private volatile boolean cancelled;

        Polled(String namespace, String pod, String container, Supplier<LogCursor> cursor, Consumer<LogLine> sink) {
            this.namespace = namespace;
            this.pod = pod;
            this.container = container;
            this.cursor = cursor;
            this.sink = sink;
            this.nextDue = System.nanoTime();
        }

        /** Stops polling; a read under way still delivers its lines. */
        void cancel() {
            cancelled = true;
            polled.remove(this);
        }

        /** Whether a read is under way (the final read must not overlap it). */
        boolean reading() {
            return reading;
        }
    }

    private final LogFollower follower;
    private final ScheduledExecutorService timer;
    private final LogLimits limits;
    private final Map<Polled, Boolean> polled = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private ScheduledFuture<?> tick;

    LogPoller(LogFollower follower, ScheduledExecutorService timer, LogLimits limits) {
        this.follower = follower;
        this.timer = timer;
        this.limits = limits;
    }

    synchronized Polled poll(String namespace, String pod, String container, Supplier<LogCursor> cursor,
                             Consumer<LogLine> sink) {
        Polled p = new Polled(namespace, pod, container, cursor, sink);
        polled.put(p, Boolean.TRUE);
        if (tick == null) {
            long every = Math.max(50, limits.pollInterval().toMillis() / 4);
            tick = timer.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
        }
        return p;
    }

    private void tick() {
        long now = System.nanoTime();
        long interval = limits.pollInterval().toNanos();
        for (Polled p : polled.keySet()) {
            if (inFlight.get() >= limits.pollsInFlight()) {
                return; // the others wait for the next tick
            }
            if (p.cancelled || p.reading || now - p.nextDue < 0) {
                continue;
            }
            p.reading = true;
            p.nextDue = now + interval;
            inFlight.incrementAndGet();
            follower.follow(p.namespace, p.pod, p.container, p.cursor.get(), false, p.sink).done()
                    .whenComplete((c, e) -> {
                        inFlight.decrementAndGet();
                        p.reading = false;
                    });
        }
    }

    synchronized void close() {
        if (tick != null) {
            tick.cancel(false);
        }
        polled.clear();
    }
}
