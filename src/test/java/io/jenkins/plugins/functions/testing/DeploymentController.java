package io.jenkins.plugins.functions.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher.Action;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

/**
 * The simulated Deployment and ReplicaSet controllers (apps/v1).
 *
 * <p>Deployment: the pod template is hashed (FNV-32a of its JSON with sorted keys, written with
 * Kubernetes' safe alphabet) into {@code pod-template-hash}; the ReplicaSet for the current
 * template is {@code <deployment>-<hash>}, owned by the Deployment, with that label added to its
 * selector and template. A template change rolls forward: the new ReplicaSet is scaled to {@code
 * replicas} at once, and once all its pods are available the old ReplicaSets are scaled to 0
 * (their pods deleted). A {@code replicas} change scales the current ReplicaSet. Status:
 * {@code observedGeneration}, {@code replicas}, {@code updatedReplicas}, {@code readyReplicas},
 * {@code availableReplicas}, {@code unavailableReplicas}, conditions {@code Available}
 * ({@code MinimumReplicasAvailable}/{@code MinimumReplicasUnavailable}, with {@code
 * maxUnavailable}) and {@code Progressing} ({@code NewReplicaSetCreated}, {@code
 * ReplicaSetUpdated}, {@code NewReplicaSetAvailable}, or {@code False}/{@code
 * ProgressDeadlineExceeded} after {@code progressDeadlineSeconds} spec seconds without completing).
 *
 * <p>ReplicaSet: keeps {@code replicas} pods that are neither terminated nor being deleted, named
 * {@code <replicaset>-<5 random characters>}, owned by it; deletes surplus pods, unready ones
 * first; status {@code replicas}, {@code readyReplicas}, {@code availableReplicas} (ready for
 * {@code minReadySeconds} spec seconds), {@code fullyLabeledReplicas}, {@code observedGeneration}.
 *
 * <p>Not simulated: {@code maxSurge}/{@code maxUnavailable} pacing (a rollout surges all at once),
 * the {@code Recreate} strategy (treated as a rolling update), {@code paused}, revision history
 * clean-up, and the revision annotation on the Deployment itself (it is on the ReplicaSets).
 */
final class DeploymentController {

    static final String HASH_LABEL = "pod-template-hash";
    private static final ObjectMapper SORTED = Serialization.jsonMapper().copy()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final KubernetesClient client;
    private final ControlLoop loop;
    private final Supplier<Duration> specSecond;
    /** When each Deployment (by uid) last made progress, for progressDeadlineSeconds. */
    private final Map<String, Instant> lastProgress = new HashMap<>();
    /** What the rollout looked like at the last progress, by Deployment uid. */
    private final Map<String, String> progressSignature = new HashMap<>();
    private final Map<String, ScheduledFuture<?>> wakeUps = new HashMap<>();

    DeploymentController(KubernetesClient client, ControlLoop loop, Supplier<Duration> specSecond) {
        this.client = client;
        this.loop = loop;
        this.specSecond = specSecond;
    }

    void onDeployment(Action action, Deployment d) {
        if (action == Action.DELETED) {
            lastProgress.remove(d.getMetadata().getUid());
            progressSignature.remove(d.getMetadata().getUid());
            ScheduledFuture<?> f = wakeUps.remove(d.getMetadata().getUid());
            if (f != null) {
                f.cancel(false);
            }
            return;
        }
        enqueueDeployment(d.getMetadata().getNamespace(), d.getMetadata().getName());
    }

    void onReplicaSet(Action action, ReplicaSet rs) {
        if (action != Action.DELETED) {
            enqueueReplicaSet(rs.getMetadata().getNamespace(), rs.getMetadata().getName());
        }
        OwnerReference owner = JobController.controllerOf(rs);
        if (owner != null && "Deployment".equals(owner.getKind())) {
            enqueueDeployment(rs.getMetadata().getNamespace(), owner.getName());
        }
    }

    void onPod(Action action, Pod pod) {
        OwnerReference owner = JobController.controllerOf(pod);
        if (owner != null && "ReplicaSet".equals(owner.getKind())) {
            enqueueReplicaSet(pod.getMetadata().getNamespace(), owner.getName());
        }
    }

