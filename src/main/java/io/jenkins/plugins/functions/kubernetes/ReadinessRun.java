package io.jenkins.plugins.functions.kubernetes;

import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The start of a run that waits for its workload {@code W} to be ready ({@link ServiceRun}'s
 * Deployment, {@link CustomResourceRun}'s custom resource): the ready timer and its
 * {@code NotReady} outcome, the workload's deletion or loss, and a workload that was there before
 * the run (an update, or a resumed run) left in place when the start fails or is aborted. Whether
 * the workload is ready or failed, each run judges for itself ({@link #changed}).
 */
abstract class ReadinessRun<W> extends AbstractRun {

    final Duration readyTimeout;
    /** The workload was there before this run: a failure or an abort leaves it as it is. */
    boolean existedBefore;
    /** The workload as the informer last told of it; null until it does. */
    W last;
    private ScheduledFuture<?> readyTimer;

    ReadinessRun(FunctionEngine engine, RunRef ref, RunListener listener, Duration readyTimeout, RunState initial) {
        super(engine, ref, LogCursor.START, listener, initial);
        this.readyTimeout = readyTimeout;
    }

    /**
     * The workload was created or updated, {@code event} told: the wait for readiness starts.
     * Returns false when the run ended instead (an ending that waited for the creation, an abort).
     */
    final boolean startWaiting(boolean updated, String event) {
        created = true;
        existedBefore = updated;
        listener.onEvent(event);
        if (completeDeferred(!existedBefore)) {
            return false; // it failed already: a workload that was there before is left as it is
        }
        moveTo(RunState.READY, null);
        if (stopRequested) {
            stopNow();
            return false;
        }
        startReadyTimer();
        return true;
    }

    /**
     * Re-attached after a restart: whether this run created the workload is not known any more,
     * so a failure leaves it in place rather than deleting what may be serving.
     */
    final void waitAgain(String event) {
        created = true;
        existedBefore = true;
        listener.onEvent(event);
        startReadyTimer();
    }

    private void startReadyTimer() {
        readyTimer = engine.timer().schedule(this::notReadyInTime, readyTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void watchFailed(String message) {
        if (finishing) {
            return;
        }
        finishing = true;
        complete(RunOutcome.error("WatchFailed", message), !existedBefore);
    }

    @Override
    public synchronized void lostIfUnseen(boolean createConfirmed) {
        if (last == null && !finishing) {
            finishing = true;
            complete(notFound(createConfirmed, " was deleted while Jenkins was not watching"), false);
        }
    }

    /**
     * The informer told of the workload: a deleted one ends the run ({@code ref + deletedText});
     * otherwise the run judges it ({@link #changed}). Called with the run's lock held.
     */
    final void workloadEvent(W workload, boolean deleted, String deletedText) {
        if (finishing) {
            return;
        }
        last = workload;
        if (deleted) {
            finishing = true;
            complete(RunOutcome.error("Deleted", ref + deletedText), false);
            return;
        }
        changed(workload);
    }

    /** The workload changed and the run is not ending: is it ready, failed, or still on its way? */
    abstract void changed(W workload);

    /** Aborting the update of a workload that was already there must not take it down. */
    @Override
    final boolean keepOnStop() {
        return existedBefore;
    }

    /**
     * The start failed: the run ends with an error; a workload this run created is deleted, one
     * that was there before is left, and the message says so ({@link #leftAsItWas()}).
     */
    final void fail(String reason, String message) {
        if (finishing) {
            return;
        }
        finishing = true;
        quiet();
        String suffix = existedBefore ? leftAsItWas() : "";
        complete(RunOutcome.error(reason, message + suffix), !existedBefore);
    }

    /** What a failure's message adds when the workload was there before the run. */
    abstract String leftAsItWas();

    /** The message of the {@code NotReady} failure, after {@link #readyTimeout}. */
    abstract String notReadyMessage();

    private synchronized void notReadyInTime() {
        if (!finishing) {
            fail("NotReady", notReadyMessage());
        }
    }

    /** Stops the fail-fast rules and the ready timer. */
    final void cancelTimers() {
        failFast.cancel();
        if (readyTimer != null) {
            readyTimer.cancel(false);
        }
    }
}
