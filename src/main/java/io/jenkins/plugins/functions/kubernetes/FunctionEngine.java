package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.Plan;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs plans against one cluster: creates a run's objects, follows them to the end through the
 * shared {@link RunWatcher}, and cleans up. Plain Java: Jenkins drives it from its steps, the
 * command line from {@code run}, tests from the mock API server.
 *
 * <p>Threads: none of its own per run. Creates, deletes and one-off log reads are asynchronous
 * requests, at most {@link #REQUESTS_IN_FLIGHT} under way at once ({@link RequestSlots}); logs
 * are followed live on at most {@link LogLimits#liveStreams()} streams. One timer thread keeps
 * grace periods, and a small worker pool, idle threads gone after a while, runs the rare work
 * that needs fabric8's blocking calls (look-ups on re-attach, stopping services, a name already
 * taken). Waiting for a run costs no thread: completion comes from the informers.
 */
public final class FunctionEngine implements AutoCloseable {

    /** Set by {@link #close()}: no run starts or re-attaches any more. */
    private volatile boolean closed;

    private final KubernetesClient client;
    private volatile EngineOptions options;
    private final RunWatcher watcher;
    private final LogStreams logStreams;
    /** Blocking work (look-ups, stops, take-overs): rare, never on a run's hot path. */
    private final ThreadPoolExecutor workers;
    private final RequestSlots slots;
    private final ApiRequests api;
    private final ScheduledExecutorService timer;
    private final Map<String, ActiveRun> runs = new ConcurrentHashMap<>();
    /** Every namespace a run of this engine went to: where the orphan sweeper looks. */
    private final java.util.Set<String> namespacesUsed = ConcurrentHashMap.newKeySet();
    // ---- observability (issue 12): metrics, resource usage ----
    /** Where this engine reports its metrics; {@link EngineMetrics#NONE} until {@link #withMetrics}. */
    private volatile EngineMetrics metrics = EngineMetrics.NONE;
    /** The kind of every run in {@link #runs}, for the gauges of active runs. */
    private final Map<String, RunTags> runTags = new ConcurrentHashMap<>();
    /** Where the informers of the engine's own client dispatch their events. */
    private final ExecutorService informerEvents;
    private final UsageSampler usage;
    /** The look-ups of runs re-attached after a restart. */
    private final RunAttachment attachment;
    private final WorkloadRemoval removal;

    public FunctionEngine(KubernetesClient client, EngineOptions options) {
        this(client, options, LogLimits.defaults());
    }

    public FunctionEngine(KubernetesClient client, EngineOptions options, LogLimits logLimits) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(logLimits, "logLimits");
        this.options = Objects.requireNonNull(options, "options");
        this.informerEvents = Executors.newCachedThreadPool(daemon("function-runtimes-informers"));
        // the engine's own client: the given one's connections, plus the count of its requests
        this.client = RequestCounting.instrument(client, this::metrics, informerEvents);
        this.watcher = new RunWatcher(this.client);
        this.workers = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemon("function-runtimes-workers"));
        workers.allowCoreThreadTimeOut(true);
        this.slots = new RequestSlots(REQUESTS_IN_FLIGHT, CREATES_IN_FLIGHT);
        this.api = new ApiRequests(this.client, slots);
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("function-runtimes-timer"));
        this.logStreams = new LogStreams(new LogFollower(this.client), logLimits, timer, slots);
        this.usage = new UsageSampler(this.client, timer);
        this.attachment = new RunAttachment(this.client);
        this.removal = new WorkloadRemoval(this.client, api, workers, runs::get);
    }

    /**
     * Short requests (creates, deletes, one-off log reads) under way at once. Each holds an okhttp
     * dispatcher thread while under way (fabric8 6.10's okhttp backend), so with the live log
     * streams this bounds the engine's threads: 10 + 8 live streams + the timer stay within the
     * 20 threads beyond rest of docs/performance.md, as the 4 blocking request threads (each with
     * its dispatcher thread) and 6 log reads did before, with twice as many creates under way in
     * a burst.
     */
    static final int REQUESTS_IN_FLIGHT = 10;

    /** Of those, creates: the others always find a slot for a run's end and for log reads. */
    static final int CREATES_IN_FLIGHT = 8;

    /** The worker pool's threads at most. */
    private static final int WORKERS = 4;

    public KubernetesClient client() {
        return client;
    }

    /**
     * Reports this engine's metrics to {@code value} from now on (Jenkins: the metrics plugin's
     * registry, shared by every engine). Returns this engine.
     */
    public FunctionEngine withMetrics(EngineMetrics value) {
        EngineMetrics previous = metrics;
        previous.detach(this);
        metrics = Objects.requireNonNull(value, "metrics");
        value.attach(this);
        return this;
    }

    public EngineMetrics metrics() {
        return metrics;
    }

    /**
     * Samples the CPU and memory of the runs' pods this often where the cluster serves
     * {@code metrics.k8s.io}; zero (the default) does not sample. Jenkins samples every 15
     * seconds unless configured otherwise. Returns this engine.
     */
    public FunctionEngine sampleUsageEvery(Duration interval) {
        usage.interval(Objects.requireNonNull(interval, "interval"));
        return this;
    }

    /** The usage sampling interval Jenkins uses unless configured: metrics-server's default resolution. */
    public static final Duration DEFAULT_USAGE_INTERVAL = Duration.ofSeconds(15);

    /** How often the runs' resource usage is sampled; zero: not at all. */
    public Duration usageInterval() {
        return usage.interval();
    }

    UsageSampler usage() {
        return usage;
    }

    /** Runs of this kind in progress in this engine. */
    public int activeRuns(RunTags tags) {
        int n = 0;
        for (RunTags t : runTags.values()) {
            if (t.equals(tags)) {
                n++;
            }
        }
        return n;
    }

    /**
     * The listener the engine puts in front of a run's: its metrics, its resource usage sampled
     * ({@link ObservedListener}, {@link UsageSampler}). {@code startedNanos} is null for a run
     * re-attached after a restart.
     */
    private RunListener observe(RunListener listener, RunRef ref, RunTags tags, Long startedNanos) {
        ObservedListener observed = new ObservedListener(listener, this, ref, tags, startedNanos);
        runTags.put(ref.runId(), tags);
        if (Workloads.customWorkload(ref) == null) {
            // a custom resource's pods are its controller's, without the run's labels: not sampled
            usage.track(ref, observed::note);
        }
        return observed;
    }

    public EngineOptions options() {
        return options;
    }

    /**
     * Replaces the options (the administrator changed a threshold). Runs in progress use the new
     * values from their next decision on; a countdown already under way keeps its length.
     */
    public void updateOptions(EngineOptions newOptions) {
        this.options = Objects.requireNonNull(newOptions, "options");
    }

    /** The namespaces runs of this engine went to since it was created. */
    public java.util.Set<String> namespacesUsed() {
        return java.util.Set.copyOf(namespacesUsed);
    }

    /**
     * One pass of the {@link OrphanSweeper} over the namespaces, with this engine's connection;
     * runs this engine follows are never swept. Synchronous: call it from a background thread.
     */
    public OrphanSweeper.Result sweepOrphans(java.util.Collection<String> namespaces, OrphanSweeper.Builds builds,
            OrphanSweeper.Options sweepOptions) {
        OrphanSweeper.Result result = new OrphanSweeper(client, sweepOptions, java.time.Clock.systemUTC(),
                runs::containsKey).sweep(namespaces, builds);
        metrics.orphansSwept(result.deletedObjects().size());
        return result;
    }

    /** Runs in progress in this engine. */
    public int activeRuns() {
        return runs.size();
    }

    /**
     * Starts a run: returns at once; the objects are created on the engine's threads and the
     * listener hears the rest. A {@code job} or {@code build} run ends when its container ends; a
     * {@code serve} or {@code deploy} run's start ends when its rollout is available (outcome
     * state RUNNING), and the service goes on in the cluster until it is stopped.
     */
    public RunHandle start(Plan plan, RunListener listener) {
        return start(plan, listener, null);
    }

    /**
     * As {@link #start(Plan, RunListener)}, with how long a {@code serve} or {@code deploy} run's
     * start may wait for readiness, apart from the run's timeout: null for the run's timeout, else
     * the default (ten minutes; longer when the pods' startup probes allow more, and for custom
     * resources their kind's default).
     */
    public RunHandle start(Plan plan, RunListener runListener, Duration readyTimeout) {
        ensureOpen();
        HasMetadata workload = plan.workload();
        RunRef ref = new RunRef(plan.namespace(), workload.getKind(), workload.getMetadata().getName(),
                plan.request().runId());
        // every runtime's runs: the credentials' values never reach the listener (the build log)
        java.util.List<String> masked = new java.util.ArrayList<>(SecretMasker.valuesOf(plan.request().credentials().values()));
        if (plan.request().artifacts() != null) {
            masked.add(plan.request().artifacts().keys().secretAccessKey()); // the store's key, in the run's Secret
        }
        RunListener listener = observe(SecretMasker.wrap(runListener, masked), ref, RunTags.of(plan.request()),
                System.nanoTime());
        metrics.started(RunTags.of(plan.request()));
        CustomWorkload custom = Workloads.customWorkload(workload);
        if (custom != null) {
            CustomResourceRun run = new CustomResourceRun(this, ref, listener, custom,
                    Workloads.readyWait(plan, readyTimeout), RunState.BUILT);
            runs.put(ref.runId(), run);
            workers.execute(() -> {
                // Before any watch or create: without the CRD neither could work, and the user
                // must hear that the resource is not installed, not that a watch failed.
                if (!Workloads.installed(client, custom)) {
                    run.createFailed("NotInstalled", custom.missing());
                    return;
                }
                watch(ref, run);
                RunCreation.start(client, api, workers, plan, run, () -> closed);
            });
            return run;
        }
        ActiveRun run = Workloads.isService(ref)
                ? serviceRun(plan, ref, listener, Workloads.readyWait(plan, readyTimeout))
                : new JobRun(this, ref, LogCursor.START, listener, RunState.BUILT);
        runs.put(ref.runId(), run);
        watch(ref, run);
        RunCreation.start(client, api, workers, plan, run, () -> closed);
        return run;
    }

    private ServiceRun serviceRun(Plan plan, RunRef ref, RunListener listener, Duration readyWait) {
        ServiceRun run = new ServiceRun(this, ref, listener, readyWait,
                ServiceRun.urlOf(plan.objects(), plan.namespace()), RunState.BUILT);
        return plan.objects().stream().anyMatch(o -> o instanceof ConfigMap) ? run.ownsConfigMaps() : run;
    }

    /**
     * How long the start of a {@code serve} or {@code deploy} run of this plan waits for
     * readiness (see {@link Workloads#readyWait}): the step keeps it, so a start re-attached after
     * a restart waits as long.
     */
    public static Duration readyWait(Plan plan, Duration requested) {
        return Workloads.readyWait(plan, requested);
    }

    /**
     * Re-attaches to a run started before a controller restart: its state is replayed from the
     * informers' cache, a job's log resumes after {@code cursor}, a service is waited for again.
     * A run whose workload no longer exists ends as an error ({@code Lost}).
     */
    public RunHandle attach(RunRef ref, LogCursor cursor, RunListener listener) {
        return attach(ref, cursor, listener, Workloads.DEFAULT_READY_TIMEOUT, true);
    }

    /** As {@link #attach(RunRef, LogCursor, RunListener, Duration, boolean, RunTags)}, the workload known to be created. */
    public RunHandle attach(RunRef ref, LogCursor cursor, RunListener listener, Duration readyTimeout) {
        return attach(ref, cursor, listener, readyTimeout, true, RunTags.UNKNOWN);
    }

    /** As {@link #attach(RunRef, LogCursor, RunListener, Duration, boolean, RunTags)}, the workload known to be created. */
    public RunHandle attach(RunRef ref, LogCursor cursor, RunListener listener, Duration readyTimeout, RunTags tags) {
        return attach(ref, cursor, listener, readyTimeout, true, tags);
    }

    /** As {@link #attach(RunRef, LogCursor, RunListener, Duration, boolean, RunTags)}, the run's kind unknown. */
    public RunHandle attach(RunRef ref, LogCursor cursor, RunListener listener, Duration readyTimeout,
                            boolean createConfirmed) {
        return attach(ref, cursor, listener, readyTimeout, createConfirmed, RunTags.UNKNOWN);
    }

    /**
     * As {@link #attach(RunRef, LogCursor, RunListener)}, for a service with how long to wait for
     * its rollout (the step's own timeout, kept across the restart). The URL is read again from
     * the service's Service. Returns at once: the look-ups happen on the engine's threads.
     *
     * @param createConfirmed whether the caller knows the workload was created; if not (the
     *                        controller stopped while its create was under way) and it is not
     *                        there, the run ends {@code NotCreated} and, for a Job, a create that
     *                        could still land is undone by deleting its name
     * @param tags            the run's kind as its record knows it, for the run's metrics
     */
    public RunHandle attach(RunRef ref, LogCursor cursor, RunListener runListener, Duration readyTimeout,
                            boolean createConfirmed, RunTags tags) {
        return attach(ref, cursor, runListener, readyTimeout, createConfirmed, tags, List.of());
    }

    /**
     * As {@link #attach(RunRef, LogCursor, RunListener, Duration, boolean, RunTags)}, with the
     * other objects the run's plan had ({@code objects}, as its record lists them): when the
     * create was not confirmed, a workload found without some of them was cut short by the
     * restart; the run ends {@code Incomplete}, and a workload it created itself (a Job, a first
     * Deployment) is deleted, so nothing half made is left running.
     */
    public RunHandle attach(RunRef ref, LogCursor cursor, RunListener runListener, Duration readyTimeout,
                            boolean createConfirmed, RunTags tags, List<RunRecord.ObjectRef> objects) {
        ensureOpen();
        ActiveRun existing = runs.get(ref.runId());
        if (existing != null) {
            return existing;
        }
        RunListener listener = observe(runListener, ref, tags, null);
        metrics.resumed(tags);
        ActiveRun run = RunAttachment.resumedRun(this, ref, cursor, listener, readyTimeout);
        runs.put(ref.runId(), run);
        run.resumed();
        workers.execute(() -> {
            if (run instanceof ServiceRun service) {
                service.serviceUrl(attachment.serviceUrl(ref));
            }
            watch(ref, run).thenRunAsync(() -> attachment.checkWorkload(run, createConfirmed, objects), workers);
        });
        return run;
    }

    /** Registers the run with its namespace's informers; a watch that cannot start ends the run. */
    private CompletableFuture<Void> watch(RunRef ref, ActiveRun run) {
        namespacesUsed.add(ref.namespace());
        CustomWorkload custom = Workloads.customWorkload(ref);
        CompletableFuture<Void> synced = custom != null ? watcher.register(ref.namespace(), ref.runId(), run, custom)
                : watcher.register(ref.namespace(), ref.runId(), run, Workloads.isService(ref));
        synced.exceptionally(error -> {
            watcher.forgetNamespace(ref.namespace());
            run.watchFailed("cannot watch " + (custom != null ? custom.plural() + " (" + custom.apiVersion()
                    + "), Jobs and Pods" : Workloads.isService(ref) ? "Deployments and Pods" : "Jobs and Pods")
                    + " in namespace '" + ref.namespace() + "': " + describe(
                    error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                            ? error.getCause() : error)
                    + ". The plugin's service account needs get, list and watch on them there"
                    + " (see docs/configuration.md)");
            return null;
        });
        return synced;
    }

    /**
     * Stops a run known only by its reference (e.g. an abort that arrives after a restart before
     * the run was re-attached): deletes its workload.
     */
    public CompletableFuture<Void> stop(RunRef ref, RunListener listener) {
        ActiveRun run = runs.get(ref.runId());
        if (run != null) {
            run.stop("Aborted");
            return run.outcome().thenApply(o -> null);
        }
        return removal.deleteWorkload(ref, listener);
    }

    /**
     * Stops a served or deployed function: deletes its Deployment (its Service, ConfigMaps and
     * Secrets go with it, being owned by it) and ends a start of it still under way. Harmless
     * when nothing of that name is running.
     *
     * @return what was stopped, so the caller can mark the runs that started it
     */
    public CompletableFuture<List<StoppedService>> stopService(String namespace, String functionName) {
        return removal.stopService(namespace, functionName);
    }

    /** How the engine deletes the runs' workloads and stops services. */
    WorkloadRemoval removal() {
        return removal;
    }

    void forget(ActiveRun run) {
        if (runs.remove(run.ref().runId(), run)) {
            runTags.remove(run.ref().runId());
        }
        watcher.unregister(run.ref().runId());
    }

    RunWatcher watcher() {
        return watcher;
    }

    /** How the runs' logs are copied: live streams, and the poller of the others. */
    LogStreams logStreams() {
        return logStreams;
    }

    /** The logs followed live right now (for tests and the benchmark). */
    public int liveLogStreams() {
        return logStreams.live();
    }

    /** The slots of the engine's short requests: a run's one-off log reads take one too. */
    RequestSlots slots() {
        return slots;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    /** A cluster error in one sentence, without request bodies (which could hold secrets). */
    static String describe(Throwable e) {
        if (e instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
            return k.getStatus().getMessage() + " (HTTP " + k.getCode() + ")";
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    /**
     * Stops watching and following: runs in progress are left as they are in the cluster (a
     * controller that stops does not stop its runs) and can be attached again by another engine.
     */
    @Override
    public void close() {
        closed = true;
        runs.values().forEach(ActiveRun::detach);
        runs.clear();
        runTags.clear();
        usage.close();
        metrics.detach(this);
        logStreams.close();
        watcher.close();
        slots.close();
        workers.shutdownNow();
        timer.shutdownNow();
        informerEvents.shutdownNow(); // the engine's own client is not closed: it shares the given one's pool
    }

    /** A closed engine takes no new run: its threads and watches are gone. */
    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the connection to the cluster was closed (Jenkins is stopping, or its"
                    + " cluster configuration changed)");
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
