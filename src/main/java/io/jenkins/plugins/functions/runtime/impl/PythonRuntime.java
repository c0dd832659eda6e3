package io.jenkins.plugins.functions.runtime.impl;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.PythonFunction;
import io.jenkins.plugins.functions.model.PythonFunction.Files;
import io.jenkins.plugins.functions.model.PythonFunction.Git;
import io.jenkins.plugins.functions.model.PythonFunction.WorkspacePath;
import io.jenkins.plugins.functions.runtime.CredentialEnv;
import io.jenkins.plugins.functions.runtime.FunctionPods;
import io.jenkins.plugins.functions.runtime.FunctionRuntime;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.spec.Fields;
import io.jenkins.plugins.functions.spec.ArtifactFields;
import io.jenkins.plugins.functions.spec.PodFields;
import io.jenkins.plugins.functions.spec.SpecException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code python} runtime: a function is Python source code and a handler in it, run by a
 * small runner shipped with the plugin ({@code python/runner.py} next to this class) in a Python
 * image.
 *
 * <p>Supports {@code job} and {@code serve} ({@link PythonServing}). {@code job}: one Job whose
 * container runs {@code python3 -u /function/runner.py},
 * and one ConfigMap {@code <job name>-code} with the runner and the function's files, mounted
 * read-only at {@code /function}. The Job is the workload; the engine makes it the ConfigMap's
 * owner, so deleting the Job garbage-collects the ConfigMap. Code never reaches the pod through a
 * host path.
 *
 * <p>Pod layout:
 * <ul>
 *   <li>{@code /function/runner.py}: the runner (ConfigMap key {@code runner.py});
 *   <li>{@code /function/code/<path>}: the function's files (key {@code code__<path>} with
 *       {@code /} written {@code __}, mounted with {@code items} giving the real path);
 *   <li>{@code /function-work}: an emptyDir, writable: pip installs the requirements into
 *       {@code deps/}, a git source is cloned into {@code code/}.
 * </ul>
 */
public final class PythonRuntime implements FunctionRuntime {

    public static final String KIND = "python";

    /** Where the ConfigMap is mounted (read-only). */
    public static final String MOUNT_PATH = "/function";
    public static final String RUNNER_KEY = "runner.py";
    public static final String RUNNER_PATH = MOUNT_PATH + "/" + RUNNER_KEY;
    /** The code directory of a function whose files are in the ConfigMap. */
    public static final String CODE_DIR = MOUNT_PATH + "/code";
    /** A writable emptyDir: the installed requirements, a cloned git source. */
    public static final String WORK_PATH = "/function-work";
    public static final String DEPS_DIR = WORK_PATH + "/deps";
    public static final String GIT_CODE_DIR = WORK_PATH + "/code";
    public static final String CODE_VOLUME = "function-code";
    public static final String WORK_VOLUME = "function-work";
    /** The ConfigMap's name is the workload's plus this. */
    public static final String CONFIG_MAP_SUFFIX = "-code";
    public static final List<String> COMMAND = List.of("python3", "-u", RUNNER_PATH);

    public static final String ENV_HANDLER = "FUNCTION_HANDLER";
    public static final String ENV_INIT = "FUNCTION_INIT";
    public static final String ENV_CODE_DIR = "FUNCTION_CODE_DIR";
    public static final String ENV_DEPS_DIR = "FUNCTION_DEPS_DIR";
    public static final String ENV_REQUIREMENTS = "FUNCTION_REQUIREMENTS";
    public static final String ENV_GIT_URL = "FUNCTION_GIT_URL";
    public static final String ENV_GIT_REF = "FUNCTION_GIT_REF";
    public static final String ENV_GIT_PATH = "FUNCTION_GIT_PATH";
    public static final String ENV_PYTHON_VERSION = "FUNCTION_PYTHON_VERSION";

