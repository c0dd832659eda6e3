package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.WorkloadOutputs;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The start of a {@code serve} run whose workload is a custom resource (a KubeAI {@code Model}):
 * another controller turns it into pods, so the run follows only the resource, through the
 * namespace's shared informer for its kind ({@link RunWatcher}), and asks its
 * {@link CustomWorkload#judge()} after each change whether it is ready. No thread waits per run:
 * the informer's events and one timer (the start's timeout) drive it.
 *
 * <p>Ready: the start ends with state RUNNING, and the outputs the runtime put on the resource
 * ({@link WorkloadOutputs}) plus the judge's figures. Failed or not ready in time: a resource this
 * run created is deleted; one it updated (a new version of a model already served) is left as it is.
 */
final class CustomResourceRun extends AbstractRun {

    private final CustomWorkload kind;
    private final Duration readyTimeout;
    private boolean existedBefore;
    private ScheduledFuture<?> readyTimer;
    private GenericKubernetesResource last;
    private String lastWaiting;

    CustomResourceRun(FunctionEngine engine, RunRef ref, RunListener listener, CustomWorkload kind,
                      Duration readyTimeout, RunState initial) {
        super(engine, ref, LogCursor.START, listener, initial);
        this.kind = kind;
        this.readyTimeout = readyTimeout;
    }

    CustomWorkload kind() {
        return kind;
    }

    @Override
    public synchronized void created(boolean updated) {
        created = true;
        existedBefore = updated;
        listener.onEvent((updated ? "Updated " : "Created ") + ref);
        if (completeDeferred(!existedBefore)) {
            return;
        }
        moveTo(RunState.READY, null);
        if (stopRequested) {
            stopNow();
            return;
        }
        readyTimer = engine.timer().schedule(this::notReadyInTime, readyTimeout.toMillis(), TimeUnit.MILLISECONDS);
        if (last != null) {
            judge(last); // the informer may have told of it before the create returned
        }
    }

    @Override
    public synchronized void resumed() {
        created = true;
        existedBefore = true;
        listener.onEvent("Waiting again for " + ref + " to be ready");
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
    public synchronized void lostIfUnseen() {
        if (last == null && !finishing) {
            finishing = true;
            complete(RunOutcome.error("Lost", ref + " no longer exists"), false);
        }
    }

    @Override
    public synchronized void onCustomResource(GenericKubernetesResource resource, boolean deleted) {
        if (finishing) {
            return;
        }
        last = resource;
        if (deleted) {
            finishing = true;
            complete(RunOutcome.error("Deleted", ref + " was deleted before it was ready"), false);
            return;
        }
        if (created) {
            judge(resource);
        }
    }

    /** The pods of a custom resource are its controller's, without the run's labels: not followed. */
    @Override
    public void onPod(Pod pod, boolean deleted) {
    }

    private void judge(GenericKubernetesResource resource) {
        CustomWorkload.Readiness readiness = kind.judge().apply(resource);
        switch (readiness.state()) {
            case READY -> ready(resource, readiness);
            case FAILED -> fail(readiness.reason() == null ? "Failed" : readiness.reason(), readiness.message());
            default -> {
                moveTo(RunState.PENDING, null);
                if (readiness.message() != null && !readiness.message().equals(lastWaiting)) {
                    lastWaiting = readiness.message();
                    listener.onEvent(ref + ": " + readiness.message());
                }
            }
        }
    }

    private void ready(GenericKubernetesResource resource, CustomWorkload.Readiness readiness) {
        finishing = true;
        cancelTimer();
        Map<String, Object> outputs = new LinkedHashMap<>(WorkloadOutputs.read(resource));
        outputs.put("resource", ref.kind() + " " + ref.namespace() + "/" + ref.name());
        outputs.put("namespace", ref.namespace());
        outputs.putAll(readiness.figures());
        Object url = outputs.get("url");
        listener.onEvent(ref + " is ready" + (readiness.message() == null ? "" : " (" + readiness.message() + ")")
                + (url == null ? "" : " at " + url));
        moveTo(RunState.RUNNING, null);
        RunOutcome result = new RunOutcome(RunState.RUNNING, null, "Available",
                "the model is available" + (url == null ? "" : " at " + url), outputs, Instant.now(), null);
        engine.forget(this);
        listener.onComplete(result);
        outcome.complete(result);
    }

    @Override
    boolean keepOnStop() {
        return existedBefore;
    }

    @Override
    void cannotStart(String reason, String text) {
        fail(reason, text);
    }

    private void fail(String reason, String message) {
        if (finishing) {
            return;
        }
        finishing = true;
        cancelTimer();
        String suffix = existedBefore ? "; " + ref + " is left as it was" : "";
        complete(RunOutcome.error(reason, message + suffix), !existedBefore);
    }

    private synchronized void notReadyInTime() {
        if (!finishing) {
            fail("NotReady", ref + " not ready after " + readyTimeout.toSeconds() + "s"
                    + (lastWaiting == null ? "" : " (" + lastWaiting + ")"));
        }
    }

    @Override
    void quiet() {
        cancelTimer();
    }

    private void cancelTimer() {
        failFast.cancel();
        if (readyTimer != null) {
            readyTimer.cancel(false);
        }
    }
}
