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
import java.util.function.Function;

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

    /** A kind dependents are looked for in, and its collection path in a namespace. */
    private record DependentKind(Class<? extends HasMetadata> type, String collection) {}

    private static final List<DependentKind> DEPENDENT_KINDS = List.of(
            new DependentKind(Pod.class, "/api/v1/namespaces/%s/pods"),
            new DependentKind(Secret.class, "/api/v1/namespaces/%s/secrets"),
            new DependentKind(ConfigMap.class, "/api/v1/namespaces/%s/configmaps"),
            new DependentKind(Service.class, "/api/v1/namespaces/%s/services"),
            new DependentKind(ServiceAccount.class, "/api/v1/namespaces/%s/serviceaccounts"),
            new DependentKind(PersistentVolumeClaim.class, "/api/v1/namespaces/%s/persistentvolumeclaims"),
            new DependentKind(ReplicaSet.class, "/apis/apps/v1/namespaces/%s/replicasets"),
            new DependentKind(Deployment.class, "/apis/apps/v1/namespaces/%s/deployments"),
            new DependentKind(Job.class, "/apis/batch/v1/namespaces/%s/jobs"));

    private final KubernetesClient client;
    private final ControlLoop loop;
    private final Function<String, JsonNode> store;

    /**
     * @param store reads the API server's store directly (no HTTP): finding dependents means
     *     scanning every kind in the namespace, which would otherwise cost nine requests for each
     *     deleted object
     */
    GarbageCollector(KubernetesClient client, ControlLoop loop, Function<String, JsonNode> store) {
        this.client = client;
        this.loop = loop;
        this.store = store;
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
        for (DependentKind kind : DEPENDENT_KINDS) {
            JsonNode list = store.apply(String.format(kind.collection(), namespace));
            if (list == null) {
                continue;
            }
            for (JsonNode item : list.path("items")) {
                boolean owned = false;
                for (JsonNode ref : item.path("metadata").path("ownerReferences")) {
                    owned |= ownerUid.equals(ref.path("uid").asText());
                }
                if (owned) {
                    handle(kind.type(), namespace, item.path("metadata").path("name").asText(), ownerUid, policy);
                }
            }
        }
    }

    private <T extends HasMetadata> void handle(Class<T> kind, String namespace, String name, String ownerUid,
            String policy) {
        try {
            if ("Orphan".equals(policy)) {
                client.resources(kind).inNamespace(namespace).withName(name).edit(d -> {
                    d.getMetadata().getOwnerReferences().removeIf(r -> ownerUid.equals(r.getUid()));
                    return d;
                });
            } else {
                client.resources(kind).inNamespace(namespace).withName(name)
                        .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