    private static final Set<ActionKind> ACTIONS =
            Collections.unmodifiableSet(EnumSet.of(ActionKind.JOB, ActionKind.SERVE, ActionKind.BUILD));
    private static final String WHAT = "a '" + KIND + "' function";
    private static final String RUNNER_RESOURCE = "python/runner.py";

    /**
     * The runtime as {@link java.util.ServiceLoader} creates it. A {@code gpu} amount becomes the
     * extended resource of the run's profile (see {@link io.jenkins.plugins.functions.runtime.ProfilePods}).
     */
    public PythonRuntime() {
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Set<ActionKind> actions() {
        return ACTIONS;
    }

    @Override
    public List<String> fields() {
        return PythonFunctionParser.FIELDS;
    }

    @Override
    public FunctionSpec validate(FunctionSpec function) throws SpecException {
        PythonFunction python = read(function);
        PythonServing.settings(function);
        return ArtifactFields.canonical(PodFields.canonical(ServiceSettingsParser.canonical(python.toSpec(KIND),
                function), function), function);
    }

    @Override
    public Plan plan(RunRequest request) throws SpecException {
        PythonFunction function = read(request.function());
        if (function.source() instanceof WorkspacePath path) {
            throw new SpecException(Fields.path(PythonFunctionParser.SOURCE, "path"), path.path(), "must be read"
                    + " from the workspace into source.files before a run is planned (the Jenkins step does this);"
                    + " give the code as source.code, source.files or source.git to plan it here");
        }
        switch (request.action()) {
            case JOB:
                return jobPlan(function, request);
            case SERVE:
                return PythonServing.plan(this, function, request);
            case BUILD:
                return PythonImageBuild.plan(function, request);
            default:
                throw RuntimeChecks.unsupported(request, KIND, ACTIONS);
        }
    }

    private static PythonFunction read(FunctionSpec function) throws SpecException {
        RuntimeChecks.requireRuntime(function, KIND);
        return PythonFunctionParser.parse(function, WHAT);
    }

    /** The runner's source, as shipped in the plugin. */
    public static String runner() {
        return RunnerHolder.TEXT;
    }

    // ---- job ----------------------------------------------------------------------------------

    private Plan jobPlan(PythonFunction function, RunRequest request) throws SpecException {
        Map<String, String> labels = PodTemplates.labels(function.labels(), request);
        String configMapName = RunLabels.workloadName(request) + CONFIG_MAP_SUFFIX;
        CredentialEnv env = CredentialEnv.of(function.env(), request, RunLabels.workloadName(request), labels);
        Job job = PodTemplates.job(request, labels,
                podTemplate(function, request, labels, configMapName, "Never", env));
        ConfigMap code = configMap(function, request, labels, configMapName);
        // the Job first: the engine creates the workload, then the objects it owns
        return PodTemplates.plan(request, job, env, code);
    }

    // ---- pieces shared by the actions ---------------------------------------------------------

    /** The runner and the function's files; immutable, as a run's code never changes. */
    static ConfigMap configMap(PythonFunction function, RunRequest request, Map<String, String> labels,
            String name) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put(RUNNER_KEY, runner());
        if (function.source() instanceof Files files) {
            files.files().forEach((path, text) -> data.put(PythonFunctionParser.codeKey(path), text));
        }
        return new ConfigMapBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withNamespace(request.namespace())
                    .withLabels(labels)
                    .withAnnotations(new LinkedHashMap<>(request.annotations()))
                .endMetadata()
                .withImmutable(true)
                .withData(data)
                .build();
    }

    PodTemplateSpec podTemplate(PythonFunction function, RunRequest request, Map<String, String> labels,
            String configMapName, String restartPolicy, CredentialEnv env) throws SpecException {
        PodSpecBuilder pod = new PodSpecBuilder()
                .withRestartPolicy(restartPolicy)
                .withContainers(container(function, request, env))
                .withVolumes(codeVolume(function, configMapName), new VolumeBuilder()
                        .withName(WORK_VOLUME).withNewEmptyDir().endEmptyDir().build());
        if (function.serviceAccount() != null) {
            pod.withServiceAccountName(function.serviceAccount());
        } else {
            // no API token unless the function asks for a service account
            pod.withAutomountServiceAccountToken(false);
        }
        PodTemplateSpec template = new PodTemplateSpecBuilder()
                .withNewMetadata().withLabels(labels).endMetadata()
                .withSpec(pod.build())
                .build();
        return FunctionPods.complete(template, function.resources(), PodFields.read(request.function()), env, request);
    }

