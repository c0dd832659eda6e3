package io.jenkins.plugins.functions.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.jenkins.FakeStepContext;
import io.jenkins.plugins.functions.jenkins.history.RunFiles;
import io.jenkins.plugins.functions.jenkins.steps.RunFunctionStep;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the Jenkins layer costs per run as a build's runs grow: bursts of 1, 50 and 500
 * {@code runFunction} steps on ONE build (a Pipeline {@code parallel}), through the same code a
 * Pipeline takes (step execution, BuildRun, the run's mailbox, record files, coalesced saves),
 * against the cluster simulation, with the build double whose {@code save()} serialises every
 * action of the build with XStream into build.xml, as Jenkins does ({@link FakeBuild}).
 *
 * <p>Printed per burst: build.xml writes per run and bytes per run, record-file writes and bytes
 * per run, and CPU time per run of the Jenkins layer's threads (the step's start on the Pipeline
 * thread, the launch pool, the runs' mailboxes, the build saver, the log checkpoints) beside the
 * engine's (its request pool and timer, the informers, the HTTP client). A plain {@code main}, not
 * a test: nothing passes or fails on the figures. Run by {@code mvn -B -Pbenchmark verify}
 * (docs/performance.md); settings: {@code bench.layerRuns} (1,50,500), {@code bench.layerRounds}
 * (3,3,1).
 */
public final class JenkinsLayerBenchmark {

    private static final String IMAGE = "bench.example/job:1";
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** The Jenkins layer's own threads, by name. */
    private static final List<String> JENKINS_LAYER = List.of("function-runtimes-launcher", "function-runtimes-runs-",
            "function-runtimes-build-saves", "function-runtimes-log-cursor");

    private JenkinsLayerBenchmark() {
    }

    /** CPU nanoseconds by side: the Jenkins layer, the engine and its client; the simulation is left out. */
    private record Cpu(long jenkins, long engine) {
    }

    private record Row(int runs, int round, double wallSeconds, int saves, long savedBytes, long recordWrites,
                       long recordBytes, long pipelineCpu, Cpu cpu) {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("bench.only") != null && !"jenkins".equals(System.getProperty("bench.only"))) {
            return;
        }
        Logger.getLogger("").setLevel(Level.WARNING);
        int[] sizes = ints(System.getProperty("bench.layerRuns", "1,50,500"));
        int[] rounds = ints(System.getProperty("bench.layerRounds", "3,3,1"));
        THREADS.setThreadCpuTimeEnabled(true);
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            Set<Long> simulatorThreads = ThreadCensus.clientLikeThreads();
            ThreadCensus census = new ThreadCensus(simulatorThreads);
            sim.onImage(IMAGE, PodBehavior.succeed().runFor(Duration.ofMillis(500))
                    .logEvery(Duration.ofMillis(100), 5, "line ").terminationMessage("{\"ok\":true}"));
            KubernetesClient client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false,
                    "default"));
            FunctionEngine engine = new FunctionEngine(client, EngineOptions.defaults());
            RuntimeRegistry runtimes = RuntimeRegistry.fromServiceLoader(JenkinsLayerBenchmark.class.getClassLoader());
            Clusters.setResolver(build -> new Clusters.Target(engine, "default", runtimes));
            try {
                burst(50, new FakeBuild("bench/warmup", 1), census); // JIT, pools, informers
                List<Row> rows = new ArrayList<>();
                for (int i = 0; i < sizes.length; i++) {
                    for (int r = 1; r <= (i < rounds.length ? rounds[i] : 1); r++) {
                        Row row = burst(sizes[i], new FakeBuild("bench/runs-" + sizes[i], r), census);
                        rows.add(row);
                        System.out.println(format(row));
                    }
                }
                report(rows);
            } finally {
                engine.close();
                client.close();
            }
        }
        System.exit(0);
    }

    private static Row burst(int runs, FakeBuild build, ThreadCensus census) throws Exception {
        long savesBefore = build.saves();
        long bytesBefore = build.bytesSaved();
        long writesBefore = RunFiles.recordWrites();
        long recordBytesBefore = RunFiles.recordBytes();
        Map<Long, Long> cpuBefore = cpuByThread();
        long started = System.nanoTime();
        // the Pipeline thread: each parallel branch's step starts and returns at once
        long pipelineBefore = THREADS.getCurrentThreadCpuTime();
        List<FakeStepContext> contexts = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            RunFunctionStep step = new RunFunctionStep();
            step.setName("bench");
            step.setRuntime("container");
            step.setImage(IMAGE);
            FakeStepContext context = new FakeStepContext(build, null);
            step.start(context).start();
            contexts.add(context);
        }
        long pipelineCpu = THREADS.getCurrentThreadCpuTime() - pipelineBefore;
        for (FakeStepContext c : contexts) {
            c.await(Duration.ofMinutes(5));
        }
        double wall = (System.nanoTime() - started) / 1e9;
        // the coalesced save of the runs' ends
        long stable = build.saves();
        do {
            stable = build.saves();
            Thread.sleep(1200);
        } while (build.saves() != stable);
        Cpu cpu = cpuSince(cpuBefore, census);
        return new Row(runs, build.getNumber(), wall, (int) (build.saves() - savesBefore),
                build.bytesSaved() - bytesBefore, RunFiles.recordWrites() - writesBefore,
                RunFiles.recordBytes() - recordBytesBefore, pipelineCpu, cpu);
    }

    private static Map<Long, Long> cpuByThread() {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long t = THREADS.getThreadCpuTime(id);
            if (t >= 0) {
                cpu.put(id, t);
            }
        }
        return cpu;
    }

    /** CPU time since {@code before}, summed by side (threads that ended meanwhile are not counted). */
    private static Cpu cpuSince(Map<Long, Long> before, ThreadCensus census) {
        long jenkins = 0;
        long engine = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long now = THREADS.getThreadCpuTime(t.getId());
            if (now < 0) {
                continue;
            }
            long delta = now - before.getOrDefault(t.getId(), 0L);
            String name = t.getName();
            if (JENKINS_LAYER.stream().anyMatch(name::startsWith)) {
                jenkins += delta;
            } else if (census.side(t) == ThreadCensus.Side.CLIENT) {
                engine += delta;
            }
        }
        return new Cpu(jenkins, engine);
    }

    private static String format(Row r) {
        double n = r.runs();
        return String.format(Locale.ROOT, "%4d runs (round %d): %6.2f s | build.xml: %5.2f writes/run, %8.0f B/run"
                        + " (%d writes) | record files: %5.2f writes/run, %6.0f B/run | CPU ms/run: Jenkins layer %6.3f"
                        + " (Pipeline thread %5.3f), engine %6.3f",
                r.runs(), r.round(), r.wallSeconds(), r.saves() / n, r.savedBytes() / n, r.saves(),
                r.recordWrites() / n, r.recordBytes() / n, (r.cpu().jenkins() + r.pipelineCpu()) / n / 1e6,
                r.pipelineCpu() / n / 1e6, r.cpu().engine() / n / 1e6);
    }

    private static void report(List<Row> rows) throws IOException {
        StringBuilder out = new StringBuilder("Jenkins layer benchmark: runs of one build, a burst each\n");
        out.append("| runs | round | wall s | build.xml writes/run | build.xml bytes/run | record writes/run"
                + " | record bytes/run | Jenkins layer CPU ms/run (Pipeline thread) | engine CPU ms/run |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            double n = r.runs();
            out.append(String.format(Locale.ROOT, "| %d | %d | %.2f | %.2f | %.0f | %.2f | %.0f | %.3f (%.3f) | %.3f |%n",
                    r.runs(), r.round(), r.wallSeconds(), r.saves() / n, r.savedBytes() / n, r.recordWrites() / n,
                    r.recordBytes() / n, (r.cpu().jenkins() + r.pipelineCpu()) / n / 1e6, r.pipelineCpu() / n / 1e6,
                    r.cpu().engine() / n / 1e6));
        }
        System.out.println(out);
        String file = System.getProperty("bench.layerReport");
        if (file != null) {
            Files.writeString(Path.of(file), out, StandardCharsets.UTF_8);
        }
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt)
                .toArray();
    }

    static {
        // the benchmark's own thread is the Pipeline's here
        Thread.currentThread().setName("bench-pipeline");
        System.setOut(new PrintStream(System.out, true, StandardCharsets.UTF_8));
    }
}
