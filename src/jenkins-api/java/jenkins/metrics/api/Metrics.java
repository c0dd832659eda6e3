package jenkins.metrics.api;

import com.codahale.metrics.MetricRegistry;

/**
 * Signature class: public shape of the metrics plugin's API (metrics 4.2.21-451.vd51df8df52ec),
 * never shipped. The plugin is an optional dependency: only the glue's Dropwizard binding names it.
 */
public class Metrics extends hudson.Plugin {
    public Metrics() {
    }

    /** The registry the metrics plugin keeps and the prometheus plugin exports. */
    public static MetricRegistry metricRegistry() {
        throw new UnsupportedOperationException("signature only");
    }
}
