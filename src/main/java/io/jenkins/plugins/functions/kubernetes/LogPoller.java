package io.jenkins.plugins.functions.kubernetes;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * short response, and takes one of the engine's request slots ({@link RequestSlots}), after a
 * run's end and the creates. See {@link LogLimits}.
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
        /** A read is waiting for its slot or under way: the tick adds no other. */
        private volatile boolean queued;
        private volatile boolean cancelled;
        /** The read started last; guarded by this Polled. */
        private LogFollower.Follow current;
        /** When the last read that ended without error was sent; null before. */
        private volatile Instant lastCompleteRead;

        Polled(String namespace, String pod, String container, Supplier<LogCursor> cursor, Consumer<LogLine> sink) {
            this.namespace = namespace;
            this.pod = pod;
            this.container = container;
            this.cursor = cursor;
            this.sink = sink;
            this.nextDue = System.nanoTime();
        }

        /** Stops polling; a read under way still delivers its lines, one waiting for its slot never starts. */
        void cancel() {
            synchronized (this) {
                cancelled = true;
            }
            polled.remove(this);
        }

        /** Whether a read is under way (the final read must not overlap it). */
        synchronized boolean reading() {
            return current != null && !current.done().isDone();
        }

        /**
         * When the last read that ended without error was sent (this controller's clock), null if
         * none did: a read sent after the container ended returned its whole log.
         */
        Instant lastCompleteRead() {
            return lastCompleteRead;
        }

        /**
         * Sends the read, unless polling was cancelled: atomic with {@link #cancel()}, so that
         * after it a read is either under way ({@link #reading()}) or never sent.
         */
        synchronized CompletableFuture<LogCursor> begin() {
            if (cancelled) {
                return CompletableFuture.completedFuture(null);
            }
            Instant sent = Instant.now();
            current = follower.follow(namespace, pod, container, cursor.get(), false, sink);
            current.done().whenComplete((c, error) -> {
                if (error == null) {
                    lastCompleteRead = sent;
                }
            });
            return current.done();
        }
    }

    private final LogFollower follower;
    private final ScheduledExecutorService timer;
    private final LogLimits limits;
    private final RequestSlots slots;
    private final Map<Polled, Boolean> polled = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private ScheduledFuture<?> tick;

    LogPoller(LogFollower follower, ScheduledExecutorService timer, LogLimits limits, RequestSlots slots) {
        this.follower = follower;
        this.timer = timer;
        this.limits = limits;
        this.slots = slots;
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
            if (p.cancelled || p.queued || now - p.nextDue < 0) {
                continue;
            }
            p.queued = true;
            p.nextDue = now + interval;
            inFlight.incrementAndGet();
            slots.submit(RequestSlots.Kind.POLL, p::begin).whenComplete((c, e) -> {
                inFlight.decrementAndGet();
                p.queued = false;
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
