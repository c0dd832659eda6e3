package io.jenkins.plugins.functions.jenkins.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.jenkins.FakeStepContext;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.jenkins.history.ResourceUsageView;
import io.jenkins.plugins.functions.jenkins.history.RunLinkView;
import io.jenkins.plugins.functions.jenkins.steps.RunFunctionStep;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineMetrics;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.observability.LinkTemplate;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.MetricsServer;
import io.jenkins.plugins.functions.testing.PodBehavior;
import io.jenkins.plugins.functions.testing.RecordingSink;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A run's observability through the path a Pipeline takes ({@code runFunction}, with test doubles
 * of the step context and the build, against the cluster simulation): the step's TRACEPARENT in the
 * pods and on the record, the pods, requests and limits, the usage sampled from metrics-server,
 * the configured links, and the metrics of a run refused before it reached the cluster.
 */
class ObservedRunStepTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;
    private Clusters.Resolver previous;
    private RecordingSink sink;

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        sink = new RecordingSink();
        EngineMetrics metrics = new EngineMetrics(sink);
        JenkinsMetrics.use(metrics);
        engine = new FunctionEngine(client, EngineOptions.defaults().withLogDrainTimeout(Duration.ofSeconds(5)))
                .withMetrics(metrics).sampleUsageEvery(Duration.ofMillis(100));
        RuntimeRegistry runtimes = RuntimeRegistry.fromServiceLoader(getClass().getClassLoader());
        FunctionEngine e = engine;
        previous = Clusters.setResolver(build -> new Clusters.Target(e, "default", runtimes));
    }

    @AfterEach
    void stop() {
        Clusters.setResolver(previous);
        JenkinsMetrics.use(null);
        RunLinks.useTemplates(null);
        engine.close();
        client.close();
        sim.close();
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    private static RunFunctionStep step(String image) {
        RunFunctionStep step = new RunFunctionStep();
        step.setName("hello");
        step.setRuntime("container");
        step.setImage(image);
        step.setResources(Map.of("requests", Map.of("cpu", "250m", "memory", "64Mi"),
                "limits", Map.of("memory", "128Mi")));
        return step;
    }

    @Test
    void theStepsTraceUsageAndLinksAreRecordedAndShown() throws Exception {
        sim.onImage("example.com/hello:1", PodBehavior.succeed().runFor(Duration.ofMillis(800)).logs("hi"));
        sim.serveMetrics(MetricsServer.constant(120, 48L << 20));
        RunLinks.useTemplates(() -> List.of(
                new LinkTemplate("Logs", "https://grafana.example.com/explore?ns=${namespace}&pod=${pod}"
                        + "&from=${start}&to=${end}"),
                new LinkTemplate("Trace", "https://grafana.example.com/tempo/${traceId}"),
                new LinkTemplate("Service", "https://grafana.example.com/d/svc?name=${workload}&kind=${kind}"
                        + "&job=${jenkinsJob}&build=${buildNumber}&run=${runId}"),
                new LinkTemplate("Span", "https://example.com/?x=${spanId}&y=${job}&z=${endIso}")));
        List<List<EnvVar>> podEnv = new CopyOnWriteArrayList<>();
        FakeBuild build = new FakeBuild("team/app", 7);
        FakeStepContext context = new FakeStepContext(build, null).withEnv(Map.of("TRACEPARENT", TRACEPARENT,
                "TRACESTATE", "vendor=x"));

        step("example.com/hello:1").start(context).start();
        eventually(() -> {
            client.pods().inNamespace("default").withLabel(RunLabels.FUNCTION, "hello").list().getItems()
                    .forEach(p -> podEnv.add(p.getSpec().getContainers().get(0).getEnv()));
            return !podEnv.isEmpty() || context.outcome().isDone();
        }, "the pod exists");
        context.await(WAIT);

        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        assertThat(run.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(run.getSpanId()).hasSize(16).isNotEqualTo("00f067aa0ba902b7");
        assertThat(podEnv.get(0)).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("TRACEPARENT");
            assertThat(e.getValue()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-" + run.getSpanId() + "-01");
        }).anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo("TRACESTATE=vendor=x"))
                .anySatisfy(e -> assertThat(e.getValue()).contains("cicd.pipeline.task.run.id=" + run.getRunId()));
        assertThat(context.log()).contains("Trace 4bf92f3577b34da6a3ce929d0e0e4736 continues in the run's pods");

        assertThat(run.getResourceRequests()).containsExactly(Map.entry("cpu", "250m"), Map.entry("memory", "64Mi"));
        assertThat(run.getResourceLimits()).containsExactly(Map.entry("memory", "128Mi"));
        assertThat(run.getPods()).singleElement().satisfies(p -> assertThat(p).startsWith("hello-" + run.getRunId()));

        ResourceUsageView usage = run.getUsage();
        assertThat(usage.getSamples()).isPositive();
        assertThat(usage.getCpuPeakMillicores()).isEqualTo(120);
        assertThat(usage.getCpuMeanMillicores()).isEqualTo(120);
        assertThat(usage.getMemoryPeakBytes()).isEqualTo(48L << 20);
        assertThat(usage.getMemoryPeakText()).isEqualTo("48.0 MiB");
        assertThat(usage.getNote()).isNull();

        List<RunLinkView> links = run.getLinks();
        assertThat(links).extracting(RunLinkView::getName).containsExactly("Logs", "Trace", "Service", "Span");
        String pod = run.getPods().get(0);
        long start = run.getRecord().timeOf(io.jenkins.plugins.functions.run.RunState.CREATED);
        long end = run.getRecord().timeOf(io.jenkins.plugins.functions.run.RunState.COMPLETED);
        assertThat(links.get(0).getUrl()).isEqualTo("https://grafana.example.com/explore?ns=default&pod=" + pod
                + "&from=" + start + "&to=" + end);
        assertThat(links.get(1).getUrl()).isEqualTo("https://grafana.example.com/tempo/4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(links.get(2).getUrl()).isEqualTo("https://grafana.example.com/d/svc?name=hello-" + run.getRunId()
                + "&kind=Job&job=team%2Fapp&build=7&run=" + run.getRunId());

        assertThat(sink.counter("function-runtimes.run.finished.container.job.completed")).isEqualTo(1);
        assertThat(sink.counter("function-runtimes.logs.lines")).isEqualTo(1);
    }

    @Test
    void withoutTraceContextMetricsServerOrLinksTheRunSaysSoAndShowsNothingElse() throws Exception {
        sim.onImage("example.com/hello:1", PodBehavior.succeed().runFor(Duration.ofMillis(300)));
        FakeBuild build = new FakeBuild("app", 1);
        FakeStepContext context = new FakeStepContext(build, null).withEnv(Map.of("TRACEPARENT", "not-a-traceparent"));
        step("example.com/hello:1").start(context).start();
        context.await(WAIT);

        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        assertThat(run.getTraceId()).isNull();
        assertThat(run.getLinks()).isEmpty();
        assertThat(run.getUsage().getSamples()).isZero();
        assertThat(run.getUsage().getNote()).contains("no metrics-server");
        assertThat(context.log()).contains("Resource usage is not sampled").doesNotContain("Trace ");
        assertThat(run.getResourceRequests()).containsEntry("cpu", "250m");
    }

    @Test
    void aRunRefusedBeforeTheClusterIsCountedAsAnErrorWithItsReason() throws Exception {
        FakeBuild build = new FakeBuild("app", 2);
        FakeStepContext context = new FakeStepContext(build, null);
        RunFunctionStep step = new RunFunctionStep();
        step.setName("hello");
        step.setRuntime("container"); // no image: refused
        step.start(context).start();
        try {
            context.await(WAIT);
        } catch (Exception expected) {
            // the step fails with the spec's message
        }
        assertThat(sink.counter("function-runtimes.run.finished.unknown.job.error")).isEqualTo(1);
        assertThat(sink.counter("function-runtimes.run.errors.unknown.job.InvalidSpec")).isEqualTo(1);
        assertThat(sink.counters().keySet()).noneMatch(n -> n.startsWith("function-runtimes.run.started"));
    }
}
