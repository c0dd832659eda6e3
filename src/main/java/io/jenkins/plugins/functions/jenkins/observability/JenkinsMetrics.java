package io.jenkins.plugins.functions.jenkins.observability;

import io.jenkins.plugins.functions.kubernetes.EngineMetrics;
import io.jenkins.plugins.functions.observability.MetricsSink;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where the plugin's metrics go in Jenkins: the metrics plugin's registry when that (optional)
 * plugin is installed and enabled, else nowhere. Decided once, on first use; one
 * {@link EngineMetrics} for every engine (cluster connection), so the gauges add up all runs.
 *
 * <p>Whether the metrics plugin is there is asked of this plugin's class loader, by class name,
 * before {@link DropwizardMetrics} is ever named: without the plugin neither Dropwizard nor the
 * metrics plugin's API is linked, and nothing breaks (tested with a class loader that hides them).
 */
public final class JenkinsMetrics {

    private static final Logger LOGGER = Logger.getLogger(JenkinsMetrics.class.getName());

    static final String METRICS_API = "jenkins.metrics.api.Metrics";
    static final String DROPWIZARD = "com.codahale.metrics.MetricRegistry";

    private static volatile EngineMetrics shared;

    private JenkinsMetrics() {
    }

    /** The metrics every engine of this Jenkins reports to. */
    public static EngineMetrics engineMetrics() {
        EngineMetrics m = shared;
        if (m == null) {
            synchronized (JenkinsMetrics.class) {
                if (shared == null) {
                    shared = new EngineMetrics(sink(JenkinsMetrics.class.getClassLoader()));
                }
                m = shared;
            }
        }
        return m;
    }

    /** For tests: the metrics the engines report to from now on; null decides again on next use. */
    public static void use(EngineMetrics metrics) {
        shared = metrics;
    }

    /**
     * The metrics plugin's registry as a sink, or {@link MetricsSink#NONE} when the plugin (or
     * Dropwizard) is not visible to {@code loader}, or its registry is not available (the plugin
     * disabled or failed to start).
     */
    static MetricsSink sink(ClassLoader loader) {
        try {
            Class.forName(METRICS_API, false, loader);
            Class.forName(DROPWIZARD, false, loader);
        } catch (ClassNotFoundException | LinkageError absent) {
            LOGGER.log(Level.FINE, "the metrics plugin is not installed: Function Runtimes reports no metrics");
            return MetricsSink.NONE;
        }
        try {
            return DropwizardMetrics.ofMetricsPlugin();
        } catch (RuntimeException | LinkageError | AssertionError unavailable) {
            // AssertionError: the metrics plugin's own way of saying its registry is missing
            LOGGER.log(Level.WARNING, "Function Runtimes cannot use the metrics plugin's registry: {0}",
                    unavailable.toString());
            return MetricsSink.NONE;
        }
    }
}
