package io.jenkins.plugins.functions.bench;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.jenkins.plugins.functions.bench.Figures.Summary;
import io.jenkins.plugins.functions.bench.ThreadCensus.Side;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.kubernetes.LogLine;
import io.jenkins.plugins.functions.kubernetes.RunListener;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.impl.ContainerRuntime;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import io.jenkins.plugins.functions.testing.RequestLog;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.management.ObjectName;

/**
 * The performance benchmark of the engine; docs/performance.md explains the method and records the
 * figures. Against the mock API server with the cluster simulation, in one JVM, it runs bursts of
 * 1, 50 and 500 concurrent {@code job} runs through {@link FunctionEngine} and through a
 * hand-written minimal sequence of the same fabric8 calls, then keeps 500 runs active at once to
 * count threads and heap, and prints what the targets ask for.
 *
 * <p>A plain {@code main}, not a test: it measures wall-clock latencies of concurrent runs and
 * prints them; nothing here passes or fails. Run it with {@code mvn -B -q -Pbenchmark verify}.
 *
 * <p>Settings (system properties, e.g. {@code -Dbenchmark.jvmArgs="-Xmx1g -Dbench.runs=1,50"}):
 * {@code bench.runs} (bursts, default {@code 1,50,500}), {@code bench.runForMs} (pod run time in
 * the bursts, 500), {@code bench.activeRuns} (runs kept active at once, 500; 0 skips that part),
 * {@code bench.rounds} (how often each burst is repeated, {@code 20,3,1}), {@code bench.minimalThreads}
 * (8), {@code bench.warmupRuns} (the largest burst, at least 50), {@code bench.services} (concurrent {@code serve} actions driven to
 * ready after the job phases, 50; 0 skips that part), {@code bench.serviceReadyAfterMs} (300),
 * {@code bench.usageRuns} (runs active while their resource usage is sampled, 200; 0 skips that part,
 * {@link UsageSamplingPhase}), {@code bench.usageNamespaces} (2), {@code bench.usageIntervalMs} (500).
 */
public final class EngineBenchmark {

    private static final String SHORT_IMAGE = "bench.example/fn:short";
    private static final String LONG_IMAGE = "bench.example/fn:long";
    private static final String ENGINE_NS = "default";
    private static final String MINIMAL_NS = "minimal";
    private static final ContainerRuntime RUNTIME = new ContainerRuntime();

    private static final List<Integer> BURSTS = Arrays.stream(System.getProperty("bench.runs", "1,50,500")
            .split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Integer::valueOf).toList();
    private static final Duration RUN_FOR = Duration.ofMillis(Long.getLong("bench.runForMs", 500));
    private static final Duration LOG_EVERY = Duration.ofMillis(100);
    private static final int LINES = (int) Math.max(1, RUN_FOR.toMillis() / LOG_EVERY.toMillis());
    private static final int ACTIVE_RUNS = Integer.getInteger("bench.activeRuns", 500);
    /** Long enough for every pod of the active phase to be running at once; the phase ends them earlier. */
    private static final Duration LONG_RUN_FOR = Duration.ofSeconds(90);
    private static final Duration TICK_EVERY = Duration.ofSeconds(1);
    /** How long the active phase lets all runs stream before it measures. */
    private static final Duration ACTIVE_WINDOW = Duration.ofSeconds(3);
    private static final int MINIMAL_THREADS = Integer.getInteger("bench.minimalThreads", 8);
    /**
     * Runs through each side before anything is measured, as one burst: by default as many as the
     * largest burst, so that whichever side goes first does not pay alone for warming up the JIT
     * and the simulation at that size (a burst of 500 measured after a warm-up of 50 cost the side
     * that went first, either side, up to twice its own time).
     */
    private static final int WARMUP_RUNS = Integer.getInteger("bench.warmupRuns",
            Math.max(50, BURSTS.stream().mapToInt(Integer::intValue).max().orElse(50)));
    /** How many times each burst is repeated (the sides take turns), for percentiles to mean something. */
    private static final List<Integer> ROUNDS = Arrays.stream(System.getProperty("bench.rounds", "20,3,1")
            .split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Integer::valueOf).toList();
    private static final Duration TIMEOUT = Duration.ofSeconds(150);
    private static final String SERVICE_IMAGE = "bench.example/fn:serve";
    /** Concurrent serve actions of the services phase; 0 skips it. */
    private static final int SERVICES = Integer.getInteger("bench.services", 50);
    /** Serves through each side before the services phase, not reported. */
    private static final int SERVICE_WARMUP = 10;
    private static final Duration SERVICE_READY_AFTER = Duration.ofMillis(Long.getLong("bench.serviceReadyAfterMs", 300));
    /** Log lines whose times a run keeps (preallocated, so that they do not count as the run's heap). */
    private static final int MAX_LINES = 128;

    private final ClusterSimulator sim;
    private final ThreadCensus census;
    private final Truth truth = new Truth();
    private final List<Burst> bursts = new ArrayList<>();
    private final List<Active> actives = new ArrayList<>();
    private final List<Serves> services = new ArrayList<>();
    private UsageSamplingPhase.Result usage;
    private static final int USAGE_RUNS = Integer.getInteger("bench.usageRuns", 200);
    private static final int USAGE_NAMESPACES = Integer.getInteger("bench.usageNamespaces", 2);
    private static final Duration USAGE_INTERVAL = Duration.ofMillis(Long.getLong("bench.usageIntervalMs", 500));
    private static final Duration USAGE_WINDOW = Duration.ofSeconds(10);

