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
final class CustomResourceRun extends ReadinessRun<GenericKubernetesResource> {

    private final CustomWorkload kind;
    private String lastWaiting;

    CustomResourceRun(FunctionEngine engine, RunRef ref, RunListener listener, CustomWorkload kind,
                      Duration readyTimeout, RunState initial) {
        super(engine, ref, listener, readyTimeout, initial);
        this.kind = kind;
    }

    CustomWorkload kind() {
        return kind;
    }

    @Override
    public synchronized void created(boolean updated) {
        if (startWaiting(updated, (updated ? "Updated " : "Created ") + ref) && last != null) {
            judge(last); // the informer may have told of it before the create returned
        }
    }

    @Override
    public synchronized void resumed() {
        waitAgain("Waiting again for " + ref + " to be ready");
    }

    @Override
    public synchronized void onCustomResource(GenericKubernetesResource resource, boolean deleted) {
        workloadEvent(resource, deleted, " was deleted before it was ready");
    }

    @Override
    void changed(GenericKubernetesResource resource) {
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
        cancelTimers();
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
    void cannotStart(String reason, String text) {
        fail(reason, text);
    }

    @Override
    String leftAsItWas() {
        return "; " + ref + " is left as it was";
    }

    @Override
    String notReadyMessage() {
        return ref + " not ready after " + readyTimeout.toSeconds() + "s"
                + (lastWaiting == null ? "" : " (" + lastWaiting + ")");
    }

    @Override
    void quiet() {
        cancelTimers();
    }
}
