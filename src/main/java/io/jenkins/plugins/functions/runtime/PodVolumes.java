package io.jenkins.plugins.functions.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.jenkins.plugins.functions.model.Volume;
import io.jenkins.plugins.functions.spec.Fields;
import io.jenkins.plugins.functions.spec.PodFields;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.ArrayList;
import java.util.List;

/**
 * Adds a function's {@code volumes} to its pod, the same way for every runtime: a runtime calls
 * {@code PodVolumes.apply(podSpec, mainContainer, options.volumes())} once its own volumes and
 * mounts are in place (the python runner's code and work directories, the credentials' files),
 * so that a function can neither take one of their names nor mount over, inside or above one of
 * their paths, nor over the termination message the engine reads outputs from.
 *
 * <p>Only the four sources of {@link Volume.Source} exist: there is no way to ask for a host
 * path, and {@link PodSecurity#apply} refuses one whatever built it.
 */
public final class PodVolumes {

    private PodVolumes() {
    }

    /**
     * Adds the volumes to the pod and their mounts to the main container, in place.
     *
     * @throws SpecException naming {@code volumes[i].name} or {@code volumes[i].mountPath} when a
     *                       volume collides with one the runtime uses
     */
    public static void apply(PodSpec pod, Container main, List<Volume> volumes) throws SpecException {
        if (volumes.isEmpty()) {
            return;
        }
        List<io.fabric8.kubernetes.api.model.Volume> podVolumes = new ArrayList<>(
                pod.getVolumes() == null ? List.of() : pod.getVolumes());
        List<VolumeMount> mounts = new ArrayList<>(main.getVolumeMounts() == null ? List.of() : main.getVolumeMounts());
        List<String> runtimeNames = podVolumes.stream().map(io.fabric8.kubernetes.api.model.Volume::getName).toList();
        List<String> runtimePaths = new ArrayList<>(mounts.stream().map(VolumeMount::getMountPath).toList());
        if (main.getTerminationMessagePath() != null) {
            runtimePaths.add(main.getTerminationMessagePath());
        }
        for (int i = 0; i < volumes.size(); i++) {
            Volume v = volumes.get(i);
            String field = Fields.index(PodFields.VOLUMES, i);
            if (runtimeNames.contains(v.name())) {
                throw new SpecException(field + ".name", v.name(), "must not be the name of a volume the runtime"
                        + " itself uses (" + String.join(", ", runtimeNames) + ")");
            }
            String path = PodFields.normalize(v.mountPath());
            for (String used : runtimePaths) {
                String own = PodFields.normalize(used);
                if (path.equals(own) || path.startsWith(own + "/") || own.startsWith(path + "/")) {
                    throw new SpecException(field + ".mountPath", v.mountPath(), "must not be the same as, inside or"
                            + " above a path the runtime itself uses (" + String.join(", ", runtimePaths) + ")");
                }
            }
            podVolumes.add(podVolume(v));
            mounts.add(new VolumeMountBuilder().withName(v.name()).withMountPath(v.mountPath())
                    .withReadOnly(v.readOnly() ? Boolean.TRUE : null).withSubPath(v.subPath()).build());
        }
        pod.setVolumes(podVolumes);
        main.setVolumeMounts(mounts);
    }

    private static io.fabric8.kubernetes.api.model.Volume podVolume(Volume v) {
        VolumeBuilder b = new VolumeBuilder().withName(v.name());
        Volume.Source source = v.source();
        if (source instanceof Volume.PersistentVolumeClaim pvc) {
            b.withNewPersistentVolumeClaim().withClaimName(pvc.claimName()).withReadOnly(v.readOnly() ? true : null)
                    .endPersistentVolumeClaim();
        } else if (source instanceof Volume.EmptyDir dir) {
            b.withNewEmptyDir().withMedium(dir.medium())
                    .withSizeLimit(dir.sizeLimit() == null ? null : new Quantity(dir.sizeLimit())).endEmptyDir();
        } else if (source instanceof Volume.ConfigMap cm) {
            List<KeyToPath> items = cm.items().stream().map(i -> new KeyToPath(i.key(), null, i.path())).toList();
            b.withNewConfigMap().withName(cm.name()).withItems(items.isEmpty() ? null : items).endConfigMap();
        } else if (source instanceof Volume.Secret secret) {
            b.withNewSecret().withSecretName(secret.secretName()).endSecret();
        }
        return b.build();
    }
}
