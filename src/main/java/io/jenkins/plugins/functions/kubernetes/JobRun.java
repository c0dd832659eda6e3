package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.RunLabels;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One {@code job} run: follows its Job and Pod through the shared {@link RunWatcher}, copies the
 * container's log, judges the end (exit code, reason, deadline, fail-fast conditions) and cleans
 * up. It holds no thread: every method reacts to an event and returns.
 */
final class JobRun extends AbstractRun {

    private LogFollower.Follow follow;
    private boolean followLive;
    /** The log's registration with the engine's poller, when it is not followed live. */
    private LogPoller.Polled polled;
    /** When a live log ended cleanly (the container's end), null otherwise. */
    private Instant cleanEnd;
    private String podName;
    private Job lastJob;
    private boolean sawJob;
    private ContainerStateTerminated terminated;
    private ScheduledFuture<?> pendingTimer;

    JobRun(FunctionEngine engine, RunRef ref, LogCursor cursor, RunListener listener, RunState initial) {
        super(engine, ref, cursor, listener, initial);
    }

    // ---- creation (engine thread) ----

    /** The Job was accepted by the API server (or existed already: a resumed or repeated create). */
    @Override
    public synchronized void created(boolean adopted) {
        accepted((adopted ? "Found existing " : "Created ") + ref);
    }

    /** The Job exists (created, adopted, or resumed): the wait for its pod starts. */
    private void accepted(String event) {
        created = true;
        listener.onEvent(event);
        if (completeDeferred(true)) {
            return; // it ended already: now it can be deleted
        }
        moveTo(RunState.READY, null);
        startPendingTimer();
        if (stopRequested) {
            stopNow();
        }
    }

    /** Re-attached after a restart: the informers replay the Job's and its pod's state. */
    @Override
    public synchronized void resumed() {
        accepted("Following " + ref + " again");
    }

    /**
     * The namespace's Jobs and Pods cannot be watched (most often: the plugin's service account
     * may not list or watch them). Without a watch the run would never hear of its end, so it
     * ends now and its Job, if created, is deleted.
     */
    @Override
    public synchronized void watchFailed(String message) {
        if (finishing) {
            return;
        }
        finishing = true;
        closeFollow();
        complete(RunOutcome.error("WatchFailed", message), true);
    }

    /** A resumed run whose Job is not there: deleted while the controller was down, or never created. */
    @Override
    public synchronized void lostIfUnseen(boolean createConfirmed) {
        if (!sawJob && !finishing) {
            finishing = true;
            complete(notFound(createConfirmed, " was deleted while Jenkins was not watching, so its result is unknown"),
                    false);
        }
    }

    // ---- events (informer threads) ----

    @Override
    public synchronized void onJob(Job job, boolean deleted) {
        sawJob = true;
        lastJob = job;
        if (finishing) {
            return;
        }
        if (deleted) {
            if (terminated == null) {
                finishing = true;
                closeFollow();
                complete(RunOutcome.error("Deleted", ref + " was deleted before the run ended"), false);
            }
            return;
        }
        Optional<JobCondition> end = PodReading.finished(job);
        if (end.isPresent() && "Failed".equals(end.get().getType())
                && "DeadlineExceeded".equals(end.get().getReason())) {
            // The Job controller kills the pod at the deadline; the pod may vanish without a
            // terminated status, so the Job's condition decides.
            drainThenFinish();
        } else if (end.isPresent() && terminated == null) {
            // A finished Job whose pod's end we have not seen: the pod's event may come later on
            // the other informer; give it a moment, then decide from the Job alone.
            engine.timer().schedule(this::finishFromJobIfStill, 2, TimeUnit.SECONDS);
        }
    }

    @Override
    public synchronized void onPod(Pod pod, boolean deleted) {
        if (finishing || deleted) {
            return;
        }
        String name = pod.getMetadata().getName();
        if (podName == null || !podName.equals(name)) {
            podName = name;
            listener.onEvent("Pod " + ref.namespace() + "/" + name);
            podSeen(pod);
        }
        Optional<ContainerStateTerminated> end = PodReading.terminated(pod, RunLabels.MAIN_CONTAINER);
        if (end.isPresent()) {
            cancelFailFast();
            cancelPendingTimer();
            terminated = end.get();
            if (state.compareTo(RunState.RUNNING) < 0) {
                moveTo(RunState.RUNNING, null);
            }
            drainThenFinish(); // reads the rest of the log only if something can be missing
            return;
        }
        if (PodReading.running(pod, RunLabels.MAIN_CONTAINER)) {
            cancelFailFast();
            cancelPendingTimer();
            moveTo(RunState.RUNNING, null);
            if (follow == null && polled == null) {
                startFollow(true);
            }
            return;
        }
        moveTo(RunState.PENDING, null);
        failFast.judge(pod);
    }

