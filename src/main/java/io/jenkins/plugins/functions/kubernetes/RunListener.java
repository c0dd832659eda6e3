package io.jenkins.plugins.functions.kubernetes;

import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the engine tells about a run while it goes. Called from the engine's and the HTTP
 * client's threads, one call at a time per run: implementations must not block for long (write
 * to a log, update a record) and must not throw.
 */
public interface RunListener {

    /** A line of narration for the build log ("Created Job ...", "Pod ... scheduled"). */
    default void onEvent(String message) {
    }

    /** The run moved to a new state. */
    default void onState(RunState state, Instant at, String detail) {
    }

    /** A line of the container's log, in order, never twice. */
    default void onLog(LogLine line) {
    }

    /** The log was copied up to here: persist it to resume without duplicates after a restart. */
    default void onLogCursor(LogCursor cursor) {
    }

    /**
     * This run took over a service another run had started (a new version of it): that run is
     * over. Its id and its workload's annotations (the build that started it) are given.
     */
    default void onReplaced(String previousRunId, java.util.Map<String, String> annotations) {
    }

    /**
     * The run's end is judged: called once, before its workload is deleted and before
     * {@link #onComplete}, with the same outcome. The deletion waits for the returned stage, so a
     * caller that must outlive a crash persists the outcome first: a controller that dies after
     * that finds the outcome and only has to delete the workload again, never a workload whose
     * result is lost. Must return at once (persist on a thread of the caller's); the engine goes
     * on after at most a minute whatever the stage does.
     */
    default CompletionStage<Void> onOutcome(RunOutcome outcome) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * A pod of the run was seen for the first time: its name (for links to its logs). At most a
     * few per run; a service's replicas each count.
     */
    default void onPod(String namespace, String name) {
    }

    /**
     * What the run's pods used, sampled while it ran ({@code metrics.k8s.io}), or why there are no
     * figures: told once, just before {@link #onComplete}; not told when sampling is off.
     */
    default void onResourceUsage(io.jenkins.plugins.functions.observability.ResourceUsage usage) {
    }

    /** The run ended; called exactly once, after its workload was cleaned up. */
    void onComplete(RunOutcome outcome);
}