    private EngineBenchmark(ClusterSimulator sim, ThreadCensus census) {
        this.sim = sim;
        this.census = census;
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("bench.only") != null && !"engine".equals(System.getProperty("bench.only"))) {
            return; // -Dbench.only=jenkins: the Jenkins layer's benchmark alone
        }
        String report = System.getProperty("bench.report");
        if (report != null) {
            // Printed and kept: Maven prefixes every printed line with "[INFO]     [java] ".
            OutputStream file = new FileOutputStream(report);
            OutputStream console = new FileOutputStream(FileDescriptor.out);
            System.setOut(new PrintStream(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    console.write(b);
                    file.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    console.write(b, off, len);
                    file.write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    console.flush();
                    file.flush();
                }
            }, true, StandardCharsets.UTF_8));
        }
        // fabric8 and the mock server log at INFO and WARNING (e.g. watches closed at the end): quiet.
        Logger.getLogger("").setLevel(Level.SEVERE);
        Arrays.stream(Logger.getLogger("").getHandlers()).forEach(h -> h.setLevel(Level.SEVERE));
        long began = System.nanoTime();
        ClusterSimulator sim = ClusterSimulator.start();
        try {
            sim.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(MINIMAL_NS)
                    .endMetadata().build()).create();
            // Before any other client exists: the okhttp threads alive now are the simulator's.
            ThreadCensus census = new ThreadCensus(ThreadCensus.clientLikeThreads());
            new EngineBenchmark(sim, census).run();
        } finally {
            sim.close();
        }
        System.out.printf("%nBenchmark took %.0f s.%n", (System.nanoTime() - began) / 1e9);
        if (report != null) {
            System.out.println("Report written to " + report);
        }
        System.out.flush();
        System.exit(0);
    }

    private void run() throws Exception {
        sim.onImage(SHORT_IMAGE, PodBehavior.succeed().runFor(RUN_FOR).logEvery(LOG_EVERY, LINES, "line "));
        sim.onImage(LONG_IMAGE, PodBehavior.succeed().runFor(LONG_RUN_FOR)
                .logEvery(TICK_EVERY, (int) (LONG_RUN_FOR.toMillis() / TICK_EVERY.toMillis()), "tick "));
        sim.onImage(SERVICE_IMAGE, PodBehavior.longRunning().readyAfter(SERVICE_READY_AFTER)
                .logs("listening on :8080"));
        sim.onPodStatusWritten(truth);
        printMachine();

        System.out.printf("%nWarm-up: %d runs through each side (not reported)%n", WARMUP_RUNS);
        try (Driver d = driver("engine")) {
            round(d, WARMUP_RUNS);
        }
        try (Driver d = driver("minimal")) {
            round(d, WARMUP_RUNS);
        }
        System.out.println("Bursts: n runs started at once, each pod runs " + RUN_FOR.toMillis() + " ms; the sides"
                + " take turns");
        for (int i = 0; i < BURSTS.size(); i++) {
            int n = BURSTS.get(i);
            int rounds = i < ROUNDS.size() ? ROUNDS.get(i) : 1;
            List<Round> engine = new ArrayList<>();
            List<Round> minimal = new ArrayList<>();
            if (n == 1) {
                // One run at a time: both sides stay open and take turns run by run.
                try (Driver e = driver("engine"); Driver m = driver("minimal")) {
                    for (int k = 0; k < rounds; k++) {
                        engine.add(round(e, 1));
                        minimal.add(round(m, 1));
                    }
                }
            } else {
                // The sides take turns, and the one that goes first alternates from round to round.
                for (int k = 0; k < rounds; k++) {
                    if (k % 2 == 1) {
                        try (Driver m = driver("minimal")) {
                            minimal.add(round(m, n));
                        }
                    }
                    try (Driver e = driver("engine")) {
                        engine.add(round(e, n));
                    }
                    if (k % 2 == 0) {
                        try (Driver m = driver("minimal")) {
                            minimal.add(round(m, n));
                        }
                    }
                }
            }
            bursts.add(report(new Burst("engine", n, engine)));
            bursts.add(report(new Burst("minimal", n, minimal)));
        }
        if (ACTIVE_RUNS > 0) {
            System.out.println("Active: " + ACTIVE_RUNS + " runs of long-running pods, all running and streaming at once");
            actives.add(active("engine"));
            actives.add(active("minimal"));
        }
        if (SERVICES > 0) {
            System.out.println("Services: " + SERVICES + " serve actions started at once, each until ready (pods ready after "
                    + SERVICE_READY_AFTER.toMillis() + " ms); warm-up: " + SERVICE_WARMUP
                    + " serves through each side (not reported)");
            // Warm-up, not reported: the simulator's Deployment path and both sides' serve code are cold here.
            serveRound("engine", SERVICE_WARMUP, false);
            serveRound("minimal", SERVICE_WARMUP, false);
            services.add(serveRound("engine", SERVICES, true));
            services.add(serveRound("minimal", SERVICES, true));
        }
        if (USAGE_RUNS > 0) {
            System.out.println("Usage sampling: " + USAGE_RUNS + " runs active in " + USAGE_NAMESPACES
                    + " namespaces, sampled every " + USAGE_INTERVAL.toMillis() + " ms for " + USAGE_WINDOW.toSeconds() + " s");
            usage = UsageSamplingPhase.run(sim, USAGE_RUNS, USAGE_NAMESPACES, USAGE_INTERVAL, USAGE_WINDOW);
        }
        printResults();
        if (usage != null) {
            usage.print();
        }
    }

    private static Burst report(Burst b) {
        System.out.printf("  %-7s %4d runs: %s%n", b.side, b.n, b.oneLine());
        return b;
    }

    // ------------------------------------------------------------------ phases

    /** One burst on a driver: {@code n} runs started at once, until all completed. */
    private Round round(Driver driver, int n) throws Exception {
        List<Plan> plans = plans(driver.namespace(), SHORT_IMAGE, n);
        List<RunTimes> runs = plans.stream().map(RunTimes::new).toList();
        Thread.sleep(n == 1 ? 50 : 200);
        Map<Side, Integer> rest = census.count();
        sim.requests().reset();
        Sampler sampler = new Sampler(census);
        sampler.start();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            driver.start(plans.get(i), runs.get(i));
        }
        boolean all = awaitAll(runs, TIMEOUT);
        long elapsed = System.nanoTime() - t0;
        sampler.stop();
        if (n > 1) {
            Thread.sleep(100); // a request sent after the last completion still counts
        }
        return new Round(runs, sim.requests().entries(), rest, sampler, elapsed, all);
    }

    /** What one burst did. */
    record Round(List<RunTimes> runs, List<RequestLog.Entry> requests, Map<Side, Integer> rest, Sampler sampler,
            long elapsedNanos, boolean allCompleted) {
        int clientThreadsOverRest() {
            return sampler.peakClient - rest.get(Side.CLIENT);
        }
    }

    /**
     * Keeps {@link #ACTIVE_RUNS} runs active at once: pods that run for minutes and write a line a
     * second. Once every pod runs (each engine run then follows its log, live or polled by time),
     * lets them stream for {@link #ACTIVE_WINDOW}, then counts threads and
     * measures the heap, and ends the runs by deleting their Jobs.
     */
    private Active active(String side) throws Exception {
        Driver driver = driver(side);
        try {
            List<Plan> plans = plans(driver.namespace(), LONG_IMAGE, ACTIVE_RUNS);
            List<RunTimes> runs = plans.stream().map(RunTimes::new).toList();
            Thread.sleep(200);
            Map<Side, Integer> rest = census.count();
            long usedBefore = usedHeapAfterGc();
            long directBefore = directMemory();
            Map<String, long[]> histogramBefore = liveHistogram();
            Sampler sampler = new Sampler(census);
            sampler.start();
            long t0 = System.nanoTime();
            for (int i = 0; i < runs.size(); i++) {
                driver.start(plans.get(i), runs.get(i));
            }
            // Every pod running: each engine run then follows its log live or is polled by time
            // (waiting for a line from every polled log would outlast the pods at 500 runs).
            boolean allActive = waitUntil(() -> runs.stream().allMatch(r -> truth.running(r.runId) != null), TIMEOUT);
            double activeAfter = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(ACTIVE_WINDOW.toMillis());
            Instant measured = Instant.now();
            List<Thread> threads = ThreadCensus.live();
            Map<Side, Integer> atActive = census.count(threads);
            Map<String, Integer> clientGroups = census.groups(threads, Side.CLIENT);
            List<String> stack = stackOfLargestGroup(threads, clientGroups);
            sampler.stop();
            int activeRuns = (int) runs.stream().filter(r -> r.completed == 0 && truth.running(r.runId) != null).count();
            long usedDuring = usedHeapAfterGc();
            long directDuring = directMemory();
            Map<String, long[]> histogramDuring = liveHistogram();
            Active a = new Active(side, runs, activeRuns, allActive, activeAfter,
                    histogramBefore.get(Histograms.TOTAL)[1], histogramDuring.get(Histograms.TOTAL)[1],
                    usedBefore, usedDuring, directBefore, directDuring, rest,
                    atActive, clientGroups, stack, sampler, Histograms.topGrowth(histogramBefore, histogramDuring, 15),
                    Histograms.growthBy(histogramBefore, histogramDuring, OWNERS),
                    lineLatencies(runs, measured, false), lineLatencies(runs, measured, true));
            System.out.printf("  %-7s %d runs active after %.1f s: %.1f KB heap per active run, client threads +%d%n",
                    side, activeRuns, activeAfter, a.perRunKb(), a.clientThreadsOverRest());
            return a;
        } finally {
            driver.close();
            // End the runs: delete their Jobs at once, wait until the simulated cluster removed the pods.
            sim.client().batch().v1().jobs().inNamespace(driver.namespace())
                    .withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            waitUntil(() -> sim.client().pods().inNamespace(driver.namespace()).list().getItems().isEmpty(), TIMEOUT);
        }
    }

    private Driver driver(String side) throws Exception {
        Driver d = side.equals("engine") ? new EngineDriver() : new MinimalDriver();
        try {
            d.prime();
        } catch (Exception | Error e) {
            d.close();
            throw e;
        }
        return d;
    }

    private static final AtomicInteger RUN_IDS = new AtomicInteger(100_000);

    private static List<Plan> plans(String namespace, String image, int n) throws Exception {
        FunctionSpec spec = RUNTIME.validate(FunctionSpec.of("bench", "container", Map.of("image", image)));
        List<Plan> plans = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            RunRequest request = RunRequest.builder(spec, ActionKind.JOB)
                    .runId(Integer.toString(RUN_IDS.incrementAndGet(), 36))
                    .namespace(namespace)
                    .parameters(Map.of("i", Integer.toString(i)))
                    .build();
            plans.add(RUNTIME.plan(request));
        }
        return plans;
    }

    private static boolean awaitAll(List<RunTimes> runs, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (RunTimes r : runs) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !r.done.await(left, TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    private static boolean waitUntil(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    // ------------------------------------------------------------------ the two sides

    /** Starts runs one way (engine or minimal sequence) on a client of its own. */
    private abstract class Driver implements AutoCloseable {
        final KubernetesClient client;
        final String namespace;

        Driver(String namespace) {
            this.namespace = namespace;
            // Built the way production builds the engine's client: request limits sized for many streams.
            client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, namespace));
        }

        String namespace() {
            return namespace;
        }

        abstract void start(Plan plan, RunTimes r);

        /** One run, not measured: starts the informers or the watch, opens connections. */
        void prime() throws Exception {
            Plan plan = plans(namespace, SHORT_IMAGE, 1).get(0);
            RunTimes r = new RunTimes(plan);
            start(plan, r);
            if (!r.done.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the priming run did not complete");
            }
        }

        @Override
        public void close() {
            client.close();
        }
    }

    private final class EngineDriver extends Driver {
        final FunctionEngine engine;

        EngineDriver() {
            super(ENGINE_NS);
            engine = new FunctionEngine(client, EngineOptions.defaults());
        }

        @Override
        void start(Plan plan, RunTimes r) {
            r.started = System.nanoTime();
            engine.start(plan, new RunListener() {
                @Override
                public void onState(RunState state, Instant at, String detail) {
                    if (state == RunState.READY && r.created == 0) {
                        r.created = System.nanoTime();
                    }
                }

                @Override
                public void onLog(LogLine line) {
                    r.line(line.time(), Instant.now());
                }

                @Override
                public void onComplete(RunOutcome outcome) {
                    r.complete(outcome.state() == RunState.COMPLETED);
                }
            });
        }

        @Override
        public void close() {
            engine.close();
            super.close();
        }
    }

    /**
     * The minimum: per run, create the Job, wait for its pod's end through ONE pod watch shared by
     * all runs (the event the engine's pod informer reacts to; a Job watch would add the Job
     * controller's reaction), read the log once, delete the Job with background propagation. The
     * blocking calls run on a fixed pool of {@link #MINIMAL_THREADS} threads.
     */
    private final class MinimalDriver extends Driver {
        final ExecutorService pool;
        final Map<String, RunTimes> runs = new ConcurrentHashMap<>();
        final Watch watch;

        MinimalDriver() {
            super(MINIMAL_NS);
            AtomicInteger count = new AtomicInteger();
            pool = Executors.newFixedThreadPool(MINIMAL_THREADS, r -> {
                Thread t = new Thread(r, "minimal-requests-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            watch = client.pods().inNamespace(namespace).withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                    .watch(new Watcher<>() {
                        @Override
                        public void eventReceived(Action action, Pod pod) {
                            if (action == Action.DELETED || !terminated(pod)) {
                                return;
                            }
                            RunTimes r = runs.get(pod.getMetadata().getLabels().get(RunLabels.RUN_ID));
                            if (r != null && r.noticedOnce.compareAndSet(false, true)) {
                                pool.execute(() -> finish(r, pod.getMetadata().getName()));
                            }
                        }

                        @Override
                        public void onClose(WatcherException cause) {
                        }
                    });
        }

        @Override
        void start(Plan plan, RunTimes r) {
            r.started = System.nanoTime();
            runs.put(r.runId, r);
            pool.execute(() -> {
                client.batch().v1().jobs().inNamespace(namespace).resource((Job) plan.workload()).create();
                r.created = System.nanoTime();
            });
        }

        private void finish(RunTimes r, String pod) {
            boolean ok = false;
            try {
                String log = client.pods().inNamespace(namespace).withName(pod).inContainer(RunLabels.MAIN_CONTAINER)
                        .withReadyWaitTimeout(0).usingTimestamps().getLog();
                Instant now = Instant.now();
                log.lines().forEach(l -> r.line(Instant.parse(l.substring(0, l.indexOf(' '))), now));
                client.batch().v1().jobs().inNamespace(namespace).withName(r.job)
                        .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
                ok = true;
            } finally {
                runs.remove(r.runId);
                r.complete(ok);
            }
        }

        private boolean terminated(Pod pod) {
            if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
                return false;
            }
            for (ContainerStatus c : pod.getStatus().getContainerStatuses()) {
                if (RunLabels.MAIN_CONTAINER.equals(c.getName()) && c.getState() != null
                        && c.getState().getTerminated() != null) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() {
            watch.close();
            pool.shutdownNow();
            super.close();
        }
    }

    /** What happened to one run and when. */
    static final class RunTimes {
        final String runId;
        final String job;
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicBoolean noticedOnce = new AtomicBoolean();
        /** Written and received times of log lines, epoch microseconds, in pairs. */
        private final long[] lines = new long[2 * MAX_LINES];
        private int lineCount;
        volatile long started;
        volatile long created;
        volatile long completed;
        volatile Instant completedAt;
        volatile boolean ok;

        RunTimes(Plan plan) {
            runId = plan.request().runId();
            job = plan.workload().getMetadata().getName();
        }

        synchronized void line(Instant written, Instant received) {
            if (lineCount < MAX_LINES) {
                lines[2 * lineCount] = micros(written);
                lines[2 * lineCount + 1] = micros(received);
            }
            lineCount++;
        }

        synchronized int lineCount() {
            return lineCount;
        }

        /** The first line's written time (the container's start: its first line is written at once), or 0. */
        synchronized long firstLineWritten() {
            return lineCount == 0 ? 0 : lines[0];
        }

        /** Latencies in ms of the lines received before {@code until}, written at or after {@code from} (micros). */
        synchronized List<Double> latencies(long from, long until) {
            List<Double> l = new ArrayList<>();
            for (int i = 0; i < Math.min(lineCount, MAX_LINES); i++) {
                if (lines[2 * i] >= from && lines[2 * i + 1] < until) {
                    l.add((lines[2 * i + 1] - lines[2 * i]) / 1000.0);
                }
            }
            return l;
        }

        void complete(boolean success) {
            completed = System.nanoTime();
            completedAt = Instant.now();
            ok = success;
            done.countDown();
        }
    }

    /** The simulator's truth: when each run's pod status was written Running, and terminal. */
    static final class Truth implements Consumer<ClusterSimulator.PodStatusWrite> {
        private final Map<String, Instant> running = new ConcurrentHashMap<>();
        private final Map<String, ClusterSimulator.PodStatusWrite> terminal = new ConcurrentHashMap<>();

        @Override
        public void accept(ClusterSimulator.PodStatusWrite w) {
            String runId = w.labels().get(RunLabels.RUN_ID);
            if (runId == null) {
                return;
            }
            if ("Running".equals(w.phase())) {
                running.putIfAbsent(runId, w.sent());
            } else if (w.terminal()) {
                terminal.putIfAbsent(runId, w);
            }
        }

        Instant running(String runId) {
            return running.get(runId);
        }

        ClusterSimulator.PodStatusWrite terminal(String runId) {
            return terminal.get(runId);
        }
    }

    private List<Double> lineLatencies(List<RunTimes> runs, Instant until, boolean onlyAfterRunning) {
        List<Double> all = new ArrayList<>();
        for (RunTimes r : runs) {
            Instant running = truth.running(r.runId);
            long from = onlyAfterRunning ? (running == null ? Long.MAX_VALUE : micros(running)) : 0;
            all.addAll(r.latencies(from, until == null ? Long.MAX_VALUE : micros(until)));
        }
        return all;
    }

    /**
     * Samples the threads every 50 ms: the peak of each side and the client's thread names then;
     * every 200 ms also each thread's CPU time, summed by side at the end (a thread that ends
     * between two samples loses up to 200 ms of its CPU time to "other").
     */
    static final class Sampler implements Runnable {
        private static final com.sun.management.OperatingSystemMXBean OS =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        private final ThreadCensus census;
        private final Thread thread;
        private final Map<Long, long[]> cpu = new HashMap<>(); // id -> {side, first, last}
        private final long processCpuBefore;
        private final long wallBefore = System.nanoTime();
        private volatile boolean stop;
        volatile int peakClient;
        volatile int peakServer;
        volatile int peakTotal;
        volatile Map<String, Integer> clientGroupsAtPeak = Map.of();
        final Map<Side, Double> cpuSeconds = new EnumMap<>(Side.class);
        double processCpuSeconds;
        double wallSeconds;

        Sampler(ThreadCensus census) {
            this.census = census;
            this.thread = new Thread(this, "bench-sampler");
            thread.setDaemon(true);
            for (Thread t : ThreadCensus.live()) {
                long c = Math.max(0, THREADS.getThreadCpuTime(t.getId()));
                cpu.put(t.getId(), new long[] {census.side(t).ordinal(), c, c});
            }
            processCpuBefore = OS.getProcessCpuTime();
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            stop = true;
            thread.join();
            sampleCpu(ThreadCensus.live());
            processCpuSeconds = (OS.getProcessCpuTime() - processCpuBefore) / 1e9;
            wallSeconds = (System.nanoTime() - wallBefore) / 1e9;
            for (Side side : Side.values()) {
                cpuSeconds.put(side, 0.0);
            }
            for (long[] c : cpu.values()) {
                cpuSeconds.merge(Side.values()[(int) c[0]], (c[2] - c[1]) / 1e9, Double::sum);
            }
        }

        private void sampleCpu(List<Thread> threads) {
            for (Thread t : threads) {
                long c = THREADS.getThreadCpuTime(t.getId());
                if (c >= 0) {
                    cpu.computeIfAbsent(t.getId(), id -> new long[] {census.side(t).ordinal(), 0, 0})[2] = c;
                }
            }
        }

        @Override
        public void run() {
            int tick = 0;
            do {
                List<Thread> threads = ThreadCensus.live();
                Map<Side, Integer> counts = census.count(threads);
                int client = counts.get(Side.CLIENT);
                if (client > peakClient) {
                    peakClient = client;
                    clientGroupsAtPeak = census.groups(threads, Side.CLIENT);
                }
                peakServer = Math.max(peakServer, counts.get(Side.SERVER));
                peakTotal = Math.max(peakTotal, threads.size());
                if (tick++ % 4 == 0) {
                    sampleCpu(threads);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            } while (!stop);
        }

        double busy() {
            return processCpuSeconds / (wallSeconds * Runtime.getRuntime().availableProcessors());
        }

        String cpuLine() {
            return cpuLine(processCpuSeconds, wallSeconds, cpuSeconds);
        }

        static String cpuLine(double processCpuSeconds, double wallSeconds, Map<Side, Double> cpuSeconds) {
            int cores = Runtime.getRuntime().availableProcessors();
            double known = cpuSeconds.get(Side.SERVER) + cpuSeconds.get(Side.SIMULATOR) + cpuSeconds.get(Side.CLIENT)
                    + cpuSeconds.get(Side.BENCHMARK);
            return String.format("CPU %.1f s in %.1f s on %d cores (%.0f%% busy): API server %.1f s, simulation %.1f s,"
                            + " client %.1f s, benchmark %.1f s, other (GC, JIT, ended threads) %.1f s",
                    processCpuSeconds, wallSeconds, cores, 100 * processCpuSeconds / (wallSeconds * cores),
                    cpuSeconds.get(Side.SERVER), cpuSeconds.get(Side.SIMULATOR), cpuSeconds.get(Side.CLIENT),
                    cpuSeconds.get(Side.BENCHMARK), processCpuSeconds - known);
        }
    }

    // ------------------------------------------------------------------ results

    /** The figures of one burst. */
    final class Burst {
        final String side;
        final int n;
        /** All runs of the burst's rounds. */
        final int total;
        final List<Round> rounds;
        final Map<Side, Double> cpuSeconds = new EnumMap<>(Side.class);
        final double processCpuSeconds;
        final double wallSeconds;
        final Map<String, Integer> requestShapes;
        final int requests;
        final Summary requestsPerRun;
        /** The rest count and sampler of the round whose client threads grew most. */
        final Map<Side, Integer> rest;
        final Sampler sampler;
        final double seconds;
        final boolean allCompleted;
        final int failed;
        final Summary overhead;
        final Summary ownTime;
        final Summary createTime;
        final Summary endToDelete;
        final Summary endToReaction;
        final Summary endToComplete;
        final Summary logLatency;
        final Summary logLatencyLive;
        final Summary runningLag;
        final Summary podRunTime;
        final Summary statusPut;
        final int peakRunningPods;

        Burst(String side, int n, List<Round> rounds) {
            this.side = side;
            this.n = n;
            this.rounds = rounds;
            List<RunTimes> runs = rounds.stream().flatMap(r -> r.runs().stream()).toList();
            List<RequestLog.Entry> entries = rounds.stream().flatMap(r -> r.requests().stream()).toList();
            this.total = runs.size();
            this.requestShapes = RequestShapes.breakdown(entries);
            this.requests = entries.size();
            Round worst = rounds.stream().max(java.util.Comparator.comparingInt(Round::clientThreadsOverRest)).orElseThrow();
            this.rest = worst.rest();
            this.sampler = worst.sampler();
            this.seconds = rounds.stream().mapToLong(Round::elapsedNanos).sum() / 1e9;
            this.allCompleted = rounds.stream().allMatch(Round::allCompleted);
            this.processCpuSeconds = rounds.stream().mapToDouble(r -> r.sampler().processCpuSeconds).sum();
            this.wallSeconds = rounds.stream().mapToDouble(r -> r.sampler().wallSeconds).sum();
            for (Side sd : Side.values()) {
                cpuSeconds.put(sd, rounds.stream().mapToDouble(r -> r.sampler().cpuSeconds.get(sd)).sum());
            }
            Map<String, Instant> deletes = new HashMap<>();
            Map<String, Integer> perJob = new HashMap<>();
            Map<String, List<RequestLog.Entry>> byJob = new HashMap<>();
            for (RequestLog.Entry e : entries) {
                String job = RequestShapes.jobOf(e);
                if (job != null) {
                    perJob.merge(job, 1, Integer::sum);
                    byJob.computeIfAbsent(job, j -> new ArrayList<>()).add(e);
                }
                if (e.method().equals("DELETE") && job != null && e.path().contains("/jobs/")) {
                    deletes.putIfAbsent(job, e.time());
                }
            }
            List<Double> perRun = new ArrayList<>();
            List<Double> over = new ArrayList<>();
            List<Double> own = new ArrayList<>();
            List<Double> create = new ArrayList<>();
            List<Double> toDelete = new ArrayList<>();
            List<Double> toReaction = new ArrayList<>();
            List<Double> toComplete = new ArrayList<>();
            List<Double> lag = new ArrayList<>();
            List<Double> podRun = new ArrayList<>();
            List<Double> puts = new ArrayList<>();
            List<long[]> podIntervals = new ArrayList<>();
            int bad = 0;
            for (RunTimes r : runs) {
                // The POST that creates the Job names no object: one per run.
                perRun.add(1.0 + perJob.getOrDefault(r.job, 0));
                if (r.completed == 0 || !r.ok) {
                    bad++;
                    continue;
                }
                over.add((r.completed - r.started) / 1e6 - RUN_FOR.toMillis());
                Instant running = truth.running(r.runId);
                ClusterSimulator.PodStatusWrite end = truth.terminal(r.runId);
                if (r.created != 0) {
                    create.add((r.created - r.started) / 1e6);
                }
                if (end != null) {
                    puts.add(Duration.between(end.sent(), end.written()).toNanos() / 1e6);
                    double endMs = Duration.between(end.sent(), r.completedAt).toNanos() / 1e6;
                    toComplete.add(endMs);
                    if (r.created != 0) {
                        own.add((r.created - r.started) / 1e6 + endMs);
                    }
                    Instant delete = deletes.get(r.job);
                    if (delete != null) {
                        toDelete.add(Duration.between(end.sent(), delete).toNanos() / 1e6);
                    }
                    // The first request about the run after its end that is not a (resumed) log follow.
                    byJob.getOrDefault(r.job, List.of()).stream()
                            .filter(e -> !e.time().isBefore(end.sent()))
                            .filter(e -> e.query() == null || !e.query().contains("follow=true"))
                            .map(RequestLog.Entry::time).min(Instant::compareTo)
                            .ifPresent(t -> toReaction.add(Duration.between(end.sent(), t).toNanos() / 1e6));
                }
                if (running != null && end != null) {
                    podIntervals.add(new long[] {micros(running), micros(end.sent())});
                    podRun.add(Duration.between(running, end.sent()).toNanos() / 1e6);
                }
                if (running != null && r.firstLineWritten() != 0) {
                    lag.add((micros(running) - r.firstLineWritten()) / 1000.0);
                }
            }
            this.failed = bad;
            this.requestsPerRun = Figures.summarize(perRun);
            this.overhead = Figures.summarize(over);
            this.ownTime = Figures.summarize(own);
            this.createTime = Figures.summarize(create);
            this.endToDelete = Figures.summarize(toDelete);
            this.endToReaction = Figures.summarize(toReaction);
            this.endToComplete = Figures.summarize(toComplete);
            this.logLatency = side.equals("engine") ? Figures.summarize(lineLatencies(runs, null, false)) : Summary.NONE;
            this.logLatencyLive = side.equals("engine") ? Figures.summarize(lineLatencies(runs, null, true)) : Summary.NONE;
            this.runningLag = Figures.summarize(lag);
            this.podRunTime = Figures.summarize(podRun);
            this.statusPut = Figures.summarize(puts);
            this.peakRunningPods = Figures.peakOverlap(podIntervals);
        }

        double runsPerSecond() {
            return (total - failed) / seconds;
        }

        double requestsPerRunTotal() {
            return (double) requests / total;
        }

        int clientThreadsOverRest() {
            return sampler.peakClient - rest.get(Side.CLIENT);
        }

        double busy() {
            return processCpuSeconds / (wallSeconds * Runtime.getRuntime().availableProcessors());
        }

        String cpuLine() {
            return Sampler.cpuLine(processCpuSeconds, wallSeconds, cpuSeconds);
        }

        String oneLine() {
            return String.format("%.1f runs/s, overhead p50 %s ms p99 %s ms, own time p50 %s ms, %.2f requests/run,"
                            + " client threads +%d%s",
                    runsPerSecond(), Figures.fmt(overhead.p50()), Figures.fmt(overhead.p99()),
                    Figures.fmt(ownTime.p50()), requestsPerRunTotal(), clientThreadsOverRest(),
                    failed > 0 || !allCompleted ? ", " + failed + " FAILED OR INCOMPLETE" : "");
        }
    }

    /** The figures of the active phase. */
    record Active(String side, List<RunTimes> runs, int activeRuns, boolean allActive, double activeAfterSeconds,
            long heapBefore, long heapDuring, long usedBefore, long usedDuring, long directBefore, long directDuring,
            Map<Side, Integer> rest, Map<Side, Integer> atActive,
            Map<String, Integer> clientGroups, List<String> stackOfLargestGroup, Sampler sampler,
            List<String> histogramTop, Map<String, Long> growthByOwner,
            List<Double> latencies, List<Double> liveLatencies) {
        /** Live heap per active run: the class histogram's total after a full GC. */
        double perRunKb() {
            return perRun(heapDuring - heapBefore);
        }

        /** The heap the JVM reports used after a full GC, per active run (includes allocation buffers). */
        double usedPerRunKb() {
            return perRun(usedDuring - usedBefore);
        }

        /** Direct (off-heap) buffer memory per active run. */
        double directPerRunKb() {
            return perRun(directDuring - directBefore);
        }

        private double perRun(long bytes) {
            return activeRuns == 0 ? Double.NaN : bytes / 1024.0 / activeRuns;
        }

        int clientThreadsOverRest() {
            return atActive.get(Side.CLIENT) - rest.get(Side.CLIENT);
        }
    }

    // ------------------------------------------------------------------ services

    /**
     * The services phase: {@link #SERVICES} distinct functions served at once on one side, each
     * until ready (engine: the run's outcome, RUNNING; minimal: the Deployment seen available), then
     * deleted (not measured).
     */
    private Serves serveRound(String side, int n, boolean print) throws Exception {
        ServeSide d = side.equals("engine") ? new EngineServes() : new MinimalServes();
        try {
            List<Plan> plans = servePlans(d.namespace(), n);
            List<ServeTimes> serves = plans.stream().map(ServeTimes::new).toList();
            Thread.sleep(200);
            Map<Side, Integer> rest = census.count();
            sim.requests().reset();
            Sampler sampler = new Sampler(census);
            sampler.start();
            long t0 = System.nanoTime();
            for (int i = 0; i < serves.size(); i++) {
                d.start(plans.get(i), serves.get(i));
            }
            boolean all = true;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            for (ServeTimes s : serves) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !s.done.await(left, TimeUnit.NANOSECONDS)) {
                    all = false;
                    break;
                }
            }
            long elapsed = System.nanoTime() - t0;
            sampler.stop();
            Thread.sleep(100); // a request sent after the last ready still counts
            Serves s = new Serves(side, serves, RequestShapes.breakdown(sim.requests().entries()),
                    sim.requests().entries().size(), rest, sampler, elapsed, all);
            if (print) {
                System.out.printf("  %-7s %4d serves: %s%n", side, serves.size(), s.oneLine());
            }
            return s;
        } finally {
            d.close();
            String ns = d.namespace();
            sim.client().apps().deployments().inNamespace(ns).withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            sim.client().services().inNamespace(ns).withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER).delete();
            waitUntil(() -> sim.client().pods().inNamespace(ns).list().getItems().isEmpty()
                    && sim.client().apps().deployments().inNamespace(ns).list().getItems().isEmpty(), TIMEOUT);
        }
    }

    /** {@code svc-1 .. svc-N}: one port (8080), one replica each. */
    private static List<Plan> servePlans(String namespace, int n) throws Exception {
        List<Plan> plans = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            FunctionSpec spec = RUNTIME.validate(FunctionSpec.of("svc-" + i, "container",
                    Map.of("image", SERVICE_IMAGE, "ports", List.of(8080), "replicas", 1)));
            plans.add(RUNTIME.plan(RunRequest.builder(spec, ActionKind.SERVE)
                    .runId(Integer.toString(RUN_IDS.incrementAndGet(), 36)).namespace(namespace).build()));
        }
        return plans;
    }

    /** Starts serve actions one way, on a client of its own. */
    private interface ServeSide extends AutoCloseable {
        String namespace();

        void start(Plan plan, ServeTimes s);

        @Override
        void close();
    }

    /** The engine, primed as in the bursts (one job run): its Deployment informer starts with the first serve. */
    private final class EngineServes implements ServeSide {
        final EngineDriver driver;

        EngineServes() throws Exception {
            driver = (EngineDriver) driver("engine");
        }

        @Override
        public String namespace() {
            return driver.namespace();
        }

        @Override
        public void start(Plan plan, ServeTimes s) {
            s.started = System.nanoTime();
            driver.engine.start(plan, new RunListener() {
                @Override
                public void onComplete(RunOutcome outcome) {
                    s.complete(outcome.state() == RunState.RUNNING);
                }
            });
        }

        @Override
        public void close() {
            driver.close();
        }
    }

    /**
     * The minimum: per serve, create the Deployment, then the Service owned by it (the plan's
     * objects, as the engine creates them), on a pool of {@link #MINIMAL_THREADS} threads; wait for
     * availability through ONE Deployment watch shared by all serves, opened before the burst (a
     * plain watch, no informer: no list, no cache); no log copying.
     */
    private final class MinimalServes implements ServeSide {
        final KubernetesClient client;
        final ExecutorService pool;
        final Map<String, ServeTimes> serves = new ConcurrentHashMap<>();
        final Watch watch;

        MinimalServes() {
            client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, MINIMAL_NS));
            AtomicInteger count = new AtomicInteger();
            pool = Executors.newFixedThreadPool(MINIMAL_THREADS, r -> {
                Thread t = new Thread(r, "minimal-requests-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            watch = client.apps().deployments().inNamespace(MINIMAL_NS)
                    .withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER).watch(new Watcher<>() {
                        @Override
                        public void eventReceived(Action action, Deployment d) {
                            if (action == Action.DELETED || !available(d)) {
                                return;
                            }
                            ServeTimes s = serves.remove(d.getMetadata().getName());
                            if (s != null) {
                                s.complete(true);
                            }
                        }

                        @Override
                        public void onClose(WatcherException cause) {
                        }
                    });
        }

        @Override
        public String namespace() {
            return MINIMAL_NS;
        }

        @Override
        public void start(Plan plan, ServeTimes s) {
            s.started = System.nanoTime();
            serves.put(s.name, s);
            pool.execute(() -> {
                try {
                    HasMetadata created = client.resource(plan.workload()).inNamespace(MINIMAL_NS).create();
                    OwnerReference owner = new OwnerReferenceBuilder().withApiVersion(created.getApiVersion())
                            .withKind(created.getKind()).withName(created.getMetadata().getName())
                            .withUid(created.getMetadata().getUid()).withBlockOwnerDeletion(true).withController(false)
                            .build();
                    for (HasMetadata object : plan.objects()) {
                        if (object != plan.workload()) {
                            object.getMetadata().setOwnerReferences(List.of(owner));
                            client.resource(object).inNamespace(MINIMAL_NS).create();
                        }
                    }
                } catch (RuntimeException e) {
                    serves.remove(s.name);
                    s.complete(false);
                }
            });
        }

        /** The engine's test: this generation observed, every replica updated and available, no old pod left. */
        private boolean available(Deployment d) {
            DeploymentStatus status = d.getStatus();
            if (status == null) {
                return false;
            }
            Long generation = d.getMetadata().getGeneration();
            Long observed = status.getObservedGeneration();
            if (generation != null && (observed == null || observed < generation)) {
                return false;
            }
            int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            int updated = status.getUpdatedReplicas() == null ? 0 : status.getUpdatedReplicas();
            int available = status.getAvailableReplicas() == null ? 0 : status.getAvailableReplicas();
            int total = status.getReplicas() == null ? 0 : status.getReplicas();
            return updated >= desired && available >= desired && total <= updated;
        }

        @Override
        public void close() {
            watch.close();
            pool.shutdownNow();
            client.close();
        }
    }

    /** One serve: when it started and when it was ready. */
    static final class ServeTimes {
        final String name;
        final CountDownLatch done = new CountDownLatch(1);
        volatile long started;
        volatile long ready;
        volatile boolean ok;

        ServeTimes(Plan plan) {
            name = plan.workload().getMetadata().getName();
        }

        void complete(boolean success) {
            ready = System.nanoTime();
            ok = success;
            done.countDown();
        }
    }

    /** The figures of one side's services phase. */
    record Serves(String side, List<ServeTimes> serves, Map<String, Integer> requestShapes, int requests,
            Map<Side, Integer> rest, Sampler sampler, long elapsedNanos, boolean allReady) {
        int ready() {
            return (int) serves.stream().filter(s -> s.ready != 0 && s.ok).count();
        }

        double servesPerSecond() {
            return ready() / (elapsedNanos / 1e9);
        }

        Summary timeToReady() {
            return Figures.summarize(serves.stream().filter(s -> s.ready != 0 && s.ok)
                    .map(s -> (s.ready - s.started) / 1e6).toList());
        }

        double requestsPerServe() {
            return (double) requests / serves.size();
        }

        int clientThreadsOverRest() {
            return sampler.peakClient - rest.get(Side.CLIENT);
        }

        String oneLine() {
            Summary t = timeToReady();
            return String.format("%.1f serves/s, time to ready p50 %s ms p99 %s ms, %.2f requests/serve,"
                            + " client threads +%d%s", servesPerSecond(), Figures.fmt(t.p50()), Figures.fmt(t.p99()),
                    requestsPerServe(), clientThreadsOverRest(),
                    ready() < serves.size() || !allReady ? ", " + (serves.size() - ready()) + " NOT READY" : "");
        }
    }

    // ------------------------------------------------------------------ heap

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    /** Used heap after a full GC, as the JVM reports it: the least of three. */
    private static long usedHeapAfterGc() throws InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            least = Math.min(least, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    private static long directMemory() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    /** The smaller of two live-object histograms (each after a full GC), by total bytes. */
    private static Map<String, long[]> liveHistogram() {
        Map<String, long[]> a = histogram();
        Map<String, long[]> b = histogram();
        return a.get(Histograms.TOTAL)[1] <= b.get(Histograms.TOTAL)[1] ? a : b;
    }

    /** The live-object class histogram ({@code jcmd <pid> GC.class_histogram}, which runs a full GC first). */
    private static Map<String, long[]> histogram() {
        try {
            return Histograms.parse((String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()}));
        } catch (Exception e) {
            System.out.println("  (no class histogram: " + e + ")");
            return Histograms.parse("");
        }
    }

    // ------------------------------------------------------------------ printing

    private static void printMachine() {
        Runtime rt = Runtime.getRuntime();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.println("Function Runtimes engine benchmark");
        System.out.printf("Machine: %d cores, %.1f GiB memory, %s %s %s; %s %s; heap max %d MiB; GC %s%n",
                rt.availableProcessors(), os.getTotalMemorySize() / (1024.0 * 1024 * 1024),
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"),
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                rt.maxMemory() / (1024 * 1024),
                ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName())
                        .collect(Collectors.joining(", ")));
        System.out.printf("Pods of the bursts run %d ms and write %d lines, one every %d ms; minimal sequence pool: %d"
                + " threads%n", RUN_FOR.toMillis(), LINES, LOG_EVERY.toMillis(), MINIMAL_THREADS);
    }

    private void printResults() {
        System.out.println();
        System.out.println("## Bursts: throughput and overhead (ms)");
        System.out.println();
        System.out.println("overhead = completion - start - " + RUN_FOR.toMillis() + " ms (the pod's run time). "
                + "own time = (start -> Job created) + (kubelet sends the pod's terminal status -> completion): "
                + "the part spent in the client, without the simulated cluster's work in between.");
        System.out.println();
        System.out.println("| runs | side | runs/s | overhead p50 | overhead p99 | own time p50 | own time p99 "
                + "| requests/run | peak running pods | CPU busy |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Burst b : bursts) {
            System.out.printf("| %d | %s | %.1f | %s | %s | %s | %s | %.2f | %d | %.0f%% |%s%n",
                    b.n, b.side, b.runsPerSecond(), Figures.fmt(b.overhead.p50()), Figures.fmt(b.overhead.p99()),
                    Figures.fmt(b.ownTime.p50()), Figures.fmt(b.ownTime.p99()), b.requestsPerRunTotal(),
                    b.peakRunningPods, 100 * b.busy(),
                    b.failed > 0 || !b.allCompleted ? " " + b.failed + " runs failed or incomplete" : "");
        }
        System.out.println();
        System.out.println("## Bursts: engine / minimal");
        System.out.println();
        System.out.println("| runs | overhead p50 | overhead p99 | own time p50 | own time p99 | runs/s |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        for (int n : BURSTS) {
            Burst e = find("engine", n);
            Burst m = find("minimal", n);
            System.out.printf("| %d | %s | %s | %s | %s | %s |%n", n,
                    Figures.ratio(e.overhead.p50(), m.overhead.p50()), Figures.ratio(e.overhead.p99(), m.overhead.p99()),
                    Figures.ratio(e.ownTime.p50(), m.ownTime.p50()), Figures.ratio(e.ownTime.p99(), m.ownTime.p99()),
                    Figures.ratio(e.runsPerSecond(), m.runsPerSecond()));
        }
        System.out.println();
        System.out.println("## Bursts: promptness (ms)");
        System.out.println();
        System.out.println("end = the kubelet sends the pod's terminal status. First reaction: the first request about "
                + "the run after it, other than a log follow (engine: the final log read; minimal: fabric8's pod GET "
                + "before the log). Log latency: line written -> listener; \"live\": only lines written after the "
                + "pod's Running status was sent.");
        System.out.println();
        System.out.println("| runs | side | end -> first reaction at server p50 / p99 / max "
                + "| end -> DELETE at server p50 / p99 / max | end -> completion p50 / p99 / max "
                + "| log latency p50 / p99 / max | live log latency p50 / p99 / max |");
        System.out.println("|---:|---|---|---|---|---|---|");
        for (Burst b : bursts) {
            boolean engine = b.side.equals("engine");
            System.out.printf("| %d | %s | %s | %s | %s | %s | %s |%n", b.n, b.side, triple(b.endToReaction),
                    triple(b.endToDelete), triple(b.endToComplete),
                    engine ? triple(b.logLatency) : "n/a: read once at the end",
                    engine ? triple(b.logLatencyLive) : "n/a");
        }
        System.out.println();
        System.out.println("## Threads");
        System.out.println();
        System.out.println("client = the engine or the minimal sequence with its fabric8/okhttp client; server = "
                + "MockWebServer's connection threads and the mock server's watch executors.");
        System.out.println();
        System.out.println("| phase | side | client at rest | client peak | delta | server peak | all threads peak |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|");
        for (Burst b : bursts) {
            System.out.printf("| burst of %d | %s | %d | %d | +%d | %d | %d |%n", b.n, b.side, b.rest.get(Side.CLIENT),
                    b.sampler.peakClient, b.clientThreadsOverRest(), b.sampler.peakServer, b.sampler.peakTotal);
        }
        for (Active a : actives) {
            System.out.printf("| %d active | %s | %d | %d | +%d | %d | %d |%n", a.activeRuns(), a.side(),
                    a.rest().get(Side.CLIENT), a.sampler().peakClient, a.sampler().peakClient - a.rest().get(Side.CLIENT),
                    a.sampler().peakServer, a.sampler().peakTotal);
        }
        if (!actives.isEmpty()) {
            System.out.println();
            System.out.println("## Active runs: heap, threads, log latency");
            System.out.println();
            System.out.println("live heap = the class histogram's total after a full GC; \"used\" = what the JVM reports "
                    + "used after a full GC (also counts the allocation buffers of threads that allocate meanwhile); "
                    + "direct = off-heap NIO buffers.");
            System.out.println();
            System.out.println("| side | active runs | all active after | live heap before -> all active "
                    + "| live heap per active run | used heap per active run | direct per active run "
                    + "| client threads rest -> all active | log latency p50 / p99 / max | live log latency p50 / p99 / max |");
            System.out.println("|---|---:|---:|---|---:|---:|---:|---|---|---|");
            for (Active a : actives) {
                boolean engine = a.side().equals("engine");
                System.out.printf("| %s | %d%s | %.1f s | %.1f -> %.1f MiB | %.1f KB | %.1f KB | %.1f KB | %d -> %d (+%d) | %s | %s |%n",
                        a.side(), a.activeRuns(), a.allActive() ? "" : " (not all)", a.activeAfterSeconds(),
                        a.heapBefore() / 1048576.0, a.heapDuring() / 1048576.0, a.perRunKb(), a.usedPerRunKb(),
                        a.directPerRunKb(), a.rest().get(Side.CLIENT), a.atActive().get(Side.CLIENT),
                        a.clientThreadsOverRest(),
                        engine ? triple(Figures.summarize(a.latencies())) : "n/a",
                        engine ? triple(Figures.summarize(a.liveLatencies())) : "n/a");
            }
            Active e = actives.stream().filter(a -> a.side().equals("engine")).findFirst().orElse(null);
            Active m = actives.stream().filter(a -> a.side().equals("minimal")).findFirst().orElse(null);
            if (e != null && m != null) {
                System.out.printf("%nEngine's live heap per active run beyond the minimal sequence's: %.1f KB%n",
                        e.perRunKb() - m.perRunKb());
            }
        }
        if (!services.isEmpty()) {
            System.out.println();
            System.out.println("## Services: " + SERVICES + " concurrent serves to ready");
            System.out.println();
            System.out.println("svc-1..svc-" + SERVICES + ", port 8080, 1 replica, pods ready " + SERVICE_READY_AFTER.toMillis()
                    + " ms after they start. time to ready = start -> the run's outcome RUNNING (engine) / the "
                    + "Deployment seen available on the shared Deployment watch (minimal). requests at the server, the "
                    + "simulator's own not counted.");
            System.out.println();
            System.out.println("| side | serves/s | time to ready p50 | time to ready p99 | requests/serve "
                    + "| client threads rest -> peak | CPU busy |");
            System.out.println("|---|---:|---:|---:|---:|---|---:|");
            for (Serves s : services) {
                Summary t = s.timeToReady();
                System.out.printf("| %s | %.1f | %s | %s | %.2f | %d -> %d (+%d) | %.0f%% |%s%n", s.side(),
                        s.servesPerSecond(), Figures.fmt(t.p50()), Figures.fmt(t.p99()), s.requestsPerServe(),
                        s.rest().get(Side.CLIENT), s.sampler().peakClient, s.clientThreadsOverRest(),
                        100 * s.sampler().busy(), s.ready() < s.serves().size() || !s.allReady()
                                ? " " + (s.serves().size() - s.ready()) + " not ready" : "");
            }
            Serves e = services.stream().filter(s -> s.side().equals("engine")).findFirst().orElse(null);
            Serves mi = services.stream().filter(s -> s.side().equals("minimal")).findFirst().orElse(null);
            if (e != null && mi != null) {
                System.out.println();
                System.out.println("| engine / minimal | serves/s | time to ready p50 | time to ready p99 | requests/serve "
                        + "| client threads over rest |");
                System.out.println("|---|---:|---:|---:|---:|---:|");
                System.out.printf("| %d serves | %s | %s | %s | %s | %s |%n", SERVICES,
                        Figures.ratio(e.servesPerSecond(), mi.servesPerSecond()),
                        Figures.ratio(e.timeToReady().p50(), mi.timeToReady().p50()),
                        Figures.ratio(e.timeToReady().p99(), mi.timeToReady().p99()),
                        Figures.ratio(e.requestsPerServe(), mi.requestsPerServe()),
                        Figures.ratio(e.clientThreadsOverRest(), mi.clientThreadsOverRest()));
            }
        }
        System.out.println();
        System.out.println("## Details");
        for (Burst b : bursts) {
            System.out.printf("%n### Burst of %d, %s%s%n", b.n, b.side,
                    b.rounds.size() > 1 ? " (" + b.rounds.size() + " rounds, taking turns with the other side)" : "");
            System.out.printf("requests: %d, %.2f per run (per run p50 %s, max %s); the simulator's own are not counted%n",
                    b.requests, b.requestsPerRunTotal(), Figures.fmt(b.requestsPerRun.p50()),
                    Figures.fmt(b.requestsPerRun.max()));
            b.requestShapes.forEach((shape, count) -> System.out.printf("  %6d  %s%n", count, shape));
            System.out.printf("start -> Job created: p50 %s ms, p99 %s ms; end -> completion p50 %s ms, p99 %s ms%n",
                    Figures.fmt(b.createTime.p50()), Figures.fmt(b.createTime.p99()),
                    Figures.fmt(b.endToComplete.p50()), Figures.fmt(b.endToComplete.p99()));
            System.out.printf("simulated cluster: pod Running -> terminal status %s / %s ms (p50 / p99; the pod runs %d ms),"
                            + " container start -> Running status sent %s / %s ms%n",
                    Figures.fmt(b.podRunTime.p50()), Figures.fmt(b.podRunTime.p99()), RUN_FOR.toMillis(),
                    Figures.fmt(b.runningLag.p50()), Figures.fmt(b.runningLag.p99()));
            System.out.printf("the kubelet's terminal status PUT, sent -> answered: p50 %s ms, p99 %s ms%n",
                    Figures.fmt(b.statusPut.p50()), Figures.fmt(b.statusPut.p99()));
            System.out.println(b.cpuLine());
            System.out.printf("client threads at peak: %d (at rest %d; the round that grew most), by name:%n",
                    b.sampler.peakClient, b.rest.get(Side.CLIENT));
            b.sampler.clientGroupsAtPeak.forEach((g, c) -> System.out.printf("  %6d  %s%n", c, g));
        }
        for (Serves s : services) {
            System.out.printf("%n### %d serves, %s%n", s.serves().size(), s.side());
            System.out.printf("requests: %d, %.2f per serve; the simulator's own are not counted%n", s.requests(),
                    s.requestsPerServe());
            s.requestShapes().forEach((shape, count) -> System.out.printf("  %6d  %s%n", count, shape));
            System.out.println(s.sampler().cpuLine());
            System.out.printf("client threads at peak: %d (at rest %d), by name:%n", s.sampler().peakClient,
                    s.rest().get(Side.CLIENT));
            s.sampler().clientGroupsAtPeak.forEach((g, c) -> System.out.printf("  %6d  %s%n", c, g));
        }
        for (Active a : actives) {
            System.out.printf("%n### %d active runs, %s%n", a.activeRuns(), a.side());
            System.out.println(a.sampler().cpuLine());
            System.out.println("client threads with every run active, by name:");
            a.clientGroups().forEach((g, c) -> System.out.printf("  %6d  %s%n", c, g));
            System.out.println("what a busy thread of the largest group is doing:");
            a.stackOfLargestGroup().forEach(l -> System.out.println("      at " + l));
            System.out.println("live bytes added, by owner of the classes (per active run):");
            a.growthByOwner().forEach((owner, bytes) -> System.out.printf("  %,12d B  %7.1f KB  %s%n", bytes,
                    bytes / 1024.0 / a.activeRuns(), owner));
            System.out.println("classes whose live bytes grew most (bytes, instances):");
            a.histogramTop().forEach(l -> System.out.println("  " + l));
        }
    }

    /** Class-name prefixes that tell who holds heap, for {@link Histograms#growthBy}. */
    private static final List<String> OWNERS = List.of("io.fabric8.kubernetes.api.model.", "io.fabric8.kubernetes.client.",
            "io.fabric8.mockwebserver.", "okhttp3.mockwebserver.", "okhttp3.", "okio.", "io.jenkins.plugins.functions.testing.",
            "io.jenkins.plugins.functions.bench.", "io.jenkins.plugins.functions.", "com.fasterxml.jackson.");

    /**
     * The top frames of a busy thread of the largest group (one not idle in its pool), to show
     * what those threads wait on.
     */
    private static List<String> stackOfLargestGroup(List<Thread> threads, Map<String, Integer> groups) {
        String largest = groups.keySet().stream().findFirst().orElse(null);
        List<StackTraceElement[]> stacks = threads.stream().filter(t -> ThreadCensus.group(t.getName()).equals(largest))
                .map(Thread::getStackTrace).toList();
        return stacks.stream()
                .filter(st -> Arrays.stream(st).noneMatch(f -> f.getMethodName().equals("getTask")))
                .findFirst().or(() -> stacks.stream().findFirst())
                .map(st -> Arrays.stream(st).limit(16).map(StackTraceElement::toString).toList())
                .orElse(List.of());
    }

    private static String triple(Summary s) {
        return Figures.fmt(s.p50()) + " / " + Figures.fmt(s.p99()) + " / " + Figures.fmt(s.max());
    }

    private Burst find(String side, int n) {
        return bursts.stream().filter(b -> b.side.equals(side) && b.n == n).findFirst().orElseThrow();
    }
}