    private void enqueueDeployment(String namespace, String name) {
        loop.reconcile("deployment/" + namespace + "/" + name, () -> reconcileDeployment(namespace, name));
    }

    private void enqueueReplicaSet(String namespace, String name) {
        loop.reconcile("replicaset/" + namespace + "/" + name, () -> reconcileReplicaSet(namespace, name));
    }

    // ------------------------------------------------------------------ Deployment

    private void reconcileDeployment(String namespace, String name) {
        Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
        if (d == null || d.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        String uid = d.getMetadata().getUid();
        int desired = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
        String hash = templateHash(d.getSpec().getTemplate());
        List<ReplicaSet> owned = client.apps().replicaSets().inNamespace(namespace).list().getItems().stream()
                .filter(rs -> JobController.isOwnedBy(rs, uid) && rs.getMetadata().getDeletionTimestamp() == null)
                .toList();
        ReplicaSet current = owned.stream()
                .filter(rs -> hash.equals(labels(rs.getMetadata()).get(HASH_LABEL))).findFirst().orElse(null);
        List<ReplicaSet> old = owned.stream().filter(rs -> rs != current).toList();
        Instant now = Instant.now();
        String progressReason;
        String progressMessage;
        if (current == null) {
            int revision = 1 + owned.stream().mapToInt(DeploymentController::revision).max().orElse(0);
            ReplicaSet created;
            try {
                created = createReplicaSet(d, hash, desired, revision);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                // A ReplicaSet of that name is left from a deleted namesake: wait for the collector.
                loop.schedule(Duration.ofMillis(50), () -> enqueueDeployment(namespace, name));
                return;
            }
            lastProgress.put(uid, now);
            progressReason = "NewReplicaSetCreated";
            progressMessage = "Created new replica set \"" + created.getMetadata().getName() + "\"";
            writeDeploymentStatus(d, created, old, progressReason, progressMessage, false, now);
            return;
        }
        if (!Objects.equals(current.getSpec().getReplicas(), desired)) {
            scale(current, desired);
            lastProgress.put(uid, now);
        }
        ReplicaSetStatus cs = current.getStatus() == null ? new ReplicaSetStatus() : current.getStatus();
        int currentAvailable = Objects.requireNonNullElse(cs.getAvailableReplicas(), 0);
        int currentReplicas = Objects.requireNonNullElse(cs.getReplicas(), 0);
        boolean newReady = currentAvailable >= desired && currentReplicas == desired;
        String signature = current.getMetadata().getName() + "/" + currentReplicas + "/" + currentAvailable + "/"
                + old.stream().mapToInt(o -> o.getStatus() == null ? 0
                        : Objects.requireNonNullElse(o.getStatus().getReplicas(), 0)).sum();
        if (!signature.equals(progressSignature.put(uid, signature))) {
            lastProgress.put(uid, now); // pods came up or went away: that is progress
        }
        if (newReady) {
            for (ReplicaSet o : old) {
                if (Objects.requireNonNullElse(o.getSpec().getReplicas(), 0) != 0) {
                    scale(o, 0);
                    lastProgress.put(uid, now);
                }
            }
        }
        int oldPods = old.stream().mapToInt(o -> o.getStatus() == null ? 0
                : Objects.requireNonNullElse(o.getStatus().getReplicas(), 0)).sum();
        boolean complete = newReady && oldPods == 0
                && old.stream().allMatch(o -> Objects.requireNonNullElse(o.getSpec().getReplicas(), 0) == 0);
        String rsName = current.getMetadata().getName();
        boolean timedOut = false;
        if (complete) {
            progressReason = "NewReplicaSetAvailable";
            progressMessage = "ReplicaSet \"" + rsName + "\" has successfully progressed.";
        } else {
            Instant since = lastProgress.computeIfAbsent(uid, u -> now);
            Integer deadlineSeconds = d.getSpec().getProgressDeadlineSeconds();
            Instant deadline = deadlineSeconds == null ? null : since.plus(specSecond.get().multipliedBy(deadlineSeconds));
            if (deadline != null && !now.isBefore(deadline)) {
                timedOut = true;
                progressReason = "ProgressDeadlineExceeded";
                progressMessage = "ReplicaSet \"" + rsName + "\" has timed out progressing.";
            } else {
                progressReason = "ReplicaSetUpdated";
                progressMessage = "ReplicaSet \"" + rsName + "\" is progressing.";
                if (deadline != null) {
                    ScheduledFuture<?> previous = wakeUps.put(uid, loop.schedule(Duration.between(now, deadline),
                            () -> enqueueDeployment(namespace, name)));
                    if (previous != null) {
                        previous.cancel(false);
                    }
                }
            }
        }
        writeDeploymentStatus(d, current, old, progressReason, progressMessage, timedOut, now);
    }

    private void writeDeploymentStatus(Deployment d, ReplicaSet current, List<ReplicaSet> old, String progressReason,
            String progressMessage, boolean timedOut, Instant now) {
        int desired = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
        List<ReplicaSet> all = new ArrayList<>(old);
        all.add(current);
        int replicas = 0;
        int ready = 0;
        int available = 0;
        for (ReplicaSet rs : all) {
            ReplicaSetStatus s = rs.getStatus();
            if (s != null) {
                replicas += Objects.requireNonNullElse(s.getReplicas(), 0);
                ready += Objects.requireNonNullElse(s.getReadyReplicas(), 0);
                available += Objects.requireNonNullElse(s.getAvailableReplicas(), 0);
            }
        }
        int updated = current.getStatus() == null ? 0 : Objects.requireNonNullElse(current.getStatus().getReplicas(), 0);
        int maxUnavailable = maxUnavailable(d, desired);
        DeploymentStatus status = new DeploymentStatus();
        status.setObservedGeneration(d.getMetadata().getGeneration());
        status.setReplicas(replicas == 0 ? null : replicas);
        status.setUpdatedReplicas(updated == 0 ? null : updated);
        status.setReadyReplicas(ready == 0 ? null : ready);
        status.setAvailableReplicas(available == 0 ? null : available);
        int unavailable = Math.max(0, Math.max(desired, replicas) - available);
        status.setUnavailableReplicas(unavailable == 0 ? null : unavailable);
        List<DeploymentCondition> old0 = d.getStatus() == null || d.getStatus().getConditions() == null ? List.of()
                : d.getStatus().getConditions();
        boolean isAvailable = available >= desired - maxUnavailable;
        List<DeploymentCondition> conditions = new ArrayList<>();
        conditions.add(condition(old0, "Available", isAvailable ? "True" : "False",
                isAvailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                isAvailable ? "Deployment has minimum availability." : "Deployment does not have minimum availability.",
                now));
        conditions.add(condition(old0, "Progressing", timedOut ? "False" : "True", progressReason, progressMessage, now));
        status.setConditions(conditions);
        if (status.equals(d.getStatus())) {
            return;
        }
        d.setStatus(status);
        try {
            client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(d).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                enqueueDeployment(d.getMetadata().getNamespace(), d.getMetadata().getName());
            } else if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /**
     * A condition with the given state: timestamps kept from the existing one while its status does
     * not change ({@code lastUpdateTime} moves with reason and message, as in Kubernetes).
     */
    private static DeploymentCondition condition(List<DeploymentCondition> existing, String type, String status,
            String reason, String message, Instant now) {
        DeploymentCondition old = existing.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
        String t = Kubelet.time(now);
        String transition = old != null && status.equals(old.getStatus()) ? old.getLastTransitionTime() : t;
        String update = old != null && status.equals(old.getStatus()) && reason.equals(old.getReason())
                && message.equals(old.getMessage()) ? old.getLastUpdateTime() : t;
        return new DeploymentConditionBuilder().withType(type).withStatus(status).withReason(reason)
                .withMessage(message).withLastTransitionTime(transition).withLastUpdateTime(update).build();
    }

    private static int maxUnavailable(Deployment d, int desired) {
        IntOrString v = d.getSpec().getStrategy() == null || d.getSpec().getStrategy().getRollingUpdate() == null ? null
                : d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable();
        if (v == null) {
            return desired / 4; // 25%, rounded down
        }
        if (v.getIntVal() != null) {
            return v.getIntVal();
        }
        String s = v.getStrVal();
        if (s != null && s.endsWith("%")) {
            return desired * Integer.parseInt(s.substring(0, s.length() - 1)) / 100;
        }
        return 0;
    }

    private ReplicaSet createReplicaSet(Deployment d, String hash, int replicas, int revision) {
        String name = d.getMetadata().getName() + "-" + hash;
        PodTemplateSpec template = Serialization.unmarshal(Serialization.asJson(d.getSpec().getTemplate()),
                PodTemplateSpec.class);
        if (template.getMetadata() == null) {
            template.setMetadata(new ObjectMeta());
        }
        Map<String, String> podLabels = new LinkedHashMap<>(labels(template.getMetadata()));
        podLabels.put(HASH_LABEL, hash);
        template.getMetadata().setLabels(podLabels);
        LabelSelector selector = Serialization.unmarshal(Serialization.asJson(d.getSpec().getSelector()),
                LabelSelector.class);
        Map<String, String> match = new LinkedHashMap<>(
                selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels());
        match.put(HASH_LABEL, hash);
        selector.setMatchLabels(match);
        ReplicaSet rs = new ReplicaSetBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(d.getMetadata().getNamespace())
                .withLabels(podLabels)
                .addToAnnotations("deployment.kubernetes.io/revision", String.valueOf(revision))
                .addToAnnotations("deployment.kubernetes.io/desired-replicas", String.valueOf(replicas))
                .withOwnerReferences(owner("apps/v1", "Deployment", d.getMetadata().getName(), d.getMetadata().getUid()))
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withMinReadySeconds(d.getSpec().getMinReadySeconds())
                .withSelector(selector)
                .withTemplate(template)
                .endSpec()
                .build();
        return client.apps().replicaSets().inNamespace(d.getMetadata().getNamespace()).resource(rs).create();
    }

    private void scale(ReplicaSet rs, int replicas) {
        try {
            client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).withName(rs.getMetadata().getName())
                    .edit(r -> {
                        r.getSpec().setReplicas(replicas);
                        return r;
                    });
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    private static int revision(ReplicaSet rs) {
        Map<String, String> a = rs.getMetadata().getAnnotations();
        try {
            return a == null ? 0 : Integer.parseInt(a.getOrDefault("deployment.kubernetes.io/revision", "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Kubernetes-like pod-template-hash: FNV-32a of the template (with the API server's pod spec
     * defaults applied, so that re-sending the same template without them does not roll out),
     * its decimal digits mapped to the safe alphabet.
     */
    static String templateHash(PodTemplateSpec template) {
        String json;
        try {
            com.fasterxml.jackson.databind.node.ObjectNode node = SORTED.valueToTree(template);
            ApiDefaults.podSpecDefaults(ApiDefaults.child(node, "spec"));
            json = SORTED.writeValueAsString(SORTED.treeToValue(node, Map.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int h = 0x811c9dc5;
        for (byte b : json.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        String digits = Long.toString(Integer.toUnsignedLong(h));
        StringBuilder out = new StringBuilder();
        for (char c : digits.toCharArray()) {
            out.append(ApiDefaults.ALPHANUMS.charAt(c % ApiDefaults.ALPHANUMS.length()));
        }
        return out.toString();
    }

    // ------------------------------------------------------------------ ReplicaSet

    private void reconcileReplicaSet(String namespace, String name) {
        ReplicaSet rs = client.apps().replicaSets().inNamespace(namespace).withName(name).get();
        if (rs == null || rs.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        String uid = rs.getMetadata().getUid();
        int desired = Objects.requireNonNullElse(rs.getSpec().getReplicas(), 1);
        Map<String, String> selector = rs.getSpec().getSelector() == null
                || rs.getSpec().getSelector().getMatchLabels() == null ? Map.of()
                : rs.getSpec().getSelector().getMatchLabels();
        List<Pod> pods = new ArrayList<>(client.pods().inNamespace(namespace).withLabels(selector).list().getItems()
                .stream().filter(p -> JobController.isOwnedBy(p, uid))
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> p.getStatus() == null
                        || !"Succeeded".equals(p.getStatus().getPhase()) && !"Failed".equals(p.getStatus().getPhase()))
                .toList());
        if (pods.size() < desired) {
            for (int i = pods.size(); i < desired; i++) {
                pods.add(createPod(rs));
            }
        } else if (pods.size() > desired) {
            // Unready pods go first, then the youngest.
            pods.sort(Comparator.comparing((Pod p) -> JobController.isReady(p))
                    .thenComparing(p -> p.getMetadata().getCreationTimestamp(), Comparator.reverseOrder()));
            List<Pod> surplus = new ArrayList<>(pods.subList(0, pods.size() - desired));
            for (Pod p : surplus) {
                client.pods().inNamespace(namespace).withName(p.getMetadata().getName())
                        .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
                pods.remove(p);
            }
        }
        int minReady = Objects.requireNonNullElse(rs.getSpec().getMinReadySeconds(), 0);
        Instant now = Instant.now();
        int ready = 0;
        int available = 0;
        Instant nextAvailable = null;
        for (Pod p : pods) {
            if (!JobController.isReady(p)) {
                continue;
            }
            ready++;
            Instant readySince = p.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType()))
                    .map(c -> c.getLastTransitionTime() == null ? now : Instant.parse(c.getLastTransitionTime()))
                    .findFirst().orElse(now);
            Instant at = readySince.plus(specSecond.get().multipliedBy(minReady));
            if (minReady == 0 || !now.isBefore(at)) {
                available++;
            } else if (nextAvailable == null || at.isBefore(nextAvailable)) {
                nextAvailable = at;
            }
        }
        if (nextAvailable != null) {
            loop.schedule(Duration.between(now, nextAvailable), () -> enqueueReplicaSet(namespace, name));
        }
        ReplicaSetStatus status = new ReplicaSetStatus();
        status.setReplicas(pods.size());
        status.setFullyLabeledReplicas(pods.isEmpty() ? null : pods.size());
        status.setReadyReplicas(ready == 0 ? null : ready);
        status.setAvailableReplicas(available == 0 ? null : available);
        status.setObservedGeneration(rs.getMetadata().getGeneration());
        if (status.equals(rs.getStatus())) {
            return;
        }
        rs.setStatus(status);
        try {
            client.apps().replicaSets().inNamespace(namespace).resource(rs).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                enqueueReplicaSet(namespace, name);
            } else if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    private Pod createPod(ReplicaSet rs) {
        PodTemplateSpec template = rs.getSpec().getTemplate();
        String base = rs.getMetadata().getName() + "-";
        if (base.length() > 58) {
            base = base.substring(0, 58);
        }
        PodSpec spec = Serialization.unmarshal(Serialization.asJson(template.getSpec()), PodSpec.class);
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName(base + ApiDefaults.randomSuffix())
                .withGenerateName(base)
                .withNamespace(rs.getMetadata().getNamespace())
                .withLabels(template.getMetadata() == null ? null : template.getMetadata().getLabels())
                .withAnnotations(template.getMetadata() == null ? null : template.getMetadata().getAnnotations())
                .withOwnerReferences(owner("apps/v1", "ReplicaSet", rs.getMetadata().getName(), rs.getMetadata().getUid()))
                .endMetadata()
                .withSpec(spec)
                .build();
        return client.pods().inNamespace(rs.getMetadata().getNamespace()).resource(pod).create();
    }

    private static OwnerReference owner(String apiVersion, String kind, String name, String uid) {
        return new OwnerReferenceBuilder().withApiVersion(apiVersion).withKind(kind).withName(name).withUid(uid)
                .withController(true).withBlockOwnerDeletion(true).build();
    }

    private static Map<String, String> labels(ObjectMeta m) {
        return m == null || m.getLabels() == null ? Map.of() : m.getLabels();
    }
}
