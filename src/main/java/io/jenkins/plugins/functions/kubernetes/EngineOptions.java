package io.jenkins.plugins.functions.kubernetes;

import java.time.Duration;
import java.util.Objects;

/**
 * How the engine judges and cleans up runs. Immutable; {@link #defaults()} suits a real cluster.
 *
 * @param imagePullGrace     how long an image pull may keep failing ({@code ErrImagePull},
 *                           {@code ImagePullBackOff}) before the run fails; zero fails at once
 * @param unschedulableGrace how long a pod may stay unschedulable before the run fails (long
 *                           enough for a cluster autoscaler to add a node)
 * @param configErrorGrace   how long a container may fail to be created for a configuration
 *                           reason ({@code CreateContainerConfigError}: a missing Secret or
 *                           ConfigMap) before the run fails
 * @param logDrainTimeout    after the container ended, how long to wait for the rest of its log
 * @param deleteWhenDone     delete a job's workload when the run ends (false only to debug)
 */
public record EngineOptions(
        Duration imagePullGrace,
        Duration unschedulableGrace,
        Duration configErrorGrace,
        Duration logDrainTimeout,
        boolean deleteWhenDone) {

    public EngineOptions {
        Objects.requireNonNull(imagePullGrace, "imagePullGrace");
        Objects.requireNonNull(unschedulableGrace, "unschedulableGrace");
        Objects.requireNonNull(configErrorGrace, "configErrorGrace");
        Objects.requireNonNull(logDrainTimeout, "logDrainTimeout");
    }

    public static EngineOptions defaults() {
        // Image pulls: a registry blip shows as one ErrImagePull and recovers; a missing image
        // keeps failing. 15s covers the kubelet's first retries and still fails long before any
        // deadline. Scheduling: long enough for a cluster autoscaler to add a node.
        return new EngineOptions(Duration.ofSeconds(15), Duration.ofMinutes(2), Duration.ofSeconds(30),
                Duration.ofSeconds(10), true);
    }

    public EngineOptions withImagePullGrace(Duration value) {
        return new EngineOptions(value, unschedulableGrace, configErrorGrace, logDrainTimeout, deleteWhenDone);
    }

    public EngineOptions withUnschedulableGrace(Duration value) {
        return new EngineOptions(imagePullGrace, value, configErrorGrace, logDrainTimeout, deleteWhenDone);
    }

    public EngineOptions withConfigErrorGrace(Duration value) {
        return new EngineOptions(imagePullGrace, unschedulableGrace, value, logDrainTimeout, deleteWhenDone);
    }

    public EngineOptions withLogDrainTimeout(Duration value) {
        return new EngineOptions(imagePullGrace, unschedulableGrace, configErrorGrace, value, deleteWhenDone);
    }
}
