package io.jenkins.plugins.functions.bench;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineMetrics;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.kubernetes.RunListener;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.observability.ResourceUsage;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.impl.ContainerRuntime;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.MetricsServer;
import io.jenkins.plugins.functions.testing.PodBehavior;
import io.jenkins.plugins.functions.testing.RecordingSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cost of sampling the runs' resource usage ({@code metrics.k8s.io}), for the benchmark: runs
 * kept active in a few namespaces with a simulated metrics-server, sampled every interval; counts
 * the sampling's requests at the API server over a window, and what the runs recorded. The claim
 * measured: one list per namespace per interval, whatever the number of runs, discovery once.
 */
final class UsageSamplingPhase {

    private static final String IMAGE = "bench.example/fn:usage";
    private static final ContainerRuntime RUNTIME = new ContainerRuntime();
    private static final AtomicInteger RUN_IDS = new AtomicInteger(900_000);

    /** What the phase measured. */
    record Result(int runs, int namespaces, Duration interval, Duration window, boolean allRunning, int lists,
            int discoveries, int totalRequests, int runsWithSamples, double meanSamples, long counted) {

        double expectedLists() {
            return (double) namespaces * window.toMillis() / interval.toMillis();
        }

        /** Sampling requests per run and minute at this interval. */
        double perRunPerMinute() {
            return lists * 60_000.0 / window.toMillis() / runs;
        }

        void print() {
            System.out.println();
            System.out.println("## Resource usage sampling: API requests");
            System.out.println();
            System.out.printf("%d runs active in %d namespaces, metrics-server served, sampled every %d ms; a window of"
                    + " %d s%s.%n", runs, namespaces, interval.toMillis(), window.toSeconds(),
                    allRunning ? "" : " (not every run was running)");
            System.out.println();
            System.out.println("| figure | value |");
            System.out.println("|---|---:|");
            System.out.printf("| metrics.k8s.io pod lists in the window | %d |%n", lists);
            System.out.printf("| expected: namespaces x window / interval | %.0f |%n", expectedLists());
            System.out.printf("| list requests the engine's metrics counted in the window (all lists) | %d |%n", counted);
            System.out.printf("| discovery requests (whole phase) | %d |%n", discoveries);
            System.out.printf("| all API requests in the window | %d |%n", totalRequests);
            System.out.printf("| sampling requests per run and minute, at this interval | %.3f |%n", perRunPerMinute());
            System.out.printf("| the same at the default 15 s | %.4f |%n",
                    perRunPerMinute() * interval.toMillis() / 15_000.0);
            System.out.printf("| runs that recorded samples | %d of %d |%n", runsWithSamples, runs);
            System.out.printf("| mean samples per run | %.1f |%n", meanSamples);
        }
    }

    private UsageSamplingPhase() {
    }

    static Result run(ClusterSimulator sim, int runs, int namespaces, Duration interval, Duration window)
            throws Exception {
        sim.onImage(IMAGE, PodBehavior.succeed().runForever());
        MetricsServer server = sim.serveMetrics(MetricsServer.constant(100, 64L << 20));
        server.resolution(Duration.ofMillis(Math.max(1, interval.toMillis() / 2)));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < namespaces; i++) {
            String ns = "usage-" + i;
            names.add(ns);
            sim.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata()
                    .build()).createOr(r -> r.update());
        }
        RecordingSink sink = new RecordingSink();
        KubernetesClient client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false,
                names.get(0)));
        FunctionEngine engine = new FunctionEngine(client, EngineOptions.defaults())
                .withMetrics(new EngineMetrics(sink)).sampleUsageEvery(interval);
        CountDownLatch running = new CountDownLatch(runs);
        CountDownLatch ended = new CountDownLatch(runs);
        List<ResourceUsage> usages = new java.util.concurrent.CopyOnWriteArrayList<>();
        try {
            FunctionSpec spec = RUNTIME.validate(FunctionSpec.of("usage", "container", Map.of("image", IMAGE)));
            for (int i = 0; i < runs; i++) {
                RunRequest request = RunRequest.builder(spec, ActionKind.JOB)
                        .runId(Integer.toString(RUN_IDS.incrementAndGet(), 36)).namespace(names.get(i % namespaces))
                        .build();
                engine.start(RUNTIME.plan(request), new RunListener() {
                    private boolean counted;

                    @Override
                    public void onState(RunState state, Instant at, String detail) {
                        if (state == RunState.RUNNING && !counted) {
                            counted = true;
                            running.countDown();
                        }
                    }

                    @Override
                    public void onResourceUsage(ResourceUsage usage) {
                        usages.add(usage);
                    }

                    @Override
                    public void onComplete(RunOutcome outcome) {
                        ended.countDown();
                    }
                });
            }
            boolean allRunning = running.await(150, TimeUnit.SECONDS);
            Thread.sleep(interval.toMillis()); // the first lists of pods just started are not in the window
            int discoveriesBefore = sim.requests().count("GET", "/apis/metrics.k8s.io/v1beta1");
            sim.requests().reset();
            long countedBefore = sink.counter("function-runtimes.kubernetes.requests.list");
            Thread.sleep(window.toMillis());
            int lists = sim.requests().count("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/*/pods");
            int total = sim.requests().total();
            long listed = sink.counter("function-runtimes.kubernetes.requests.list") - countedBefore;
            int discoveries = discoveriesBefore + sim.requests().count("GET", "/apis/metrics.k8s.io/v1beta1");
            for (String ns : names) {
                sim.client().batch().v1().jobs().inNamespace(ns).withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                        .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            }
            ended.await(150, TimeUnit.SECONDS);
            int withSamples = (int) usages.stream().filter(ResourceUsage::sampled).count();
            double meanSamples = usages.stream().mapToInt(ResourceUsage::samples).average().orElse(0);
            return new Result(runs, namespaces, interval, window, allRunning, lists, discoveries, total, withSamples,
                    meanSamples, listed);
        } finally {
            engine.close();
            client.close();
            sim.stopServingMetrics();
        }
    }
}