    @Override
    void quiet() {
        cancelFailFast();
        cancelPendingTimer();
        closeFollow();
    }

    // ---- logs ----

    /**
     * Copies the container's log: live while a stream is free ({@link LogLimits}), else by time
     * through the engine's poller; {@code live == false} is one read of what is there now.
     */
    private void startFollow(boolean live) {
        LogStreams streams = engine.logStreams();
        if (live && !streams.acquireLive()) {
            followLive = false;
            polled = streams.poller().poll(ref.namespace(), podName, RunLabels.MAIN_CONTAINER, () -> cursor,
                    this::deliver);
            return;
        }
        followLive = live;
        // A one-off read (the rest of the log after the end) is one of the engine's short requests.
        LogFollower.Follow f = live
                ? streams.follower().follow(ref.namespace(), podName, RunLabels.MAIN_CONTAINER, cursor, true,
                        this::deliver)
                : streams.follower().read(ref.namespace(), podName, RunLabels.MAIN_CONTAINER, cursor, engine.slots(),
                        RequestSlots.Kind.END, this::deliver);
        follow = f;
        f.done().whenComplete((last, error) -> {
            if (live) {
                streams.releaseLive();
            }
            onFollowEnded(f, error);
        });
    }

    /** One log line: to the listener, then the cursor past it (in that order, for restarts). */
    private void deliver(LogLine line) {
        listener.onLog(line);
        cursor = cursor.advance(line.time());
        // Every line: whatever persists the cursor (a step execution saved on shutdown) must
        // hold the position of the last line the build log received.
        listener.onLogCursor(cursor);
    }

    private synchronized void onFollowEnded(LogFollower.Follow f, Throwable error) {
        if (f != follow || finishing) {
            return;
        }
        listener.onLogCursor(cursor);
        if (terminated != null || !followLive) {
            return; // drainThenFinish waits on this follow
        }
        if (error == null) {
            // The kubelet ends a followed log when the container ends: its terminated status
            // follows shortly, and the log is complete. Reading again would cost a request per
            // run. Should the container still run a while later (a server that closed the
            // stream early), follow again from the cursor.
            cleanEnd = Instant.now();
            engine.timer().schedule(this::followAgainIfStillRunning, STILL_RUNNING_AFTER.toMillis(),
                    TimeUnit.MILLISECONDS);
            return;
        }
        // The stream broke while the container still runs: follow again after a short pause;
        // the informer tells us if the pod ended meanwhile.
        follow = null;
        engine.timer().schedule(this::resumeFollow, 1, TimeUnit.SECONDS);
    }

    /** How long after a cleanly ended log a container that still runs is followed again. */
    static final Duration STILL_RUNNING_AFTER = Duration.ofSeconds(5);

    private synchronized void followAgainIfStillRunning() {
        if (!finishing && terminated == null && podName != null) {
            cleanEnd = null;
            follow = null;
            startFollow(true);
        }
    }

    private synchronized void resumeFollow() {
        if (!finishing && follow == null && podName != null) {
            startFollow(terminated == null);
        }
    }

    private void closeFollow() {
        if (follow != null) {
            follow.close();
        }
        if (polled != null) {
            polled.cancel();
        }
    }

    // ---- the end ----

    private void drainThenFinish() {
        if (finishing) {
            return;
        }
        finishing = true;
        cancelFailFast();
        if (polled != null) {
            polled.cancel();
            if (polled.reading()) {
                // A poll is under way from the same cursor: let it deliver first, or both would.
                engine.timer().schedule(this::finishAfterPoll, 20, TimeUnit.MILLISECONDS);
                return;
            }
        }
        finalReadThenFinish();
    }

    private synchronized void finishAfterPoll() {
        if (polled != null && polled.reading()) {
            engine.timer().schedule(this::finishAfterPoll, 20, TimeUnit.MILLISECONDS);
            return;
        }
        finalReadThenFinish();
    }

