package io.jenkins.plugins.functions.runtime.impl;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.ContainerFunction;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.ServiceSettings;
import io.jenkins.plugins.functions.runtime.CredentialEnv;
import io.jenkins.plugins.functions.runtime.FunctionPods;
import io.jenkins.plugins.functions.runtime.FunctionRuntime;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.build.BuildContext;
import io.jenkins.plugins.functions.runtime.build.ImageBuild;
import io.jenkins.plugins.functions.runtime.build.ImageReference;
import io.jenkins.plugins.functions.spec.ArtifactFields;
import io.jenkins.plugins.functions.spec.PodFields;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code container} runtime: a function is one image, run as it is.
 *
 * <p>Supports {@code job}, {@code serve}, {@code deploy} and {@code build} (the image, from a
 * Dockerfile, with BuildKit: {@link ImageBuildPlans}). Each action is one {@code case} in {@link #plan} and one
 * method that builds its objects from the shared pieces ({@link #podTemplate}, {@link #container},
 * {@link #environment}); adding {@code serve} means a Deployment and a Service built around the
 * same pod template, and adding the action to {@link #ACTIONS}.
 */
public final class ContainerRuntime implements FunctionRuntime {

    public static final String KIND = "container";
    /** The name of the function's container in every pod. */
    public static final String CONTAINER_NAME = "function";
    /**
     * A safety net: the engine deletes a Job itself once it has read the outcome; this TTL removes
     * it (and its pods) a day later if Jenkins never comes back to do so.
     */
    public static final int JOB_TTL_SECONDS = 86_400;
    /** Where a function writes its outputs (a small JSON object), read back after the run. */
    public static final String TERMINATION_MESSAGE_PATH = "/dev/termination-log";

    public static final String ENV_NAME = "FUNCTION_NAME";
    public static final String ENV_VERSION = "FUNCTION_VERSION";
    public static final String ENV_RUN_ID = "FUNCTION_RUN_ID";
    public static final String ENV_PARAMETERS = "FUNCTION_PARAMETERS";

    private static final Set<ActionKind> ACTIONS =
            Collections.unmodifiableSet(EnumSet.of(ActionKind.JOB, ActionKind.SERVE, ActionKind.DEPLOY, ActionKind.BUILD));
    private static final String WHAT = "a '" + KIND + "' function";

    /**
     * The runtime as {@link java.util.ServiceLoader} and Jenkins create it. A {@code gpu} amount
     * becomes the extended resource of the run's profile
     * ({@link io.jenkins.plugins.functions.runtime.ProfilePods}): there is no default.
     */
    public ContainerRuntime() {
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
        return ContainerFunctionParser.FIELDS;
    }

    @Override
    public FunctionSpec validate(FunctionSpec function) throws SpecException {
        return ArtifactFields.canonical(PodFields.canonical(ServiceSettingsParser.canonical(read(function).toSpec(KIND),
                function), function), function);
    }

    @Override
    public Plan plan(RunRequest request) throws SpecException {
        ContainerFunction function = read(request.function());
        switch (request.action()) {
            case JOB:
                return jobPlan(function, request);
            case SERVE:
                return servicePlan(function, request, true);
            case DEPLOY:
                return servicePlan(function, request, false);
            case BUILD:
                return buildPlan(function, request);
            default:
                throw RuntimeChecks.unsupported(request, KIND, ACTIONS);
        }
    }

    private static ContainerFunction read(FunctionSpec function) throws SpecException {
        RuntimeChecks.requireRuntime(function, KIND);
        return ContainerFunctionParser.parse(function, WHAT);
    }

    // ---- job ----------------------------------------------------------------------------------

    /** One Job that runs the container once: no retries, the run's timeout as its deadline. */
    private Plan jobPlan(ContainerFunction function, RunRequest request) throws SpecException {
        Map<String, String> labels = PodTemplates.labels(function.labels(), request);
        CredentialEnv env = CredentialEnv.of(function.env(), request, RunLabels.workloadName(request), labels);
        Job job = PodTemplates.job(request, labels, podTemplate(function, request, labels, "Never", null, env));
        return PodTemplates.plan(request, job, env);
    }

    // ---- build --------------------------------------------------------------------------------

    /**
     * Builds the function's image from a Dockerfile: the context is a packed folder or a git
     * repository; the function's {@code image} is where it is pushed (see {@link ImageBuildPlans}).
     */
    private Plan buildPlan(ContainerFunction function, RunRequest request) throws SpecException {
        ImageBuild build = ImageBuildPlans.buildOf(request, KIND);
        if (!build.destination().name().equals(ImageReference.parse(ContainerFunctionParser.IMAGE,
                function.image()).name())) {
            throw new SpecException(ContainerFunctionParser.IMAGE, function.image(), "the image the build pushes ("
                    + build.destination().name() + "): a container function's build pushes its own image");
        }
        Map<String, String> labels = PodTemplates.labels(function.labels(), request);
        if (build.context() instanceof BuildContext.FromFunction) {
            throw new SpecException("context", build.context().describe(), "a workspace folder or a git repository:"
                    + " a '" + KIND + "' function is built from a Dockerfile");
        }
        return ImageBuildPlans.plan(request, build, labels,
                build.context() instanceof BuildContext.Archive archive ? archive : null);
    }

    // ---- serve and deploy ---------------------------------------------------------------------

    /**
     * A Deployment named after the function (serving it again updates it in place, which rolls
     * its pods forward) and, for {@code serve}, a Service of the same name in front of it. The
     * selector names only the function and the action: it cannot change once the Deployment
     * exists, and must not pick a job's pods of the same function.
     */
    private Plan servicePlan(ContainerFunction function, RunRequest request, boolean withService) throws SpecException {
        ServiceSettings settings = ServiceSettingsParser.parse(request.function());
        String name = function.name();
        if (withService) {
            ServiceSettingsParser.checkServiceName(name);
            if (settings.ports().isEmpty()) {
                throw new SpecException(ServiceSettingsParser.PORTS, null,
                        "a served function needs at least one port, such as ports: [8080]");
            }
        }
        Map<String, String> labels = PodTemplates.labels(function.labels(), request);
        Map<String, String> selector = ServiceObjects.selector(name, request);
        ObjectMeta metadata = ServiceObjects.metadata(name, request, labels);
        CredentialEnv env = CredentialEnv.of(function.env(), request, name, labels);
        Deployment deployment = ServiceObjects.deployment(metadata, selector, settings.replicas(),
                podTemplate(function, request, labels, "Always", settings, env));
        if (!withService) {
            return PodTemplates.plan(request, deployment, env);
        }
        Service service = ServiceObjects.service(metadata, selector, settings, settings.ports());
        return PodTemplates.plan(request, deployment, env, service);
    }

    /** The readiness probe: the function's, else a TCP check of its first port, else none. */
    private static Probe readiness(ServiceSettings settings) {
        ServiceSettings.Probe p = settings.readinessProbe();
        if (p == null) {
            if (settings.ports().isEmpty()) {
                return null;
            }
            return new ProbeBuilder().withNewTcpSocket().withPort(new IntOrString(settings.ports().get(0).port()))
                    .endTcpSocket().withPeriodSeconds(5).build();
        }
        ProbeBuilder probe = new ProbeBuilder().withInitialDelaySeconds(p.initialDelaySeconds())
                .withPeriodSeconds(p.periodSeconds()).withFailureThreshold(p.failureThreshold());
        if (p.path() != null) {
            probe.withNewHttpGet().withPath(p.path()).withPort(new IntOrString(p.port())).endHttpGet();
        } else {
            probe.withNewTcpSocket().withPort(new IntOrString(p.port())).endTcpSocket();
        }
        return probe.build();
    }

    // ---- pieces shared by the actions ---------------------------------------------------------

    private PodTemplateSpec podTemplate(ContainerFunction function, RunRequest request, Map<String, String> labels,
            String restartPolicy, ServiceSettings settings, CredentialEnv env) throws SpecException {
        Container main = container(function, request, env);
        if (settings != null) {
            main.setPorts(ServiceObjects.containerPorts(settings.ports()));
            main.setReadinessProbe(readiness(settings));
        }
        PodSpecBuilder pod = new PodSpecBuilder()
                .withRestartPolicy(restartPolicy)
                .withContainers(main);
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
        InputDownloads.apply(request, template.getSpec(), template.getSpec().getContainers().get(0), env.envVars());
        return FunctionPods.complete(template, function.resources(), PodFields.read(request.function()), env, request);
    }

    private Container container(ContainerFunction function, RunRequest request, CredentialEnv env)
            throws SpecException {
        ContainerBuilder container = new ContainerBuilder()
                .withName(CONTAINER_NAME)
                .withImage(function.image())
                .withCommand(function.command().isEmpty() ? null : function.command())
                .withArgs(function.args().isEmpty() ? null : function.args())
                .withWorkingDir(function.workingDir())
                .withEnv(environment(request, env))
                .withTerminationMessagePath(TERMINATION_MESSAGE_PATH)
                .withTerminationMessagePolicy("File");
        if (function.imagePullPolicy() != null) {
            container.withImagePullPolicy(function.imagePullPolicy().value());
        }
        return container.build();
    }

    /**
     * The engine's variables first, then the function's: Kubernetes expands {@code $(VAR)} only
     * from variables defined earlier, so a function's value may use {@code $(FUNCTION_RUN_ID)}.
     */
    private static List<EnvVar> environment(RunRequest request, CredentialEnv functionEnv) throws SpecException {
        List<EnvVar> env = PodTemplates.engineEnvironment(request);
        env.addAll(functionEnv.envVars());
        return env;
    }
}
