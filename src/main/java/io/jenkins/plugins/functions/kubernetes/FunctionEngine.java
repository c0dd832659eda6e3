package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.Plan;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs plans against one cluster: creates a run's objects, follows them to the end through the
 * shared {@link RunWatcher}, and cleans up. Plain Java: Jenkins drives it from its steps, the
 * command line from {@code run}, tests from the mock API server.
 *
 * <p>Threads: a small pool for API calls that are requests, not waits (create, delete), and one
 * timer thread for grace periods. Waiting for a run costs no thread: completion comes from the
 * informers, logs from the HTTP client's asynchronous streams.
 */
public final class FunctionEngine implements AutoCloseable {

    private static final Logger LOGGER = Logger.getLogger(FunctionEngine.class.getName());

    private final KubernetesClient client;
    private volatile EngineOptions options;
    private final RunWatcher watcher;
    private final LogFollower logs;
    private final ExecutorService requests;
    private final ScheduledExecutorService timer;
    private final Map<String, JobRun> runs = new ConcurrentHashMap<>();
    /** Every namespace a run of this engine went to: where the orphan sweeper looks. */
    private final java.util.Set<String> namespacesUsed = ConcurrentHashMap.newKeySet();

    public FunctionEngine(KubernetesClient client, EngineOptions options) {
        this.client = Objects.requireNonNull(client, "client");
        this.options = Objects.requireNonNull(options, "options");
        this.watcher = new RunWatcher(client);
        this.logs = new LogFollower(client);
        this.requests = Executors.newFixedThreadPool(4, daemon("function-runtimes-requests"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("function-runtimes-timer"));
    }

    public KubernetesClient client() {
        return client;
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
        return new OrphanSweeper(client, sweepOptions, java.time.Clock.systemUTC(), runs::containsKey)
                .sweep(namespaces, builds);
    }

    /** Runs in progress in this engine. */
    public int activeRuns() {
        return runs.size();
    }

    /**
     * Starts a run: returns at once; the objects are created on the engine's threads and the
     * listener hears the rest. Only {@code job} plans are executed so far.
     */
    public RunHandle start(Plan plan, RunListener listener) {
        if (plan.action() != ActionKind.JOB) {
            throw new IllegalArgumentException("this engine executes job plans; got " + plan.action());
        }
        HasMetadata workload = plan.workload();
        RunRef ref = new RunRef(plan.namespace(), workload.getKind(), workload.getMetadata().getName(),
                plan.request().runId());
        JobRun run = new JobRun(this, ref, LogCursor.START, listener, RunState.BUILT);
        runs.put(ref.runId(), run);
        watch(ref, run);
        requests.execute(() -> create(plan, run));
        return run;
    }

    /**
     * Re-attaches to a run started before a controller restart: its state is replayed from the
     * informers' cache, its log resumes after {@code cursor}. A run whose Job no longer exists
     * ends as an error ({@code Lost}).
     */
    public RunHandle attach(RunRef ref, LogCursor cursor, RunListener listener) {
        JobRun existing = runs.get(ref.runId());
        if (existing != null) {
            return existing;
        }
        JobRun run = new JobRun(this, ref, cursor == null ? LogCursor.START : cursor, listener, RunState.READY);
        runs.put(ref.runId(), run);
        run.created(true);
        watch(ref, run).thenRunAsync(() -> {
            // The informer's first list has been replayed: if the Job was not in it, ask once.
            if (client.batch().v1().jobs().inNamespace(ref.namespace()).withName(ref.name()).get() == null) {
                run.lostIfUnseen();
            }
        }, requests);
        return run;
    }

    /** Registers the run with its namespace's informers; a watch that cannot start ends the run. */
    private CompletableFuture<Void> watch(RunRef ref, JobRun run) {
        namespacesUsed.add(ref.namespace());
        CompletableFuture<Void> synced = watcher.register(ref.namespace(), ref.runId(), run);
        synced.exceptionally(error -> {
            watcher.forgetNamespace(ref.namespace());
            run.watchFailed("cannot watch Jobs and Pods in namespace '" + ref.namespace() + "': " + describe(
                    error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                            ? error.getCause() : error)
                    + ". The plugin's service account needs get, list and watch on jobs and pods there"
                    + " (see docs/configuration.md)");
            return null;
        });
        return synced;
    }

    private void create(Plan plan, JobRun run) {
        List<HasMetadata> done = new ArrayList<>();
        try {
            HasMetadata workload = plan.workload();
            boolean adopted = false;
            HasMetadata createdWorkload;
            try {
                createdWorkload = client.resource(workload).inNamespace(plan.namespace()).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                    throw e;
                }
                // Same deterministic name: a repeated start of the same run. Take it over.
                createdWorkload = client.resource(workload).inNamespace(plan.namespace()).get();
                adopted = true;
            }
            done.add(createdWorkload);
            OwnerReference owner = new OwnerReferenceBuilder()
                    .withApiVersion(createdWorkload.getApiVersion()).withKind(createdWorkload.getKind())
                    .withName(createdWorkload.getMetadata().getName()).withUid(createdWorkload.getMetadata().getUid())
                    .withBlockOwnerDeletion(true).withController(false).build();
            for (HasMetadata object : plan.objects()) {
                if (object == workload) {
                    continue;
                }
                // Owned by the workload: deleting it garbage-collects them.
                object.getMetadata().setOwnerReferences(List.of(owner));
                done.add(client.resource(object).inNamespace(plan.namespace()).createOr(existing -> existing.update()));
            }
            run.created(adopted);
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "creating " + run.ref() + " failed", e);
            for (HasMetadata object : done) {
                try {
                    client.resource(object).inNamespace(plan.namespace())
                            .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
                } catch (RuntimeException cleanup) {
                    LOGGER.log(Level.WARNING, "could not delete " + object.getKind() + " "
                            + object.getMetadata().getName() + " after a failed create", cleanup);
                }
            }
            run.createFailed("CreateFailed", "the cluster refused " + run.ref() + ": " + describe(e));
        }
    }

    /** Deletes a workload and, by background propagation, everything it owns. */
    CompletableFuture<Void> deleteWorkload(RunRef ref, RunListener listener) {
        return CompletableFuture.runAsync(() -> {
            try {
                client.batch().v1().jobs().inNamespace(ref.namespace()).withName(ref.name())
                        .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
                listener.onEvent("Deleted " + ref);
            } catch (RuntimeException e) {
                listener.onEvent("Could not delete " + ref + " (its ttlSecondsAfterFinished removes it later): "
                        + describe(e));
            }
        }, requests);
    }

    /**
     * Stops a run known only by its reference (e.g. an abort that arrives after a restart before
     * the run was re-attached): deletes its workload.
     */
    public CompletableFuture<Void> stop(RunRef ref, RunListener listener) {
        JobRun run = runs.get(ref.runId());
        if (run != null) {
            run.stop("Aborted");
            return run.outcome().thenApply(o -> null);
        }
        return deleteWorkload(ref, listener);
    }

    void forget(JobRun run) {
        runs.remove(run.ref().runId(), run);
        watcher.unregister(run.ref().runId());
    }

    RunWatcher watcher() {
        return watcher;
    }

    LogFollower logs() {
        return logs;
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
        runs.values().forEach(JobRun::detach);
        runs.clear();
        watcher.close();
        requests.shutdownNow();
        timer.shutdownNow();
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
