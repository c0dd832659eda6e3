package io.jenkins.plugins.functions.runtime.impl;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.ContainerFunction;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.Resources;
import io.jenkins.plugins.functions.runtime.FunctionRuntime;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.PodSecurity;
import io.jenkins.plugins.functions.runtime.RunArguments;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.spec.CommonFields;
import io.jenkins.plugins.functions.spec.Names;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code container} runtime: a function is one image, run as it is.
 *
 * <p>Supports {@code job} for now. Each action is one {@code case} in {@link #plan} and one
 * method that builds its objects from the shared pieces ({@link #podTemplate}, {@link #container},
 * {@link #environment}); adding {@code serve} means a Deployment and a Service built around the
 * same pod template, and adding the action to {@link #ACTIONS}.
 */
public final class ContainerRuntime implements FunctionRuntime {

    public static final String KIND = "container";
    /** The extended resource a {@code gpu} amount becomes, unless a profile says otherwise. */
    public static final String DEFAULT_GPU_RESOURCE = "nvidia.com/gpu";
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

    private static final Set<ActionKind> ACTIONS = Collections.unmodifiableSet(EnumSet.of(ActionKind.JOB));
    private static final String WHAT = "a '" + KIND + "' function";

    private final String gpuResource;

    /** The runtime as {@link java.util.ServiceLoader} and Jenkins create it: GPUs are {@value #DEFAULT_GPU_RESOURCE}. */
    public ContainerRuntime() {
        this(DEFAULT_GPU_RESOURCE);
    }

    /**
     * @param gpuResource the extended resource name a {@code gpu} amount becomes, such as
     *                    {@code nvidia.com/gpu} or {@code amd.com/gpu} (a cluster profile's choice)
     */
    public ContainerRuntime(String gpuResource) {
        if (!Names.isLabelKey(gpuResource) || !gpuResource.contains("/")) {
            throw new IllegalArgumentException("not an extended resource name (vendor.example/resource): " + gpuResource);
        }
        this.gpuResource = gpuResource;
    }

    public String gpuResource() {
        return gpuResource;
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
    public FunctionSpec validate(FunctionSpec function) throws SpecException {
        return read(function).toSpec(KIND);
    }

    @Override
    public Plan plan(RunRequest request) throws SpecException {
        ContainerFunction function = read(request.function());
        switch (request.action()) {
            case JOB:
                return jobPlan(function, request);
            default:
                throw new SpecException("action", request.action().id(), "runtime '" + KIND + "' supports "
                        + ACTIONS.stream().map(ActionKind::id).collect(Collectors.joining(", ")));
        }
    }

    private static ContainerFunction read(FunctionSpec function) throws SpecException {
        if (!KIND.equals(function.runtime())) {
            throw new SpecException(CommonFields.RUNTIME, function.runtime(), "must be '" + KIND + "' for this runtime");
        }
        return ContainerFunctionParser.parse(function, WHAT);
    }

    // ---- job ----------------------------------------------------------------------------------

    /** One Job that runs the container once: no retries, the run's timeout as its deadline. */
    private Plan jobPlan(ContainerFunction function, RunRequest request) throws SpecException {
        long timeout = RunArguments.timeoutSeconds(request);
        Map<String, String> labels = labels(function, request);
        Job job = new JobBuilder()
                .withNewMetadata()
                    .withName(RunLabels.workloadName(request))
                    .withNamespace(request.namespace())
                    .withLabels(labels)
                    .withAnnotations(new LinkedHashMap<>(request.annotations()))
                .endMetadata()
                .withNewSpec()
                    // a failed run is reported, never retried behind the build's back
                    .withBackoffLimit(0)
                    .withCompletions(1)
                    .withParallelism(1)
                    .withActiveDeadlineSeconds(timeout)
                    .withTtlSecondsAfterFinished(JOB_TTL_SECONDS)
                    .withTemplate(podTemplate(function, request, labels, "Never"))
                .endSpec()
                .build();
        return new Plan(request, List.<HasMetadata>of(job), job);
    }

    // ---- pieces shared by the actions ---------------------------------------------------------

    /** The function's own labels, then the engine's, which win: the engine finds its objects by them. */
    private static Map<String, String> labels(ContainerFunction function, RunRequest request) {
        Map<String, String> labels = new LinkedHashMap<>(function.labels());
        labels.putAll(RunLabels.of(request));
        return labels;
    }

    private PodTemplateSpec podTemplate(ContainerFunction function, RunRequest request, Map<String, String> labels,
            String restartPolicy) throws SpecException {
        PodSpecBuilder pod = new PodSpecBuilder()
                .withRestartPolicy(restartPolicy)
                .withContainers(container(function, request));
        if (function.serviceAccount() != null) {
            pod.withServiceAccountName(function.serviceAccount());
        } else {
            // no API token unless the function asks for a service account
            pod.withAutomountServiceAccountToken(false);
        }
        return new PodTemplateSpecBuilder()
                .withNewMetadata().withLabels(labels).endMetadata()
                .withSpec(PodSecurity.apply(pod.build(), request.podSecurity()))
                .build();
    }

    private Container container(ContainerFunction function, RunRequest request) throws SpecException {
        ContainerBuilder container = new ContainerBuilder()
                .withName(CONTAINER_NAME)
                .withImage(function.image())
                .withCommand(function.command().isEmpty() ? null : function.command())
                .withArgs(function.args().isEmpty() ? null : function.args())
                .withWorkingDir(function.workingDir())
                .withEnv(environment(function, request))
                .withTerminationMessagePath(TERMINATION_MESSAGE_PATH)
                .withTerminationMessagePolicy("File");
        if (function.imagePullPolicy() != null) {
            container.withImagePullPolicy(function.imagePullPolicy().value());
        }
        if (!function.resources().isEmpty()) {
            container.withResources(resources(function.resources()));
        }
        return container.build();
    }

    /**
     * The engine's variables first, then the function's: Kubernetes expands {@code $(VAR)} only
     * from variables defined earlier, so a function's value may use {@code $(FUNCTION_RUN_ID)}.
     */
    private static List<EnvVar> environment(ContainerFunction function, RunRequest request) throws SpecException {
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar(ENV_NAME, request.function().name(), null));
        env.add(new EnvVar(ENV_VERSION, request.function().version(), null));
        env.add(new EnvVar(ENV_RUN_ID, request.runId(), null));
        env.add(new EnvVar(ENV_PARAMETERS, RunArguments.parametersJson(request), null));
        for (ContainerFunction.Env e : function.env()) {
            env.add(new EnvVarBuilder().withName(e.name()).withValue(e.value()).build());
        }
        return env;
    }

    /** GPUs go to the limits only, under {@link #gpuResource()}. */
    private ResourceRequirements resources(Resources resources) {
        Map<String, Quantity> requests = new LinkedHashMap<>();
        Map<String, Quantity> limits = new LinkedHashMap<>();
        putQuantity(requests, "cpu", resources.requests().cpu());
        putQuantity(requests, "memory", resources.requests().memory());
        putQuantity(limits, "cpu", resources.limits().cpu());
        putQuantity(limits, "memory", resources.limits().memory());
        putQuantity(limits, gpuResource, resources.limits().gpu());
        return new ResourceRequirementsBuilder()
                .withRequests(requests.isEmpty() ? null : requests)
                .withLimits(limits.isEmpty() ? null : limits)
                .build();
    }

    private static void putQuantity(Map<String, Quantity> map, String name, String amount) {
        if (amount != null) {
            map.put(name, new Quantity(amount));
        }
    }
}
