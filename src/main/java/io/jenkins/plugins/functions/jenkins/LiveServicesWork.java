package io.jenkins.plugins.functions.jenkins;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.TaskListener;
import io.jenkins.plugins.functions.jenkins.config.FunctionRuntimesConfiguration;
import io.jenkins.plugins.functions.jenkins.observability.JenkinsMetrics;
import io.jenkins.plugins.functions.kubernetes.EngineMetrics;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.LiveService;
import io.jenkins.plugins.functions.kubernetes.ServiceCatalog;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every 5 minutes, when the plugin reports metrics (the metrics plugin is installed), counts the
 * services and deployments live in the namespaces the plugin uses, for the gauge
 * {@code function-runtimes.services.live}: a gauge is read whenever the metrics are scraped and
 * must not ask the cluster then. One listing per cluster connection used since Jenkins started,
 * in the namespaces the orphan sweeper looks at ({@link OrphanSweeperWork#namespaces}); nothing
 * at all without the metrics plugin.
 */
@Extension
public class LiveServicesWork extends AsyncPeriodicWork {

    private static final Logger LOGGER = Logger.getLogger(LiveServicesWork.class.getName());

    /** How often the count is made. */
    public static final long PERIOD_MILLIS = TimeUnit.MINUTES.toMillis(5);
    /** How long one count may wait for the cluster. */
    static final Duration LIST_TIMEOUT = Duration.ofSeconds(30);

    public LiveServicesWork() {
        super("Function Runtimes live services count");
    }

    @Override
    public long getRecurrencePeriod() {
        return PERIOD_MILLIS;
    }

    /** A minute after Jenkins started: the metrics are registered then, the count follows. */
    @Override
    public long getInitialDelay() {
        return TimeUnit.MINUTES.toMillis(1);
    }

    @Override
    protected void execute(TaskListener listener) {
        EngineMetrics metrics = JenkinsMetrics.engineMetrics();
        Collection<FunctionEngine> engines = Clusters.engines();
        if (!metrics.enabled() || engines.isEmpty()) {
            return;
        }
        FunctionRuntimesConfiguration config = FunctionRuntimesConfiguration.get();
        Map<FunctionEngine, Set<String>> targets = new LinkedHashMap<>();
        for (FunctionEngine engine : engines) {
            targets.put(engine, OrphanSweeperWork.namespaces(engine, config.getNamespace(),
                    config.getAllowedNamespaces()));
        }
        metrics.liveServices(count(targets, LIST_TIMEOUT));
    }

    /**
     * The services and deployments live in those namespaces, each counted once (two connections to
     * the same cluster, after a rotated token, see the same ones).
     */
    static long count(Map<FunctionEngine, ? extends Collection<String>> targets, Duration timeout) {
        Set<String> seen = new HashSet<>();
        for (Map.Entry<FunctionEngine, ? extends Collection<String>> t : targets.entrySet()) {
            ServiceCatalog.Listing listing = ServiceCatalog.list(t.getKey().client(), t.getValue(), timeout);
            if (!listing.errors().isEmpty()) {
                LOGGER.log(Level.FINE, "Function Runtimes live services count: {0}", listing.errors());
            }
            for (LiveService s : listing.services()) {
                seen.add(t.getKey().client().getMasterUrl() + " " + s.namespace() + " " + s.kind() + " " + s.name());
            }
        }
        return seen.size();
    }
}
