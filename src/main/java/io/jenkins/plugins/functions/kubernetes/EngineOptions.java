package io.jenkins.plugins.functions.kubernetes;

import java.time.Duration;
import java.util.Objects;

/**
 * How the engine judges and cleans up runs. Immutable; {@link #defaults()} suits a real cluster.
 *
 * <p>The four fail-fast thresholds ({@code imagePullGrace}, {@code unschedulableGrace},
 * {@code configErrorGrace}, {@code pendingTimeout}) end a run whose pod cannot start long before
 * the run's own timeout (the Job's {@code activeDeadlineSeconds}, reason {@code DeadlineExceeded}).
 * Whichever of them comes first ends the run.
 *
 * @param imagePullGrace     how long an image pull may keep failing ({@code ErrImagePull},
 *                           {@code ImagePullBackOff}) before the run fails; zero fails at once
 * @param unschedulableGrace how long a pod may stay unschedulable before the run fails (long
 *                           enough for a cluster autoscaler to add a node); zero fails at once
 * @param configErrorGrace   how long a container may fail to be created for a configuration
 *                           reason ({@code CreateContainerConfigError}: a missing Secret or
 *                           ConfigMap) before the run fails; zero fails at once
 * @param pendingTimeout     how long after its Job was created a run may go without its container
 *                           starting, whatever the reason (no pod at all, a slow image pull, a
 *                           pod waiting on a volume), before it fails with reason
 *                           {@code PendingTooLong}; zero means no limit
 * @param logDrainTimeout    after the container ended, how long to wait for the rest of its log
 * @param deleteWhenDone     delete a job's workload when the run ends (false only to debug)
 */
public record EngineOptions(
        Duration imagePullGrace,
        Duration unschedulableGrace,
        Duration configErrorGrace,
        Duration pendingTimeout,
        Duration logDrainTimeout,
        boolean deleteWhenDone) {

    /** The default of {@link #pendingTimeout()}: ten minutes. */
    public static final Duration DEFAULT_PENDING_TIMEOUT = Duration.ofMinutes(10);

    public EngineOptions {
        nonNegative(imagePullGrace, "imagePullGrace");
        nonNegative(unschedulableGrace, "unschedulableGrace");
        nonNegative(configErrorGrace, "configErrorGrace");
        nonNegative(pendingTimeout, "pendingTimeout");
        Objects.requireNonNull(logDrainTimeout, "logDrainTimeout");
    }

    private static void nonNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + ": value '" + d.toSeconds() + "s' is not allowed: must be 0s or more");
        }
    }

    public static EngineOptions defaults() {
        // Image pulls: a registry blip shows as one ErrImagePull and recovers; a missing image
        // keeps failing. 15s covers the kubelet's first retries and still fails long before any
        // deadline. Scheduling: long enough for a cluster autoscaler to add a node. Pending: a
        // backstop for everything the other rules do not recognise (a pod refused by a quota,
        // a volume that never attaches, a very large image), far above the others.
        return new EngineOptions(Duration.ofSeconds(15), Duration.ofMinutes(2), Duration.ofSeconds(30),
                DEFAULT_PENDING_TIMEOUT, Duration.ofSeconds(10), true);
    }

    public EngineOptions withImagePullGrace(Duration value) {
        return new EngineOptions(value, unschedulableGrace, configErrorGrace, pendingTimeout, logDrainTimeout,
                deleteWhenDone);
    }

    public EngineOptions withUnschedulableGrace(Duration value) {
        return new EngineOptions(imagePullGrace, value, configErrorGrace, pendingTimeout, logDrainTimeout,
                deleteWhenDone);
    }

    public EngineOptions withConfigErrorGrace(Duration value) {
        return new EngineOptions(imagePullGrace, unschedulableGrace, value, pendingTimeout, logDrainTimeout,
                deleteWhenDone);
    }

    public EngineOptions withPendingTimeout(Duration value) {
        return new EngineOptions(imagePullGrace, unschedulableGrace, configErrorGrace, value, logDrainTimeout,
                deleteWhenDone);
    }

    public EngineOptions withLogDrainTimeout(Duration value) {
        return new EngineOptions(imagePullGrace, unschedulableGrace, configErrorGrace, pendingTimeout, value,
                deleteWhenDone);
    }
}
