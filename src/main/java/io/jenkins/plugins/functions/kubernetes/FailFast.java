package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.jenkins.plugins.functions.runtime.RunLabels;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Decides when a pod that cannot start has had long enough: an unschedulable pod, an image that
 * cannot be pulled, a container that cannot be created as configured. Each has its grace period
 * ({@link EngineOptions}); an invalid image name has none. One per run, used under the run's
 * lock; the countdown runs on the engine's timer thread, so waiting costs no thread.
 */
final class FailFast {

    /** What the run does when a countdown ends: end itself with this reason and text. */
    interface Verdict {
        void fail(String reason, String text);
    }

    private final EngineOptions options;
    private final ScheduledExecutorService timer;
    private final Object lock;
    private final RunListener listener;
    private final Verdict verdict;
    private ScheduledFuture<?> countdown;
    private String reason;

    FailFast(EngineOptions options, ScheduledExecutorService timer, Object lock, RunListener listener, Verdict verdict) {
        this.options = options;
        this.timer = timer;
        this.lock = lock;
        this.listener = listener;
        this.verdict = verdict;
    }

    /** Looks at a pod whose main container is not running: starts, keeps or cancels a countdown. */
    void judge(Pod pod) {
        Optional<PodCondition> unschedulable = PodReading.unschedulable(pod);
        Optional<ContainerStateWaiting> waiting = PodReading.waiting(pod, RunLabels.MAIN_CONTAINER);
        String waitingReason = waiting.map(ContainerStateWaiting::getReason).orElse(null);
        String podName = pod.getMetadata().getName();
        if (unschedulable.isPresent()) {
            start(podName, "Unschedulable", unschedulable.get().getMessage(), options.unschedulableGrace());
        } else if (waitingReason != null && PodReading.IMAGE_INVALID.contains(waitingReason)) {
            start(podName, waitingReason, waiting.get().getMessage(), Duration.ZERO);
        } else if (waitingReason != null && PodReading.IMAGE_PULL_FAILURES.contains(waitingReason)) {
            start(podName, waitingReason, waiting.get().getMessage(), options.imagePullGrace());
        } else if (waitingReason != null && PodReading.CONFIG_FAILURES.contains(waitingReason)) {
            start(podName, waitingReason, waiting.get().getMessage(), options.configErrorGrace());
        } else {
            cancel();
        }
    }

    /** The pod recovered, or the run ends: no verdict. */
    void cancel() {
        if (countdown != null) {
            countdown.cancel(false);
            countdown = null;
        }
        reason = null;
    }

    private void start(String podName, String newReason, String message, Duration grace) {
        if (countdown != null && family(newReason).equals(family(reason))) {
            // already counting down: ErrImagePull and ImagePullBackOff alternate while the
            // kubelet retries, and must not restart the grace period each time
            return;
        }
        cancel();
        String text = newReason + (message == null || message.isBlank() ? "" : ": " + message);
        if (grace.isZero() || grace.isNegative()) {
            verdict.fail(newReason, text);
            return;
        }
        listener.onEvent("Pod " + podName + " cannot start (" + text + "); failing in " + grace.toSeconds()
                + "s unless it recovers");
        reason = newReason;
        countdown = timer.schedule(() -> {
            synchronized (lock) {
                if (reason != null && family(newReason).equals(family(reason))) {
                    countdown = null;
                    reason = null;
                    verdict.fail(newReason, text);
                }
            }
        }, grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String family(String reason) {
        return reason != null && PodReading.IMAGE_PULL_FAILURES.contains(reason) ? "image-pull" : String.valueOf(reason);
    }
}
