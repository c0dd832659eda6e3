package io.jenkins.plugins.functions.runtime.impl;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.jenkins.plugins.functions.runtime.CredentialEnv;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunArguments;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pieces of workloads shared by the runtimes of this package ({@code container}, {@code python}),
 * so that every runtime labels, sizes and runs its Jobs the same way.
 */
final class PodTemplates {

    private PodTemplates() {
    }

    /** The function's own labels, then the engine's, which win: the engine finds its objects by them. */
    static Map<String, String> labels(Map<String, String> own, RunRequest request) {
        Map<String, String> labels = new LinkedHashMap<>(own);
        labels.putAll(RunLabels.of(request));
        return labels;
    }

    /**
     * One Job that runs its pod once: no retries, the run's timeout as its deadline, removed a day
     * after it finished if the engine never deletes it.
     */
    static Job job(RunRequest request, Map<String, String> labels, PodTemplateSpec template) throws SpecException {
        long timeout = RunArguments.timeoutSeconds(request);
        return new JobBuilder()
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
                    .withTtlSecondsAfterFinished(ContainerRuntime.JOB_TTL_SECONDS)
                    .withTemplate(template)
                .endSpec()
                .build();
    }

    /** The variables the engine sets in every function's environment, before the function's own. */
    static List<EnvVar> engineEnvironment(RunRequest request) throws SpecException {
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar(ContainerRuntime.ENV_NAME, request.function().name(), null));
        env.add(new EnvVar(ContainerRuntime.ENV_VERSION, request.function().version(), null));
        env.add(new EnvVar(ContainerRuntime.ENV_RUN_ID, request.runId(), null));
        env.add(new EnvVar(ContainerRuntime.ENV_PARAMETERS, RunArguments.parametersJson(request), null));
        return env;
    }

    /**
     * A plan: the workload first, then the run's credentials Secret (when the function uses
     * credentials), then the other objects. The engine creates the workload first and makes it
     * the owner of the rest (see {@link CredentialEnv} for why that order never leaks a Secret).
     */
    static Plan plan(RunRequest request, HasMetadata workload, CredentialEnv env, HasMetadata... others) {
        List<HasMetadata> objects = new ArrayList<>();
        objects.add(workload);
        if (env.secret() != null) {
            objects.add(env.secret());
        }
        objects.addAll(List.of(others));
        return new Plan(request, objects, workload);
    }
}
