package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.runtime.RunLabels;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ConfigMaps a service's Deployment owns that nothing of it mounts any more. A python
 * function's code reaches its pods in a ConfigMap named after its content, owned by the
 * Deployment, so each roll forward to new code leaves the previous one behind; they would stay
 * until the service is stopped. Once a rollout is available the engine deletes those that
 * neither the Deployment's pod template nor any of its ReplicaSets mounts: Kubernetes keeps the
 * ReplicaSets of the last versions ({@code revisionHistoryLimit}) for {@code kubectl rollout undo},
 * and their code is kept with them.
 *
 * <p>The order of the reads makes it safe against a roll forward under way at the same time: the
 * ConfigMaps are listed first, then the Deployment and its ReplicaSets are read. A roll forward
 * updates the Deployment before it creates its ConfigMap, so every ConfigMap listed whose
 * Deployment update came later is seen mounted by the template read after it.
 */
final class UnmountedConfigMaps {

    private UnmountedConfigMaps() {
    }

    /**
     * Deletes them.
     *
     * @return the names deleted; empty when the Deployment is gone or nothing is left over
     */
    static List<String> delete(KubernetesClient client, String namespace, String deploymentName) {
        String function = RunLabels.labelValue(deploymentName);
        List<ConfigMap> configMaps = client.configMaps().inNamespace(namespace)
                .withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER).withLabel(RunLabels.FUNCTION, function)
                .list().getItems();
        if (configMaps.isEmpty()) {
            return List.of(); // a container function's: one request, nothing else to read
        }
        Deployment deployment = client.apps().deployments().inNamespace(namespace).withName(deploymentName).get();
        if (deployment == null || deployment.getMetadata().getUid() == null) {
            return List.of();
        }
        String uid = deployment.getMetadata().getUid();
        Set<String> mounted = new HashSet<>(mountedBy(deployment.getSpec().getTemplate()));
        for (ReplicaSet replicaSet : client.apps().replicaSets().inNamespace(namespace)
                .withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER).withLabel(RunLabels.FUNCTION, function)
                .list().getItems()) {
            if (ownedBy(replicaSet, uid)) {
                mounted.addAll(mountedBy(replicaSet.getSpec().getTemplate()));
            }
        }
        List<String> deleted = new ArrayList<>();
        for (ConfigMap configMap : configMaps) {
            String name = configMap.getMetadata().getName();
            if (ownedBy(configMap, uid) && !mounted.contains(name)
                    && !client.configMaps().inNamespace(namespace).withName(name).delete().isEmpty()) {
                deleted.add(name);
            }
        }
        return deleted;
    }

    private static boolean ownedBy(HasMetadata object, String uid) {
        List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
        return owners != null && owners.stream().anyMatch(o -> uid.equals(o.getUid()));
    }

    /** Every ConfigMap a pod template refers to: volumes (projected too), env and envFrom. */
    static Set<String> mountedBy(PodTemplateSpec template) {
        Set<String> names = new HashSet<>();
        PodSpec pod = template == null ? null : template.getSpec();
        if (pod == null) {
            return names;
        }
        for (Volume volume : nonNull(pod.getVolumes())) {
            if (volume.getConfigMap() != null) {
                names.add(volume.getConfigMap().getName());
            }
            if (volume.getProjected() != null) {
                for (VolumeProjection source : nonNull(volume.getProjected().getSources())) {
                    if (source.getConfigMap() != null) {
                        names.add(source.getConfigMap().getName());
                    }
                }
            }
        }
        List<Container> containers = new ArrayList<>(nonNull(pod.getContainers()));
        containers.addAll(nonNull(pod.getInitContainers()));
        for (Container container : containers) {
            for (EnvVar env : nonNull(container.getEnv())) {
                if (env.getValueFrom() != null && env.getValueFrom().getConfigMapKeyRef() != null) {
                    names.add(env.getValueFrom().getConfigMapKeyRef().getName());
                }
            }
            for (EnvFromSource from : nonNull(container.getEnvFrom())) {
                if (from.getConfigMapRef() != null) {
                    names.add(from.getConfigMapRef().getName());
                }
            }
        }
        return names;
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
