package io.jenkins.plugins.functions.jenkins.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
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
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.impl.ContainerRuntime;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The registry's contents after runs, as the metrics plugin's {@code /metrics/.../metrics} and
 * the prometheus plugin would read them: counters, timers and gauges by the documented names.
 */
class DropwizardMetricsTest {

    private static final ContainerRuntime CONTAINER = new ContainerRuntime();

    private static RunOutcome run(FunctionEngine engine, String image) throws Exception {
        FunctionSpec spec = CONTAINER.validate(FunctionSpec.of("hello", "container", Map.of("image", image)));
        CompletableFuture<RunOutcome> done = new CompletableFuture<>();
        engine.start(CONTAINER.plan(RunRequest.builder(spec, ActionKind.JOB)
                .runId(UUID.randomUUID().toString().substring(0, 10)).namespace("default").build()),
                (RunListener) done::complete);
        return done.get(30, TimeUnit.SECONDS);
    }

    @Test
    void runsFillTheRegistryWithTheDocumentedNames() throws Exception {
        MetricRegistry registry = new MetricRegistry();
        EngineMetrics metrics = new EngineMetrics(new DropwizardMetrics(registry));
        try (ClusterSimulator sim = ClusterSimulator.start();
             KubernetesClient client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false,
                     "default"));
             FunctionEngine engine = new FunctionEngine(client, EngineOptions.defaults()
                     .withLogDrainTimeout(Duration.ofSeconds(5))).withMetrics(metrics)) {
            sim.onImage("example.com/ok:1", PodBehavior.succeed().logs("one", "two", "three"));
            sim.onImage("example.com/oom:1", PodBehavior.succeed().oomKilled());
            assertThat(run(engine, "example.com/ok:1").state()).isEqualTo(RunState.COMPLETED);
            assertThat(run(engine, "example.com/ok:1").state()).isEqualTo(RunState.COMPLETED);
            assertThat(run(engine, "example.com/oom:1").state()).isEqualTo(RunState.ERROR);
        }
        Map<String, Counter> counters = registry.getCounters();
        assertThat(counters.get("function-runtimes.run.started.container.job").getCount()).isEqualTo(3);
        assertThat(counters.get("function-runtimes.run.finished.container.job.completed").getCount()).isEqualTo(2);
        assertThat(counters.get("function-runtimes.run.finished.container.job.error").getCount()).isEqualTo(1);
        assertThat(counters.get("function-runtimes.run.errors.container.job.OOMKilled").getCount()).isEqualTo(1);
        assertThat(counters.get("function-runtimes.logs.lines").getCount()).isEqualTo(6);
        assertThat(counters.get("function-runtimes.logs.bytes").getCount()).isEqualTo(2 * "one\ntwo\nthree\n".length());
        assertThat(counters.get("function-runtimes.kubernetes.requests.create").getCount()).isEqualTo(3);
        assertThat(counters.get("function-runtimes.kubernetes.requests.delete").getCount()).isEqualTo(3);
        Timer duration = registry.getTimers().get("function-runtimes.run.duration.container.job");
        assertThat(duration.getCount()).isEqualTo(3);
        assertThat(duration.getSnapshot().getMax()).isPositive();
        assertThat(registry.getTimers().get("function-runtimes.run.time-to-running.container.job").getCount())
                .isEqualTo(3);
        assertThat(registry.getGauges()).containsKeys("function-runtimes.run.active",
                "function-runtimes.run.active.container.job", "function-runtimes.services.live");
        assertThat(registry.getGauges().get("function-runtimes.run.active").getValue()).isEqualTo(0L);
        assertThat(registry.getNames()).as("a few series per kind of run, none per run or function")
                .allMatch(n -> n.startsWith("function-runtimes.")).noneMatch(n -> n.contains("hello"));
    }

    @Test
    void aNameTakenByAnotherKindOfMetricIsLeftAlone() {
        MetricRegistry registry = new MetricRegistry();
        registry.counter("function-runtimes.services.live");
        MetricsSink sink = new DropwizardMetrics(registry);
        new EngineMetrics(sink).liveServices(3);
        assertThat(registry.getCounters()).containsKey("function-runtimes.services.live");
        assertThat(registry.getGauges()).containsKey("function-runtimes.run.active");
        registry.gauge("function-runtimes.logs.lines", () -> () -> 1);
        sink.count("function-runtimes.logs.lines", 1); // taken by a gauge: not counted, no exception
        sink.duration("function-runtimes.logs.lines", java.time.Duration.ofSeconds(1));
        assertThat(registry.getGauges().get("function-runtimes.logs.lines").getValue()).isEqualTo(1);
    }
}
