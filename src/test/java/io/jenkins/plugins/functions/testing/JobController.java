package io.jenkins.plugins.functions.testing;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.UncountedTerminatedPods;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher.Action;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

/**
 * The simulated Job controller (batch/v1), level-triggered: each reconcile reads the Job and its
 * pods and moves them one step closer to what the spec asks.
 *
 * <ul>
 *   <li>Keeps {@code min(parallelism, completions - succeeded)} pods active. A pod is named
 *       {@code <job>-<5 random characters>}, labelled with the template's labels plus {@code
 *       job-name}, {@code controller-uid} (and their {@code batch.kubernetes.io/} twins), owned by
 *       the Job ({@code controller} and {@code blockOwnerDeletion} true), its spec the template's.
 *   <li>Counts each terminated pod once, like Kubernetes with its tracking finalizers: {@code
 *       succeeded}/{@code failed} keep counting after pods are deleted, and an active pod that
 *       disappears counts as failed.
 *   <li>After a failure, waits the pod-failure back-off (10 spec seconds, doubling, capped at 600)
 *       before creating the next pod; fails the Job ({@code Failed}, {@code BackoffLimitExceeded})
 *       once {@code failed} (plus container restarts with {@code restartPolicy: OnFailure})
 *       exceeds {@code backoffLimit}, so {@code backoffLimit: 0} means no retry.
 *   <li>{@code activeDeadlineSeconds} (spec seconds from {@code startTime}): deletes the active
 *       pods (counted failed) and fails the Job with {@code DeadlineExceeded}.
 *   <li>Complete once {@code succeeded >= completions}: condition {@code Complete}
 *       ({@code CompletionsReached}) and {@code completionTime}.
 *   <li>{@code ttlSecondsAfterFinished}: that many spec seconds after finishing, the Job is deleted
 *       with {@code propagationPolicy: Foreground}, which takes its pods with it.
 *   <li>{@code suspend: true}: no pods are created.
 * </ul>
 * Not simulated: the intermediate conditions {@code FailureTarget}/{@code SuccessCriteriaMet} of
 * Kubernetes 1.31 (only the final {@code Failed}/{@code Complete} are set), Indexed completion,
 * pod failure policies, {@code terminating} counts, and adding the controller-uid selector and
 * labels to the Job itself.
 */
final class JobController {

    static final String JOB_NAME = "job-name";
    static final String CONTROLLER_UID = "controller-uid";

    private final KubernetesClient client;
    private final ControlLoop loop;
    private final Supplier<Duration> specSecond;
    private final Map<String, Tracking> tracking = new HashMap<>(); // by Job uid, loop thread only

    /** What the controller remembers about a Job between reconciles. */
    private static final class Tracking {
        final Set<String> counted = new HashSet<>();
        Set<String> active = new HashSet<>();
        int succeeded;
        int failed;
        Instant startedAt;
        Instant lastFailure;
        Instant finishedAt;
        ScheduledFuture<?> wakeUp;
        Instant wakeUpAt;
        boolean ttlScheduled;
    }

    JobController(KubernetesClient client, ControlLoop loop, Supplier<Duration> specSecond) {
        this.client = client;
        this.loop = loop;
        this.specSecond = specSecond;
    }

    void onJob(Action action, Job job) {
        if (action == Action.DELETED) {
            Tracking t = tracking.remove(job.getMetadata().getUid());
            if (t != null && t.wakeUp != null) {
                t.wakeUp.cancel(false);
            }
            return;
        }
        enqueue(job.getMetadata().getNamespace(), job.getMetadata().getName());
    }

    void onPod(Action action, Pod pod) {
        OwnerReference owner = controllerOf(pod);
        if (owner != null && "Job".equals(owner.getKind())) {
            enqueue(pod.getMetadata().getNamespace(), owner.getName());
        }
    }

    static OwnerReference controllerOf(HasMetadata o) {
        if (o.getMetadata().getOwnerReferences() == null) {
            return null;
        }
        return o.getMetadata().getOwnerReferences().stream().filter(r -> Boolean.TRUE.equals(r.getController()))
                .findFirst().orElse(null);
    }

    private void enqueue(String namespace, String name) {
        loop.reconcile("job/" + namespace + "/" + name, () -> reconcile(namespace, name));
    }

