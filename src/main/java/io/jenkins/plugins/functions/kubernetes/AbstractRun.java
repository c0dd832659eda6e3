package io.jenkins.plugins.functions.kubernetes;

import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

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
        quiet();
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

    /** Deletes the workload if asked, then reports the outcome: once. */
    final void complete(RunOutcome result, boolean delete) {
        quiet();
        if (delete && !created) {
            // The informers can tell of a run's end before the engine hears back from its
            // create (a container that ends at once): the deletion must wait for the workload.
            deferred = result;
            return;
        }
        CompletableFuture<Void> cleanup = delete && created ? engine.deleteWorkload(ref, listener)
                : CompletableFuture.completedFuture(null);
        cleanup.whenComplete((v, e) -> {
            engine.forget(this);
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
