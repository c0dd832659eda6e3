package io.jenkins.plugins.functions.runtime.impl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.model.Resources;
import io.jenkins.plugins.functions.runtime.PodSecurity;
import io.jenkins.plugins.functions.runtime.ProfilePods;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.TraceEnv;
import io.jenkins.plugins.functions.runtime.build.BuildContext;
import io.jenkins.plugins.functions.runtime.build.ImageBuild;
import io.jenkins.plugins.functions.spec.SpecException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code build} action's plan, shared by the runtimes that build images: one Job running
 * BuildKit rootless ({@code buildctl-daemonless.sh}, the dockerfile frontend), which pushes the
 * image and writes {@code {"image": "...@sha256:...", "digest": "sha256:..."}} to its termination
 * message, so the run's outputs are the pushed image. With it, owned by the Job (so deleting the
 * Job garbage-collects them):
 * <ul>
 *   <li>{@code <job>-context}: a ConfigMap holding the packed context ({@code binaryData
 *       context.tar.gz}), for a context that is not a git repository;
 *   <li>{@code <job>-registry}: a {@code kubernetes.io/dockerconfigjson} Secret with the registry
 *       credential, when the build names one; mounted as the builder's docker config.
 * </ul>
 * The Job is created first, then these: a refused Job leaves nothing, and the pod waits for its
 * volumes the few milliseconds they take to appear.
 *
 * <p>The run's profile applies to the build pod as to every other: its pod-level settings
 * ({@link ProfilePods#applyToPod}: node selector, tolerations, priority and runtime class, service
 * account, image pull secrets) and its default resources on the builder container (a build asks
 * for none of its own, and never for GPUs). The service account token stays off: the builder never
 * talks to the Kubernetes API. The builder's pod then carries the narrow security exception of
 * {@link PodSecurity#applyWithBuilderException}, applied last so that nothing undoes it.
 */
public final class ImageBuildPlans {

    public static final String CONTEXT_SUFFIX = "-context";
    public static final String REGISTRY_SUFFIX = "-registry";
    public static final String CONTEXT_KEY = "context.tar.gz";
    public static final String HOME = "/home/user";
    public static final String CONTEXT_MOUNT = HOME + "/.function-context";
    public static final String DOCKER_CONFIG = HOME + "/.function-docker";
    public static final String BUILDKIT_STATE = HOME + "/.local/share/buildkit";
    /** BuildKit rootless without its own process sandbox: what works in an unprivileged pod. */
    public static final String BUILDKITD_FLAGS = "--oci-worker-no-process-sandbox";
    /** For clusters before 1.30, which read AppArmor from this annotation (later ones from the field). */
    public static final String APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"
            + RunLabels.MAIN_CONTAINER;

    static final String DOCKERFILE_RULE = "a relative path in the context such as Dockerfile or docker/Dockerfile.prod:"
            + " letters, digits, '.', '_', '-' and '/' separators, no '..'";
    static final String BUILD_ARG_RULE = "build arguments are NAME: value, with names of letters, digits and '_'"
            + " not starting with a digit";

    private static final Pattern DOCKERFILE = Pattern.compile("[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*");
    private static final Pattern ARG_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCRIPT_RESOURCE = "build/build.sh";

    private ImageBuildPlans() {
    }

    /** The build of a request, or a refusal naming what is missing. */
    public static ImageBuild buildOf(RunRequest request, String runtime) throws SpecException {
        if (request.build() == null) {
            throw new SpecException("action", ActionKind.BUILD.id(), "a '" + runtime + "' build needs a destination"
                    + " image and a context: run it with the buildImage step");
        }
        return request.build();
    }

    /**
     * The build Job and its objects.
     *
     * @param labels  the run's labels (the function's and the engine's)
     * @param context the packed context for a ConfigMap, or null for a git context
     */
    static Plan plan(RunRequest request, ImageBuild build, Map<String, String> labels, BuildContext.Archive context)
            throws SpecException {
        checkDockerfile(build.dockerfile());
        for (Map.Entry<String, String> arg : build.buildArgs().entrySet()) {
            if (!ARG_NAME.matcher(arg.getKey()).matches()) {
                throw new SpecException("buildArgs", arg.getKey(), BUILD_ARG_RULE);
            }
        }
        CredentialValue registry = registryCredential(request, build);
        String jobName = RunLabels.workloadName(request);
        String configMapName = jobName + CONTEXT_SUFFIX;
        String secretName = jobName + REGISTRY_SUFFIX;

        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("BUILDKITD_FLAGS", BUILDKITD_FLAGS, null));
        env.add(new EnvVar("BUILD_DESTINATION", build.destination().name(), null));
        env.add(new EnvVar("BUILD_DOCKERFILE", build.dockerfile(), null));
        List<VolumeMount> mounts = new ArrayList<>();
        List<Volume> volumes = new ArrayList<>();
        mounts.add(new VolumeMountBuilder().withName("buildkit-state").withMountPath(BUILDKIT_STATE).build());
        volumes.add(new VolumeBuilder().withName("buildkit-state").withNewEmptyDir().endEmptyDir().build());
        if (context != null) {
            env.add(new EnvVar("BUILD_CONTEXT_ARCHIVE", CONTEXT_MOUNT + "/" + CONTEXT_KEY, null));
            mounts.add(new VolumeMountBuilder().withName("build-context").withMountPath(CONTEXT_MOUNT)
                    .withReadOnly(true).build());
            volumes.add(new VolumeBuilder().withName("build-context").withNewConfigMap().withName(configMapName)
                    .endConfigMap().build());
        } else if (build.context() instanceof BuildContext.GitRepository git) {
            env.add(new EnvVar("BUILD_GIT_CONTEXT", git.buildKitContext(), null));
        } else {
            throw new IllegalArgumentException("a build needs a packed context or a git repository");
        }
        if (registry != null) {
            env.add(new EnvVar("DOCKER_CONFIG", DOCKER_CONFIG, null));
            mounts.add(new VolumeMountBuilder().withName("registry-config").withMountPath(DOCKER_CONFIG)
                    .withReadOnly(true).build());
            volumes.add(new VolumeBuilder().withName("registry-config").withNewSecret().withSecretName(secretName)
                    .withItems(new KeyToPath(".dockerconfigjson", null, "config.json")).endSecret().build());
        }
        List<String> args = new ArrayList<>();
        for (Map.Entry<String, String> arg : build.buildArgs().entrySet()) {
            args.add("--opt");
            args.add("build-arg:" + arg.getKey() + "=" + arg.getValue());
        }
        List<String> command = new ArrayList<>(List.of("sh", "-c", script(), "build"));
        command.addAll(args);
        Container builder = new ContainerBuilder()
                .withName(RunLabels.MAIN_CONTAINER)
                .withImage(build.builderImage())
                .withCommand(command)
                .withEnv(env)
                .withVolumeMounts(mounts)
                .withTerminationMessagePath(ContainerRuntime.TERMINATION_MESSAGE_PATH)
                .withTerminationMessagePolicy("File")
                // a build sets no resources of its own: the profile's defaults, if any
                .withResources(ProfilePods.requirements(Resources.NONE, request.profile()))
                .build();
        PodSpec pod = new PodSpecBuilder()
                .withRestartPolicy("Never")
                // the builder talks to registries, never to the Kubernetes API
                .withAutomountServiceAccountToken(false)
                .withContainers(builder)
                .withVolumes(volumes)
                .build();
        ProfilePods.applyToPod(pod, request.profile());
        TraceEnv.apply(pod, request); // what FunctionPods.complete does for the other runtimes' pods
        Map<String, String> podAnnotations = new LinkedHashMap<>();
        podAnnotations.put(APPARMOR_ANNOTATION, "unconfined");
        PodTemplateSpec template = new PodTemplateSpecBuilder()
                .withNewMetadata().withLabels(labels).withAnnotations(podAnnotations).endMetadata()
                .withSpec(PodSecurity.applyWithBuilderException(pod, request.podSecurity(), RunLabels.MAIN_CONTAINER))
                .build();
        Job job = PodTemplates.job(request, labels, template);

        List<HasMetadata> objects = new ArrayList<>();
        objects.add(job); // first: the engine makes it the owner of the others
        if (context != null) {
            objects.add(new ConfigMapBuilder()
                    .withNewMetadata().withName(configMapName).withNamespace(request.namespace()).withLabels(labels)
                        .withAnnotations(new LinkedHashMap<>(request.annotations())).endMetadata()
                    .withImmutable(true)
                    .withBinaryData(Map.of(CONTEXT_KEY, Base64.getEncoder().encodeToString(context.tarGz())))
                    .build());
        }
        if (registry != null) {
            objects.add(new SecretBuilder()
                    .withNewMetadata().withName(secretName).withNamespace(request.namespace()).withLabels(labels)
                        .withAnnotations(new LinkedHashMap<>(request.annotations())).endMetadata()
                    .withType("kubernetes.io/dockerconfigjson")
                    .withImmutable(true)
                    .withData(Map.of(".dockerconfigjson", Base64.getEncoder().encodeToString(
                            dockerConfig(build, registry).getBytes(StandardCharsets.UTF_8))))
                    .build());
        }
        return new Plan(request, objects, job);
    }

    /** The registry credential of the build, checked: a user name and password, resolved for this run. */
    private static CredentialValue registryCredential(RunRequest request, ImageBuild build) throws SpecException {
        String id = build.registryCredentialsId();
        if (id == null) {
            return null;
        }
        CredentialValue value = request.credentials().get(id);
        if (value == null) {
            throw new SpecException("registryCredentialsId", id, "the id of a username with password credential"
                    + " (such as a registry robot account) that this job can use");
        }
        if (value.kind() != CredentialValue.Kind.USERNAME_PASSWORD) {
            throw new SpecException("registryCredentialsId", id, "a username with password credential (such as a"
                    + " registry robot account), not " + value.kind().name().toLowerCase(java.util.Locale.ROOT)
                    .replace('_', ' '));
        }
        return value;
    }

    /** A docker config with one registry's login, as BuildKit reads it from {@code $DOCKER_CONFIG/config.json}. */
    static String dockerConfig(ImageBuild build, CredentialValue registry) {
        Map<String, Object> login = new LinkedHashMap<>();
        login.put("username", registry.username());
        login.put("password", registry.secret());
        login.put("auth", Base64.getEncoder().encodeToString(
                (registry.username() + ":" + registry.secret()).getBytes(StandardCharsets.UTF_8)));
        try {
            return JSON.writeValueAsString(Map.of("auths", Map.of(build.destination().authKey(), login)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a docker config", e); // plain strings: cannot happen
        }
    }

    static void checkDockerfile(String dockerfile) throws SpecException {
        if (!DOCKERFILE.matcher(dockerfile).matches() || ("/" + dockerfile + "/").contains("/../")
                || ("/" + dockerfile + "/").contains("/./") || dockerfile.length() > 1024) {
            throw new SpecException("dockerfile", dockerfile, DOCKERFILE_RULE);
        }
    }

    /** The build script shipped with the plugin. */
    public static String script() {
        return ScriptHolder.TEXT;
    }

    private static final class ScriptHolder {
        static final String TEXT = load();

        private static String load() {
            try (InputStream in = ImageBuildPlans.class.getResourceAsStream(SCRIPT_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the build script is missing from the plugin: " + SCRIPT_RESOURCE);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the build script", e);
            }
        }
    }
}
