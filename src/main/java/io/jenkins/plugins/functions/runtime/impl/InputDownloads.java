package io.jenkins.plugins.functions.runtime.impl;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.jenkins.plugins.functions.model.ArtifactUri;
import io.jenkins.plugins.functions.model.DeclaredFile;
import io.jenkins.plugins.functions.runtime.ArtifactEnv;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.spec.ArtifactFields;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code container} function's inputs that its file gives a {@code path}: one init container
 * ({@value #CONTAINER}, image {@value ModelServeRuntime#S3_IMAGE}, the same pinned AWS CLI the
 * {@code modelserve} runtime downloads models with) copies each from the store into an emptyDir
 * before the function starts, and the function's container sees it at its path (a {@code subPath}
 * mount of that file). The init container gets the store's variables of the run's env, the keys
 * through the run's Secret. Inputs without a path reach the function as URIs only
 * ({@code FUNCTION_INPUT_<NAME>}), for code that reads the store itself.
 */
final class InputDownloads {

    static final String CONTAINER = "download-inputs";
    static final String VOLUME = "function-inputs";
    static final String DIR = "/function-inputs";

    private InputDownloads() {
    }

    /** Adds the init container, its volume and the function's mounts, when an input has a path. */
    static void apply(RunRequest request, PodSpec pod, Container main, List<EnvVar> runEnv) throws SpecException {
        if (request.artifacts() == null) {
            return;
        }
        List<String> commands = new ArrayList<>();
        List<VolumeMount> mounts = new ArrayList<>(main.getVolumeMounts() == null ? List.of() : main.getVolumeMounts());
        for (DeclaredFile input : ArtifactFields.inputs(request.function())) {
            if (input.path() == null) {
                continue;
            }
            ArtifactUri uri = ArtifactUri.parse(request.artifacts().inputs().get(input.name()));
            if (uri == null) {
                throw new SpecException("inputs." + input.name(), request.artifacts().inputs().get(input.name()),
                        ArtifactUri.RULE);
            }
            String local = input.name() + "/" + uri.fileName();
            commands.add("aws s3 cp --no-progress " + quote(uri.toString()) + " " + quote(DIR + "/" + local));
            String at = input.path().startsWith("/") ? input.path()
                    : (main.getWorkingDir() != null ? main.getWorkingDir() : "/") + "/" + input.path();
            mounts.add(new VolumeMountBuilder().withName(VOLUME).withMountPath(at).withSubPath(local)
                    .withReadOnly(true).build());
        }
        if (commands.isEmpty()) {
            return;
        }
        List<EnvVar> env = new ArrayList<>();
        for (EnvVar e : runEnv) {
            if (e.getName().startsWith("AWS_")) {
                env.add(e);
            }
        }
        // The AWS CLI names the bucket in the host unless told otherwise; MinIO wants it in the path.
        String script = "set -e\n"
                + "if [ \"$" + ArtifactEnv.PATH_STYLE + "\" = true ]; then export AWS_CONFIG_FILE=" + DIR
                + "/.aws-config; printf '[default]\\ns3 =\\n  addressing_style = path\\n' > \"$AWS_CONFIG_FILE\"; fi\n"
                + String.join("\n", commands) + "\n";
        env.add(new EnvVar(ArtifactEnv.PATH_STYLE, Boolean.toString(request.artifacts().store().pathStyle()), null));
        Container init = new ContainerBuilder().withName(CONTAINER).withImage(ModelServeRuntime.S3_IMAGE)
                .withCommand("sh", "-c", script).withEnv(env)
                .withVolumeMounts(new VolumeMountBuilder().withName(VOLUME).withMountPath(DIR).build())
                .build();
        List<Container> inits = new ArrayList<>(pod.getInitContainers() == null ? List.of() : pod.getInitContainers());
        inits.add(init);
        pod.setInitContainers(inits);
        List<io.fabric8.kubernetes.api.model.Volume> volumes = new ArrayList<>(pod.getVolumes() == null ? List.of()
                : pod.getVolumes());
        volumes.add(new VolumeBuilder().withName(VOLUME).withNewEmptyDir().endEmptyDir().build());
        pod.setVolumes(volumes);
        main.setVolumeMounts(mounts);
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
