package io.jenkins.plugins.functions.kubernetes;

import java.time.Duration;
import java.util.Objects;

/**
 * How the engine copies logs when many runs go at once. A followed log holds one HTTP client
 * thread for as long as it streams (fabric8 6.10's okhttp backend reads each response body with a
 * blocking loop), so only {@code liveStreams} logs are followed live; the others are read by time
 * ({@code sinceTime}) every {@code pollInterval}, at most {@code pollsInFlight} reads at once.
 * Threads stay bounded whatever the number of runs; a polled line arrives within about one
 * interval.
 *
 * @param liveStreams   logs followed live at once
 * @param pollsInFlight time-based reads under way at once
 * @param pollInterval  how often a polled log is read
 */
public record LogLimits(int liveStreams, int pollsInFlight, Duration pollInterval) {

    public LogLimits {
        if (liveStreams < 0 || pollsInFlight < 1) {
            throw new IllegalArgumentException("liveStreams must be 0 or more, pollsInFlight 1 or more");
        }
        Objects.requireNonNull(pollInterval, "pollInterval");
    }

    public static LogLimits defaults() {
        // 8 live streams + the engine's 10 request slots (the reads in flight, at most 6, take
        // some of them) and its timer stay under 20 threads beyond rest, whatever the number of
        // runs (docs/performance.md).
        return new LogLimits(8, 6, Duration.ofSeconds(1));
    }
}