    /** The ConfigMap as files: each key at its real path ({@code code__pkg__a.py} at {@code code/pkg/a.py}). */
    private static Volume codeVolume(PythonFunction function, String configMapName) {
        List<KeyToPath> items = new ArrayList<>();
        items.add(new KeyToPath(RUNNER_KEY, null, RUNNER_KEY));
        if (function.source() instanceof Files files) {
            for (String path : files.files().keySet()) {
                items.add(new KeyToPath(PythonFunctionParser.codeKey(path), null, "code/" + path));
            }
        }
        return new VolumeBuilder()
                .withName(CODE_VOLUME)
                .withNewConfigMap().withName(configMapName).withItems(items).endConfigMap()
                .build();
    }

    private Container container(PythonFunction function, RunRequest request, CredentialEnv env)
            throws SpecException {
        ContainerBuilder container = new ContainerBuilder()
                .withName(ContainerRuntime.CONTAINER_NAME)
                .withImage(function.image())
                .withCommand(COMMAND)
                .withEnv(environment(function, request, env))
                .withVolumeMounts(
                        new VolumeMountBuilder().withName(CODE_VOLUME).withMountPath(MOUNT_PATH).withReadOnly(true)
                                .build(),
                        new VolumeMountBuilder().withName(WORK_VOLUME).withMountPath(WORK_PATH).build())
                .withTerminationMessagePath(ContainerRuntime.TERMINATION_MESSAGE_PATH)
                .withTerminationMessagePolicy("File");
        if (function.imagePullPolicy() != null) {
            container.withImagePullPolicy(function.imagePullPolicy().value());
        }
        return container.build();
    }

    /**
     * The engine's variables, the runner's, then the function's (which may use {@code $(VAR)} of
     * any before them).
     */
    private static List<EnvVar> environment(PythonFunction function, RunRequest request, CredentialEnv functionEnv)
            throws SpecException {
        List<EnvVar> env = PodTemplates.engineEnvironment(request);
        env.add(new EnvVar(ENV_HANDLER, function.handler().reference(), null));
        if (function.handler().init() != null) {
            env.add(new EnvVar(ENV_INIT, function.handler().init(), null));
        }
        if (function.source() instanceof Git git) {
            env.add(new EnvVar(ENV_CODE_DIR, GIT_CODE_DIR, null));
            env.add(new EnvVar(ENV_GIT_URL, git.url(), null));
            env.add(new EnvVar(ENV_GIT_REF, git.ref(), null));
            if (git.path() != null) {
                env.add(new EnvVar(ENV_GIT_PATH, git.path(), null));
            }
        } else {
            env.add(new EnvVar(ENV_CODE_DIR, CODE_DIR, null));
        }
        env.add(new EnvVar(ENV_DEPS_DIR, DEPS_DIR, null));
        if (!function.requirements().isEmpty()) {
            env.add(new EnvVar(ENV_REQUIREMENTS, String.join("\n", function.requirements()), null));
        }
        env.add(new EnvVar(ENV_PYTHON_VERSION, function.pythonVersion(), null));
        env.addAll(functionEnv.envVars());
        return env;
    }

    /** Loaded once, on first use. */
    private static final class RunnerHolder {
        static final String TEXT = load();

        private static String load() {
            try (InputStream in = PythonRuntime.class.getResourceAsStream(RUNNER_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the python runner is missing from the plugin: "
                            + PythonRuntime.class.getPackageName().replace('.', '/') + "/" + RUNNER_RESOURCE);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the python runner", e);
            }
        }
    }
}
