package io.jenkins.plugins.functions.observability;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Where the engine reports its metrics, by name: counters, histograms of durations and gauges.
 * The engine knows no metrics library; the Jenkins glue binds this to the metrics plugin's
 * Dropwizard registry when that plugin is installed, and everything else gets {@link #NONE}.
 * Names and what they mean: {@link MetricNames}.
 *
 * <p>Called from the engine's threads and the HTTP client's, often (a log line is one call):
 * implementations must be thread-safe, cheap and never block or throw.
 */
public interface MetricsSink {

    /** Reports nothing. */
    MetricsSink NONE = new MetricsSink() {
        @Override
        public void count(String name, long delta) {
        }

        @Override
        public void duration(String name, Duration value) {
        }

        @Override
        public void gauge(String name, LongSupplier value) {
        }

        @Override
        public String toString() {
            return "MetricsSink.NONE";
        }
    };

    /** Adds {@code delta} to the counter {@code name} (created at 0 on first use). */
    void count(String name, long delta);

    /** Adds one value to the histogram of durations {@code name} (a Dropwizard timer). */
    void duration(String name, Duration value);

    /**
     * Registers the gauge {@code name}, read whenever the metrics are read: {@code value} must be
     * cheap and must not block (no network). A name already registered keeps its first gauge.
     */
    void gauge(String name, LongSupplier value);
}
