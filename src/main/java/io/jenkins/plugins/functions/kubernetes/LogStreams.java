package io.jenkins.plugins.functions.kubernetes;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How an engine copies its runs' logs: followed live on at most {@link LogLimits#liveStreams()}
 * streams at once, each a connection held open; a log that finds none free is polled by one
 * {@link LogPoller}, started with the first such log. Bounding the live streams bounds the
 * engine's threads (see {@link FunctionEngine#REQUESTS_IN_FLIGHT}).
 */
final class LogStreams {

    private final LogFollower follower;
    private final LogLimits limits;
    private final ScheduledExecutorService timer;
    private final RequestSlots slots;
    private final AtomicInteger live = new AtomicInteger();
    /** Guarded by this. */
    private LogPoller poller;

    LogStreams(LogFollower follower, LogLimits limits, ScheduledExecutorService timer, RequestSlots slots) {
        this.follower = follower;
        this.limits = limits;
        this.timer = timer;
        this.slots = slots;
    }

    /** Follows or reads one container's log. */
    LogFollower follower() {
        return follower;
    }

    /** Takes one of the live log streams, if one is free; {@link #releaseLive()} gives it back. */
    boolean acquireLive() {
        while (true) {
            int n = live.get();
            if (n >= limits.liveStreams()) {
                return false;
            }
            if (live.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void releaseLive() {
        live.decrementAndGet();
    }

    /** The logs followed live right now. */
    int live() {
        return live.get();
    }

    /** The poller of the logs not followed live; started with the first one. */
    synchronized LogPoller poller() {
        if (poller == null) {
            poller = new LogPoller(follower, timer, limits, slots);
        }
        return poller;
    }

    /** Stops the poller, if it was started. */
    synchronized void close() {
        if (poller != null) {
            poller.close();
        }
    }
}
