package io.jenkins.plugins.functions.kubernetes;

import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What every run the engine follows shares: its identity and listener, its state moving only
 * forward, an abort that may come before its workload exists, and its single ending (delete the
 * workload when asked, then report, exactly once). Subclasses hold what their workload needs
 * and guard their fields with the run's own lock ({@code synchronized} on the run).
 */
abstract class AbstractRun implements ActiveRun {

    final FunctionEngine engine;
    final RunRef ref;
    final RunListener listener;
    final CompletableFuture<RunOutcome> outcome = new CompletableFuture<>();
    final FailFast failFast;

    RunState state;
    volatile LogCursor cursor;
    boolean created;
    boolean stopRequested;
    String stopReason;
    /** The run is ending: no event may start another ending. */
    boolean finishing;
    /** An ending that must delete the workload, seen before its creation was confirmed. */
    private RunOutcome deferred;
    /** The engine closed (its controller stops): an ending under way reports nothing any more. */
    private volatile boolean detached;

    AbstractRun(FunctionEngine engine, RunRef ref, LogCursor cursor, RunListener listener, RunState initial) {
        this.engine = engine;
        this.ref = ref;
        this.cursor = cursor;
        this.listener = listener;
        this.state = initial;
        this.failFast = new FailFast(engine.options(), engine.timer(), this, listener, this::cannotStart);
    }

    @Override
    public RunRef ref() {
        return ref;
    }

    @Override
    public CompletableFuture<RunOutcome> outcome() {
        return outcome;
    }

    @Override
    public LogCursor cursor() {
        return cursor;
    }

    @Override
    public RunListener listenerFor() {
        return listener;
    }

    /** The workload could not be created: nothing of the run exists. */
    @Override
    public synchronized void createFailed(String reason, String message) {
        if (finishing && deferred == null) {
            return;
        }
        finishing = true;
        deferred = null; // nothing was created: there is nothing to delete
        // An abort that came while the create was under way stays an abort.
        complete(stopRequested ? RunOutcome.stopped("Aborted", stopReason) : RunOutcome.error(reason, message), false);
    }

    @Override
    public synchronized void stop(String reason) {
        if (finishing) {
            return;
        }
        stopRequested = true;
        stopReason = reason == null ? "Aborted" : reason;
        if (created) {
            stopNow();
        }
        // not created yet: created() or createFailed() finishes the stop
    }

    /** Ends the run on request: its workload is deleted, unless {@link #keepOnStop()}. */
    final void stopNow() {
        finishing = true;
        quiet();
        boolean keep = keepOnStop();
        listener.onEvent((keep ? "Stopped waiting for " : "Stopping ") + ref + ": " + stopReason);
        complete(RunOutcome.stopped("Aborted", stopReason + (keep ? "; " + ref
                + " was already serving: it is left as it is, its rollout goes on in the cluster" : "")), !keep);
    }

    /** Whether an abort leaves the workload in place (it was serving before this run). */
    boolean keepOnStop() {
        return false;
    }

    /**
     * Called by subclasses once the workload's creation is confirmed: an ending that waited for it
     * goes on now, deleting the workload or not as the subclass now knows. Returns whether there
     * was one.
     */
    final boolean completeDeferred(boolean delete) {
        if (deferred == null) {
            return false;
        }
        RunOutcome result = deferred;
        deferred = null;
        complete(result, delete);
        return true;
    }

    @Override
    public synchronized void detach() {
        finishing = true;
        detached = true;
        quiet();
    }

    /**
     * The outcome of a resumed run whose workload is not in the cluster: {@code Lost} when it is
     * known to have been created ({@code deleted} says what happened to it), else
     * {@code NotCreated}: the controller stopped while the create was under way, and it did not
     * take effect, so the run did not happen.
     */
    final RunOutcome notFound(boolean createConfirmed, String deleted) {
        if (createConfirmed) {
            return RunOutcome.error("Lost", ref + " no longer exists: it" + deleted);
        }
        return RunOutcome.error("NotCreated", ref + " (run " + ref.runId() + ") is not in the cluster: Jenkins"
                + " stopped while it was being created and the create did not take effect (or it" + deleted
                + "); the function did not run");
    }

    /** A fail-fast rule gave up on the pods: the run ends with that reason. */
    abstract void cannotStart(String reason, String text);

    /** Stops every timer and stream of the run; nothing is reported. */
    abstract void quiet();

    // ---- observability (issue 12) ----

    /** The pods told to the listener so far: each once, a few at most. */
    private final java.util.Set<String> podsSeen = new java.util.HashSet<>();
    static final int MAX_PODS_TOLD = 20;

    /** Tells the listener of a pod of the run the first time it is seen (for links to its logs). */
    final void podSeen(io.fabric8.kubernetes.api.model.Pod pod) {
        String name = pod.getMetadata() == null ? null : pod.getMetadata().getName();
        if (name != null && podsSeen.size() < MAX_PODS_TOLD && podsSeen.add(name)) {
            listener.onPod(ref.namespace(), name);
        }
    }

    /** Moves the state forward (never back, never past a terminal state) and tells the listener. */
    final void moveTo(RunState next, String detail) {
        if (next.compareTo(state) > 0 && !state.isTerminal()) {
            state = next;
            listener.onState(next, Instant.now(), detail);
        }
    }

    /** The longest the end waits for the listener to persist the outcome before it deletes anyway. */
    static final long OUTCOME_TOLD_TIMEOUT_MS = 60_000;

    /**
     * {@link RunListener#onOutcome}, never failing and never waiting forever (the limit is kept on
     * the engine's timer, not a thread of its own).
     */
    private CompletableFuture<Void> outcomeTold(RunOutcome result) {
        CompletableFuture<Void> told;
        try {
            told = listener.onOutcome(result).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
        if (told.isDone()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        told.whenComplete((v, e) -> done.complete(null));
        try {
            ScheduledFuture<?> limit = engine.timer().schedule(() -> done.complete(null), OUTCOME_TOLD_TIMEOUT_MS,
                    TimeUnit.MILLISECONDS);
            done.whenComplete((v, e) -> limit.cancel(false));
        } catch (RejectedExecutionException closing) {
            done.complete(null); // the engine closes: nothing more is deleted by this controller
        }
        return done;
    }

    /** Deletes the workload if asked, then reports the outcome: once. */
    final void complete(RunOutcome result, boolean delete) {
        quiet();
        if (detached) {
            return; // the controller stops: the run is left as it is, for the next one to take up
        }
        if (delete && !created) {
            // The informers can tell of a run's end before the engine hears back from its
            // create (a container that ends at once): the deletion must wait for the workload.
            deferred = result;
            return;
        }
        // The outcome is told (and persisted by the caller) before the workload goes: a controller
        // that dies during the deletion still knows how the run ended.
        CompletableFuture<Void> cleanup = outcomeTold(result).thenCompose(v -> delete && created && !detached
                ? engine.removal().deleteWorkload(ref, listener) : CompletableFuture.completedFuture(null));
        cleanup.whenComplete((v, e) -> {
            engine.forget(this);
            if (detached) {
                return; // the controller stopped meanwhile: the next one takes the run up
            }
            synchronized (AbstractRun.this) {
                state = result.state();
                listener.onState(result.state(), result.finishedAt() != null ? result.finishedAt() : Instant.now(),
                        result.reason());
            }
            try {
                listener.onComplete(result);
            } finally {
                outcome.complete(result);
            }
        });
    }
}
