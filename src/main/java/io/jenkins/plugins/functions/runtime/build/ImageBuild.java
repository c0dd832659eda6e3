package io.jenkins.plugins.functions.runtime.build;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What an image build of a run needs beyond the function: where to push, what to build from, and
 * with which builder. Immutable; a {@code build} run's {@link io.jenkins.plugins.functions.runtime.RunRequest}
 * carries it. The registry credential is named by id only: its value is in the request's
 * {@code credentials()}, resolved for this run.
 *
 * @param destination           where the image is pushed
 * @param context               what it is built from
 * @param dockerfile            the Dockerfile's path in the context ({@code Dockerfile} when not given);
 *                              ignored for a context the runtime generates
 * @param buildArgs             {@code --build-arg}s, sorted by name
 * @param registryCredentialsId the id of a username/password credential for the destination
 *                              registry, null to push without credentials
 * @param builderImage          the BuildKit rootless image the build runs in
 */
public record ImageBuild(
        ImageReference destination,
        BuildContext context,
        String dockerfile,
        Map<String, String> buildArgs,
        String registryCredentialsId,
        String builderImage) {

    /**
     * The builder unless the administrator chooses another: BuildKit, rootless, pinned to a
     * release so that builds do not change under a moving tag.
     */
    public static final String DEFAULT_BUILDER_IMAGE = "moby/buildkit:v0.27.0-rootless";
    public static final String DEFAULT_DOCKERFILE = "Dockerfile";

    public ImageBuild {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(context, "context");
        dockerfile = dockerfile == null ? DEFAULT_DOCKERFILE : dockerfile;
        buildArgs = Collections.unmodifiableMap(new TreeMap<>(buildArgs == null ? Map.of() : buildArgs));
        builderImage = builderImage == null || builderImage.isBlank() ? DEFAULT_BUILDER_IMAGE : builderImage;
    }

    /** This build with another builder image (the administrator's choice; null for the default). */
    public ImageBuild withBuilderImage(String image) {
        return new ImageBuild(destination, context, dockerfile, buildArgs, registryCredentialsId, image);
    }
}