    private void reconcile(String namespace, String name) {
        Job job = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
        if (job == null || job.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        String uid = job.getMetadata().getUid();
        JobStatus old = job.getStatus() == null ? new JobStatus() : job.getStatus();
        Tracking t = tracking.computeIfAbsent(uid, u -> {
            Tracking n = new Tracking();
            n.succeeded = Objects.requireNonNullElse(old.getSucceeded(), 0);
            n.failed = Objects.requireNonNullElse(old.getFailed(), 0);
            n.startedAt = old.getStartTime() == null ? null : Instant.parse(old.getStartTime());
            return n;
        });
        JobSpec spec = job.getSpec();
        Instant now = Instant.now();

        List<Pod> pods = client.pods().inNamespace(namespace).withLabel(CONTROLLER_UID, uid).list().getItems()
                .stream().filter(p -> isOwnedBy(p, uid)).toList();
        Set<String> present = new HashSet<>();
        List<Pod> active = new ArrayList<>();
        for (Pod p : pods) {
            String podUid = p.getMetadata().getUid();
            present.add(podUid);
            String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
            if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
                if (t.counted.add(podUid)) {
                    if ("Succeeded".equals(phase)) {
                        t.succeeded++;
                    } else {
                        t.failed++;
                        t.lastFailure = now;
                    }
                }
            } else if (p.getMetadata().getDeletionTimestamp() == null) {
                active.add(p);
            }
        }
        for (String gone : t.active) {
            if (!present.contains(gone) && t.counted.add(gone)) {
                t.failed++; // deleted while running: Kubernetes counts it as failed
                t.lastFailure = now;
            }
        }
        t.active = new HashSet<>(active.stream().map(p -> p.getMetadata().getUid()).toList());

        List<JobCondition> conditions = new ArrayList<>(old.getConditions() == null ? List.of() : old.getConditions());
        boolean finished = hasCondition(conditions, "Complete") || hasCondition(conditions, "Failed");
        boolean suspended = Boolean.TRUE.equals(spec.getSuspend());
        String completionTime = old.getCompletionTime();
        if (!finished) {
            if (t.startedAt == null && !suspended) {
                t.startedAt = now;
            }
            int completions = Objects.requireNonNullElse(spec.getCompletions(), 1);
            int parallelism = Objects.requireNonNullElse(spec.getParallelism(), 1);
            int backoffLimit = Objects.requireNonNullElse(spec.getBackoffLimit(), 6);
            int restarts = "OnFailure".equals(spec.getTemplate().getSpec().getRestartPolicy())
                    ? active.stream().mapToInt(JobController::restarts).sum() : 0;
            Instant deadline = spec.getActiveDeadlineSeconds() == null || t.startedAt == null ? null
                    : t.startedAt.plus(specSecond.get().multipliedBy(spec.getActiveDeadlineSeconds()));
            String failReason = null;
            String failMessage = null;
            if (deadline != null && !now.isBefore(deadline)) {
                failReason = "DeadlineExceeded";
                failMessage = "Job was active longer than specified deadline";
            } else if (t.failed + restarts > backoffLimit) {
                failReason = "BackoffLimitExceeded";
                failMessage = "Job has reached the specified backoff limit";
            }
            if (failReason != null) {
                for (Pod p : active) {
                    deletePod(p);
                    if (t.counted.add(p.getMetadata().getUid())) {
                        t.failed++;
                    }
                }
                active = List.of();
                t.active = new HashSet<>();
                conditions.add(condition("Failed", failReason, failMessage, now));
                finished = true;
                t.finishedAt = now;
            } else if (t.succeeded >= completions) {
                for (Pod p : active) {
                    deletePod(p);
                }
                active = List.of();
                t.active = new HashSet<>();
                conditions.add(condition("Complete", "CompletionsReached", "Reached expected number of succeeded pods", now));
                completionTime = Kubelet.time(now);
                finished = true;
                t.finishedAt = now;
            } else if (!suspended) {
                int want = Math.min(parallelism, completions - t.succeeded) - active.size();
                Instant notBefore = t.failed == 0 || t.lastFailure == null ? now : t.lastFailure.plus(backoff(t.failed));
                if (want > 0 && !now.isBefore(notBefore)) {
                    List<Pod> created = new ArrayList<>(active);
                    for (int i = 0; i < want; i++) {
                        Pod p = createPod(job);
                        created.add(p);
                        t.active.add(p.getMetadata().getUid());
                    }
                    active = created;
                } else if (want > 0) {
                    wakeUp(t, namespace, name, notBefore);
                }
                if (deadline != null) {
                    wakeUp(t, namespace, name, deadline);
                }
            }
        } else if (!active.isEmpty()) {
            active.forEach(this::deletePod); // a finished Job keeps nothing running
            active = List.of();
        }
        if (finished && t.finishedAt == null) {
            t.finishedAt = conditions.stream().filter(c -> "True".equals(c.getStatus()))
                    .filter(c -> c.getType().equals("Complete") || c.getType().equals("Failed"))
                    .map(c -> Instant.parse(c.getLastTransitionTime())).findFirst().orElse(now);
        }

        JobStatus status = new JobStatus();
        status.setStartTime(t.startedAt == null ? null : Kubelet.time(t.startedAt));
        status.setCompletionTime(completionTime);
        status.setActive(active.isEmpty() ? null : active.size());
        status.setReady((int) active.stream().filter(JobController::isReady).count());
        status.setSucceeded(t.succeeded == 0 ? null : t.succeeded);
        status.setFailed(t.failed == 0 ? null : t.failed);
        status.setConditions(conditions.isEmpty() ? null : conditions);
        status.setUncountedTerminatedPods(new UncountedTerminatedPods());
        if (!status.equals(job.getStatus())) {
            job.setStatus(status);
            try {
                client.batch().v1().jobs().inNamespace(namespace).resource(job).updateStatus();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    enqueue(namespace, name); // someone else wrote: read again
                } else if (e.getCode() != 404) {
                    throw e;
                }
            }
        }
        if (finished && spec.getTtlSecondsAfterFinished() != null && !t.ttlScheduled) {
            t.ttlScheduled = true;
            Duration ttl = specSecond.get().multipliedBy(spec.getTtlSecondsAfterFinished());
            Duration left = Duration.between(now, t.finishedAt.plus(ttl));
            loop.schedule(left.isNegative() ? Duration.ZERO : left, () -> expire(namespace, name, uid));
        }
    }

    /** Kubernetes' pod failure back-off: 10 s, doubling with each failure, at most 10 minutes. */
    private Duration backoff(int failures) {
        Duration d = specSecond.get().multipliedBy(10L << Math.min(failures - 1, 6));
        Duration cap = specSecond.get().multipliedBy(600);
        return d.compareTo(cap) > 0 ? cap : d;
    }

    private void wakeUp(Tracking t, String namespace, String name, Instant at) {
        if (t.wakeUp != null && !t.wakeUp.isDone() && t.wakeUpAt != null && !t.wakeUpAt.isAfter(at)) {
            return; // an earlier wake-up is pending; it will reschedule
        }
        if (t.wakeUp != null) {
            t.wakeUp.cancel(false);
        }
        t.wakeUpAt = at;
        Duration d = Duration.between(Instant.now(), at);
        t.wakeUp = loop.schedule(d.isNegative() ? Duration.ZERO : d, () -> enqueue(namespace, name));
    }

    private void expire(String namespace, String name, String uid) {
        Job job = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
        if (job != null && uid.equals(job.getMetadata().getUid())) {
            client.batch().v1().jobs().inNamespace(namespace).withName(name)
                    .withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
        }
    }

    private Pod createPod(Job job) {
        String jobName = job.getMetadata().getName();
        String uid = job.getMetadata().getUid();
        Map<String, String> labels = new LinkedHashMap<>();
        if (job.getSpec().getTemplate().getMetadata() != null
                && job.getSpec().getTemplate().getMetadata().getLabels() != null) {
            labels.putAll(job.getSpec().getTemplate().getMetadata().getLabels());
        }
        labels.put(CONTROLLER_UID, uid);
        labels.put(JOB_NAME, jobName);
        labels.put("batch.kubernetes.io/controller-uid", uid);
        labels.put("batch.kubernetes.io/job-name", jobName);
        Map<String, String> annotations = job.getSpec().getTemplate().getMetadata() == null ? null
                : job.getSpec().getTemplate().getMetadata().getAnnotations();
        String base = jobName + "-";
        if (base.length() > 58) {
            base = base.substring(0, 58);
        }
        PodSpec spec = Serialization.unmarshal(Serialization.asJson(job.getSpec().getTemplate().getSpec()), PodSpec.class);
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName(base + ApiDefaults.randomSuffix())
                .withGenerateName(base)
                .withNamespace(job.getMetadata().getNamespace())
                .withLabels(labels)
                .withAnnotations(annotations)
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
                        .withName(jobName).withUid(uid).withController(true).withBlockOwnerDeletion(true).build())
                .endMetadata()
                .withSpec(spec)
                .build();
        return client.pods().inNamespace(job.getMetadata().getNamespace()).resource(pod).create();
    }

    private void deletePod(Pod p) {
        client.pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName())
                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    }

    private static JobCondition condition(String type, String reason, String message, Instant now) {
        return new JobConditionBuilder().withType(type).withStatus("True").withReason(reason).withMessage(message)
                .withLastProbeTime(Kubelet.time(now)).withLastTransitionTime(Kubelet.time(now)).build();
    }

    private static boolean hasCondition(List<JobCondition> conditions, String type) {
        return conditions.stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    static boolean isOwnedBy(HasMetadata o, String uid) {
        return o.getMetadata().getOwnerReferences() != null
                && o.getMetadata().getOwnerReferences().stream().anyMatch(r -> uid.equals(r.getUid()));
    }

    static boolean isReady(Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static int restarts(Pod p) {
        if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
            return 0;
        }
        return p.getStatus().getContainerStatuses().stream()
                .mapToInt(s -> Objects.requireNonNullElse(s.getRestartCount(), 0)).sum();
    }
}
