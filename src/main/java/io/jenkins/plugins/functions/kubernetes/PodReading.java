package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads what a Pod's and a Job's status say about a run: a pure function of the objects, so the
 * judgement is tested without a cluster and is the same for a live event and a replayed one.
 */
final class PodReading {

    /** Waiting reasons that mean the image cannot be pulled now (the kubelet keeps retrying). */
    static final Set<String> IMAGE_PULL_FAILURES = Set.of("ErrImagePull", "ImagePullBackOff", "RegistryUnavailable");

    /** Waiting reasons that no retry cures: the run fails at once. */
    static final Set<String> IMAGE_INVALID = Set.of("InvalidImageName", "ErrImageNeverPull");

    /** Waiting reasons that mean the container cannot be created as configured. */
    static final Set<String> CONFIG_FAILURES = Set.of("CreateContainerConfigError", "CreateContainerError");

    private PodReading() {
    }

    static Optional<ContainerStatus> container(Pod pod, String name) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
        return statuses.stream().filter(s -> name.equals(s.getName())).findFirst()
                .or(() -> statuses.stream().findFirst());
    }

    static Optional<ContainerStateWaiting> waiting(Pod pod, String container) {
        return container(pod, container).map(ContainerStatus::getState)
                .map(state -> state.getWaiting());
    }

    static Optional<ContainerStateTerminated> terminated(Pod pod, String container) {
        return container(pod, container).map(ContainerStatus::getState)
                .map(state -> state.getTerminated());
    }

    static boolean running(Pod pod, String container) {
        return container(pod, container).map(ContainerStatus::getState)
                .map(state -> state.getRunning() != null).orElse(false);
    }

    /** The PodScheduled=False condition with reason Unschedulable, if the scheduler said so. */
    static Optional<PodCondition> unschedulable(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream()
                .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
                        && "Unschedulable".equals(c.getReason()))
                .findFirst();
    }

    /** The Job's terminal condition (Complete or Failed with status True), if it has one. */
    static Optional<JobCondition> finished(Job job) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream()
                .filter(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                        && "True".equals(c.getStatus()))
                .findFirst();
    }

    static Instant time(String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(rfc3339);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
