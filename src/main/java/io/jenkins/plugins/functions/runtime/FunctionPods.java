package io.jenkins.plugins.functions.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.jenkins.plugins.functions.model.PodOptions;
import io.jenkins.plugins.functions.model.Resources;
import io.jenkins.plugins.functions.spec.SpecException;

/**
 * What every runtime does to the pod template it built, in one call and in the one right order:
 * the credentials' files and digest ({@link CredentialEnv#applyTo}), then the function's volumes
 * ({@link PodVolumes}: checked against the runtime's and the credentials' mounts), then the
 * profile ({@link ProfilePods}: scheduling and resources), then the trace context of the step
 * that asked for the run ({@link TraceEnv}), then the security settings ({@link PodSecurity}:
 * last, so nothing added after it escapes its checks).
 *
 * <pre>{@code
 * CredentialEnv env = CredentialEnv.of(function.env(), request, workloadName, labels);
 * // ... build the template, its main container named RunLabels.MAIN_CONTAINER with env.envVars() ...
 * FunctionPods.complete(template, function.resources(), PodFields.read(request.function()), env, request);
 * // ... plan: the workload, then env.secret() when not null
 * }</pre>
 */
public final class FunctionPods {

    private FunctionPods() {
    }

    /**
     * Completes the pod template in place and returns it.
     *
     * @param resources what the function asks for
     * @param options   the function's profile name and volumes (the profile itself is the request's)
     * @param env       the function's env, with its credentials
     * @throws SpecException when a volume collides with the runtime's, GPUs are asked for without a
     *                       profile that offers them, or the pod breaks the security rules
     */
    public static PodTemplateSpec complete(PodTemplateSpec template, Resources resources, PodOptions options,
            CredentialEnv env, RunRequest request) throws SpecException {
        PodSpec pod = template.getSpec();
        Container main = main(pod);
        env.applyTo(template, main);
        PodVolumes.apply(pod, main, options.volumes());
        ProfilePods.apply(pod, main, resources, request.profile());
        TraceEnv.apply(pod, request);
        PodSecurity.apply(pod, request.podSecurity());
        return template;
    }

    /** The container named {@link RunLabels#MAIN_CONTAINER}, else the first. */
    public static Container main(PodSpec pod) {
        return pod.getContainers().stream().filter(c -> RunLabels.MAIN_CONTAINER.equals(c.getName())).findFirst()
                .orElse(pod.getContainers().get(0));
    }
}