    /** Reads what the log has not delivered yet, when anything can be missing, then finishes. */
    private void finalReadThenFinish() {
        if (podName != null && needsFinalRead()) {
            follow = null;
            startFollow(false);
        }
        LogFollower.Follow f = follow;
        if (f == null) {
            finishFromStatus();
            return;
        }
        Duration drain = engine.options().logDrainTimeout();
        f.done().orTimeout(drain.toMillis(), TimeUnit.MILLISECONDS).whenComplete((c, e) -> {
            if (e != null) {
                f.close();
            }
            synchronized (JobRun.this) {
                listener.onLogCursor(cursor);
                finishFromStatus();
            }
        });
    }

    /**
     * Whether the log may hold lines not delivered: not when a live stream is still open (it ends
     * with the container) or ended cleanly when the container did (its end, in whole seconds,
     * within two seconds of the stream's), nor when a poll read it whole after the container's
     * end (a busy node reports the end seconds late; the poll meanwhile read everything).
     */
    private boolean needsFinalRead() {
        if (follow != null && followLive && !follow.done().isDone()) {
            return false;
        }
        if (polled != null && follow == null && readAfterTheEnd(polled.lastCompleteRead())) {
            return false;
        }
        if (cleanEnd != null) {
            Instant finishedAt = terminated == null ? null : PodReading.time(terminated.getFinishedAt());
            return finishedAt != null && finishedAt.isAfter(cleanEnd.plusSeconds(2));
        }
        return true;
    }

    /**
     * Whether a read sent at {@code sent} began after the container ended: its end is in whole
     * seconds (it ended within the second after {@code finishedAt}) and the node's clock may be a
     * little off this controller's, hence two seconds, as for a cleanly ended stream above.
     */
    private boolean readAfterTheEnd(Instant sent) {
        Instant finishedAt = terminated == null ? null : PodReading.time(terminated.getFinishedAt());
        return sent != null && finishedAt != null && sent.isAfter(finishedAt.plusSeconds(2));
    }

    private synchronized void finishFromJobIfStill() {
        if (!finishing && terminated == null) {
            drainThenFinish();
        }
    }

    /** Decides the outcome from the container's terminated state and the Job's conditions (JobOutcomes). */
    private void finishFromStatus() {
        RunOutcome result = JobOutcomes.fromStatus(lastJob, terminated);
        complete(result, engine.options().deleteWhenDone() || !result.succeeded());
    }

    @Override
    void cannotStart(String reason, String text) {
        if (finishing) {
            return;
        }
        finishing = true;
        closeFollow();
        complete(RunOutcome.error(reason, "the pod could not start: " + text), true);
    }

    private void cancelFailFast() {
        failFast.cancel();
    }

    // ---- pending timeout: one timer per run, from the Job's creation until its container starts ----

    /**
     * Starts the run's one pending timer ({@link EngineOptions#pendingTimeout()}, zero: none). It
     * is the backstop behind the fail-fast rules above: whatever keeps the container from starting
     * (no pod at all, a volume that never attaches, a slow pull), the run ends when it fires.
     */
    private void startPendingTimer() {
        Duration limit = engine.options().pendingTimeout();
        if (limit.isZero() || pendingTimer != null || containerStarted() || finishing) {
            return;
        }
        try {
            pendingTimer = engine.timer().schedule(this::pendingTooLong, limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // the engine is closing: the run is detached, no timer needed
        }
    }

    /** The container ran or ran already (a pod event may come before {@link #created}). */
    private boolean containerStarted() {
        return terminated != null || state.compareTo(RunState.RUNNING) >= 0;
    }

    private void cancelPendingTimer() {
        if (pendingTimer != null) {
            pendingTimer.cancel(false);
            pendingTimer = null;
        }
    }

    private synchronized void pendingTooLong() {
        if (pendingTimer == null || finishing || containerStarted()) {
            return;
        }
        pendingTimer = null;
        long seconds = engine.options().pendingTimeout().toSeconds();
        String message = JobOutcomes.pendingTooLong(ref, podName, seconds);
        listener.onEvent("Failing " + ref + ": " + message);
        finishing = true;
        closeFollow();
        complete(RunOutcome.error("PendingTooLong", message), true);
    }
}
