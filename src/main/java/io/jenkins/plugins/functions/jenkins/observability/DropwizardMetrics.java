package io.jenkins.plugins.functions.jenkins.observability;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.jenkins.plugins.functions.observability.MetricsSink;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The engine's metrics in a Dropwizard registry: counters, timers (the histograms of durations)
 * and gauges, by name. The only class of the plugin that names Dropwizard or the metrics plugin:
 * it is loaded only when {@link JenkinsMetrics} found both ({@code metrics} is an optional
 * dependency), so without them nothing here is ever linked.
 */
final class DropwizardMetrics implements MetricsSink {

    private static final Logger LOGGER = Logger.getLogger(DropwizardMetrics.class.getName());

    private final MetricRegistry registry;

    DropwizardMetrics(MetricRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The metrics plugin's registry, which the prometheus plugin and the others export. */
    static MetricsSink ofMetricsPlugin() {
        return new DropwizardMetrics(jenkins.metrics.api.Metrics.metricRegistry());
    }

    @Override
    public void count(String name, long delta) {
        try {
            registry.counter(name).inc(delta);
        } catch (IllegalArgumentException taken) {
            taken(name, taken); // a sink never throws into the engine's threads
        }
    }

    @Override
    public void duration(String name, Duration value) {
        try {
            registry.timer(name).update(value);
        } catch (IllegalArgumentException taken) {
            taken(name, taken);
        }
    }

    @Override
    public void gauge(String name, LongSupplier value) {
        try {
            registry.gauge(name, () -> (Gauge<Long>) value::getAsLong);
        } catch (IllegalArgumentException taken) {
            taken(name, taken);
        }
    }

    /** Another kind of metric has that name (another plugin's): this one is not shown, nothing else breaks. */
    private static void taken(String name, IllegalArgumentException e) {
        LOGGER.log(Level.FINE, "metric " + name + " exists as another kind of metric", e);
    }

    @Override
    public String toString() {
        return "DropwizardMetrics[" + registry.getNames().size() + " metrics]";
    }
}
