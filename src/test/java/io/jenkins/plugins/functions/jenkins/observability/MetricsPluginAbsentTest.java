package io.jenkins.plugins.functions.jenkins.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineMetrics;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.kubernetes.RunListener;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.observability.MetricsSink;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.impl.ContainerRuntime;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The metrics plugin is an optional dependency: without it (and so without Dropwizard) the
 * plugin's classes must load and runs must go on, reporting nothing. Tested the way Jenkins would
 * load the plugin without it: a class loader that defines the plugin's classes itself and cannot
 * see {@code com.codahale.*} or {@code jenkins.metrics.*}.
 */
class MetricsPluginAbsentTest {

    /** The plugin's classes, defined here so their links resolve here; Dropwizard and the metrics plugin hidden. */
    static final class WithoutMetricsPlugin extends ClassLoader {
        final Set<String> defined = ConcurrentHashMap.newKeySet();
        final Set<String> refused = ConcurrentHashMap.newKeySet();

        WithoutMetricsPlugin(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (name.startsWith("com.codahale.") || name.startsWith("jenkins.metrics.")) {
                    refused.add(name);
                    throw new ClassNotFoundException(name + " (the metrics plugin is not installed)");
                }
                if (!name.startsWith("io.jenkins.plugins.functions.")) {
                    return super.loadClass(name, resolve);
                }
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                        if (in == null) {
                            throw new ClassNotFoundException(name);
                        }
                        byte[] bytes = in.readAllBytes();
                        c = defineClass(name, bytes, 0, bytes.length);
                        defined.add(name);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                return c;
            }
        }
    }

    /** Runs inside {@link WithoutMetricsPlugin}: the Jenkins metrics, then a run with them. */
    public static final class Probe {
        public static String run() throws Exception {
            JenkinsMetrics.use(null);
            EngineMetrics metrics = JenkinsMetrics.engineMetrics();
            if (metrics.enabled() || metrics.sink() != MetricsSink.NONE) {
                throw new AssertionError("metrics reported without the metrics plugin: " + metrics.sink());
            }
            ContainerRuntime container = new ContainerRuntime();
            try (ClusterSimulator sim = ClusterSimulator.start();
                 KubernetesClient client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null,
                         false, "default"));
                 FunctionEngine engine = new FunctionEngine(client, EngineOptions.defaults()
                         .withLogDrainTimeout(Duration.ofSeconds(5))).withMetrics(metrics)
                         .sampleUsageEvery(Duration.ofMillis(100))) {
                sim.onImage("example.com/hello:1", PodBehavior.succeed().logs("hello"));
                FunctionSpec spec = container.validate(FunctionSpec.of("hello", "container",
                        Map.of("image", "example.com/hello:1")));
                CompletableFuture<RunOutcome> done = new CompletableFuture<>();
                engine.start(container.plan(RunRequest.builder(spec, ActionKind.JOB).runId("abs0000001")
                        .namespace("default").build()), (RunListener) done::complete);
                return done.get(30, TimeUnit.SECONDS).state().name();
            } finally {
                JenkinsMetrics.use(null);
            }
        }
    }

    @Test
    void withoutTheMetricsPluginNothingIsReportedAndRunsGoOn() throws Exception {
        WithoutMetricsPlugin loader = new WithoutMetricsPlugin(getClass().getClassLoader());
        Object state = loader.loadClass(Probe.class.getName()).getMethod("run").invoke(null);

        assertThat(state).isEqualTo("COMPLETED");
        assertThat(loader.defined).as("the plugin's own classes were loaded there")
                .contains(JenkinsMetrics.class.getName(), FunctionEngine.class.getName());
        assertThat(loader.defined).as("the Dropwizard binding is never loaded without the metrics plugin")
                .doesNotContain(DropwizardMetrics.class.getName());
        assertThat(loader.refused).as("only the presence check asked for the metrics plugin")
                .containsExactly(JenkinsMetrics.METRICS_API);
    }

    @Test
    void aMetricsPluginWithoutItsRegistryReportsNothing() {
        // here both are visible, but the metrics plugin's API is a signature class: its registry "fails"
        assertThat(JenkinsMetrics.sink(getClass().getClassLoader())).isSameAs(MetricsSink.NONE);
    }
}
