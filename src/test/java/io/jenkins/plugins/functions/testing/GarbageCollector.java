package io.jenkins.plugins.functions.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;

/**
 * The simulated garbage collector: when an object is removed from the store, its dependents
 * (objects in its namespace whose {@code ownerReferences} name its uid) are deleted, or orphaned.
 *
 * <p>Propagation, from the delete request ({@code propagationPolicy}, or the legacy {@code
 * orphanDependents}, in the query or the {@code DeleteOptions} body):
 * <ul>
 *   <li>{@code Background}: dependents are deleted right after the owner (each with {@code
 *       Background}, so it cascades down: Deployment, ReplicaSets, pods).
 *   <li>{@code Foreground}: the same. Unlike Kubernetes the owner does not wait, with a {@code
 *       foregroundDeletion} finalizer, for its dependents to be gone: it disappears first.
 *   <li>{@code Orphan}: the owner's reference is removed from each dependent, which stays.
 *   <li>none given: what the real API server does by default: {@code Orphan} for {@code batch/v1}
 *       Jobs and {@code v1} ReplicationControllers (kept for compatibility in Kubernetes, hence its
 *       warning that pods are kept), {@code Background} for everything else. Note that the fabric8
 *       client always sends a policy ({@code Background} unless told otherwise).
 * </ul>
 * Dependents looked for: Pods, Secrets, ConfigMaps, Services, ServiceAccounts,
 * PersistentVolumeClaims, ReplicaSets, Deployments and Jobs.
 */
final class GarbageCollector {

    private static final List<Class<? extends HasMetadata>> DEPENDENT_KINDS = List.of(Pod.class, Secret.class,
            ConfigMap.class, Service.class, ServiceAccount.class, PersistentVolumeClaim.class, ReplicaSet.class,
            Deployment.class, Job.class);

    private final KubernetesClient client;
    private final ControlLoop loop;

    GarbageCollector(KubernetesClient client, ControlLoop loop) {
        this.client = client;
        this.loop = loop;
    }

    /** Called on a server thread when an object left the store; the work is done on the loop. */
    void removed(SimulatorDispatcher.Removal removal) {
        JsonNode meta = removal.object().path("metadata");
        String uid = meta.path("uid").asText(null);
        String namespace = meta.path("namespace").asText(null);
        if (uid == null || namespace == null) {
            return; // cluster-scoped owners: nothing namespaced is collected here
        }
        String policy = removal.propagationPolicy();
        if (policy == null) {
            String apiVersion = removal.object().path("apiVersion").asText();
            String kind = removal.object().path("kind").asText();
            boolean orphanByDefault = "batch/v1".equals(apiVersion) && "Job".equals(kind)
                    || "v1".equals(apiVersion) && "ReplicationController".equals(kind);
            policy = orphanByDefault ? "Orphan" : "Background";
        }
        String finalPolicy = policy;
        loop.execute(() -> collect(namespace, uid, finalPolicy));
    }

    private void collect(String namespace, String ownerUid, String policy) {
        for (Class<? extends HasMetadata> kind : DEPENDENT_KINDS) {
            collect(kind, namespace, ownerUid, policy);
        }
    }

    private <T extends HasMetadata> void collect(Class<T> kind, String namespace, String ownerUid, String policy) {
        for (T dependent : client.resources(kind).inNamespace(namespace).list().getItems()) {
            if (!JobController.isOwnedBy(dependent, ownerUid)) {
                continue;
            }
            try {
                if ("Orphan".equals(policy)) {
                    client.resources(kind).inNamespace(namespace).withName(dependent.getMetadata().getName())
                            .edit(d -> {
                                d.getMetadata().getOwnerReferences().removeIf(r -> ownerUid.equals(r.getUid()));
                                return d;
                            });
                } else {
                    client.resources(kind).inNamespace(namespace).withName(dependent.getMetadata().getName())
                            .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
                }
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        }
    }
}
