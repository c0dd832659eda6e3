package io.jenkins.plugins.functions.jenkins.services;

import hudson.model.Run;
import io.jenkins.plugins.functions.jenkins.history.BuildRuns;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.LiveService;
import io.jenkins.plugins.functions.kubernetes.StoppedService;
import io.jenkins.plugins.functions.runtime.RunLabels;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;
import org.kohsuke.stapler.verb.POST;

/**
 * One live service on the services page, joined with the build that started it, and its stop
 * button: {@code POST /function-services/service/<id>/stop}. Immutable.
 */
@ExportedBean(defaultVisibility = 2)
public final class ServiceEntry {

    /** How long a stop waits for the deletion of the Deployment or Model to be accepted. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final LiveService service;
    private final FunctionEngine engine;
    private final Run<?, ?> build;
    private final StopPermission permission;
    private final Function<String, Run<?, ?>> builds;

    ServiceEntry(LiveService service, FunctionEngine engine, Run<?, ?> build, StopPermission permission,
            Function<String, Run<?, ?>> builds) {
        this.service = service;
        this.engine = engine;
        this.build = build;
        this.permission = permission;
        this.builds = builds;
    }

    /** {@code <namespace>.<name>.<run id>}: names the version the page showed, so a stop never hits a newer one. */
    @Exported
    public String getId() {
        return id(service);
    }

    static String id(LiveService s) {
        return s.namespace() + "." + s.name() + "." + s.runId();
    }

    @Exported
    public String getFunction() {
        return service.function();
    }

    @Exported
    public String getVersion() {
        return service.version();
    }

    @Exported
    public String getRuntime() {
        return service.runtime();
    }

    /** {@code serve} or {@code deploy}. */
    @Exported
    public String getAction() {
        return service.action();
    }

    @Exported
    public String getNamespace() {
        return service.namespace();
    }

    /** The workload's name: the Deployment's, or the KubeAI Model's. */
    @Exported
    public String getName() {
        return service.name();
    }

    /** What serves it: {@code Deployment}, or {@code Model} (a KubeAI Model). */
    @Exported
    public String getKind() {
        return service.kind();
    }

    /**
     * The endpoint: a model server's API as its runtime wrote it (the run's {@code url} output,
     * such as {@code http://kubeai.kubeai.svc/openai/v1}), else the Service's in-cluster URL; null
     * for a {@code deploy}.
     */
    @Exported
    public String getUrl() {
        return service.url();
    }

    /**
     * The outputs the runtime wrote on the workload, by key ({@code url}, {@code model},
     * {@code modelUri}, {@code engine}, {@code image}, {@code framework}, {@code features}): the
     * model runtimes' ({@code vllm}, {@code kubeai}, {@code modelserve}); empty for other services.
     */
    @Exported
    public Map<String, String> getOutputs() {
        return service.outputs();
    }

    /** The model name requests use (OpenAI's {@code model}, or the V2 model name); null when not a model. */
    @Exported
    public String getModel() {
        return service.outputs().get("model");
    }

    /** Where the model's weights come from, as the function wrote it; null when not a model. */
    @Exported
    public String getModelUri() {
        return service.outputs().get("modelUri");
    }

    /** The serving engine ({@code vllm}, {@code mlserver}, KubeAI's {@code VLLM}, ...); null when not a model. */
    @Exported
    public String getEngine() {
        return service.outputs().get("engine");
    }

    /** The model server's image ({@code vllm}, {@code modelserve}; KubeAI chooses its own); else null. */
    @Exported
    public String getImage() {
        return service.outputs().get("image");
    }

    /** The outputs shown besides the model fields ({@code framework}, {@code features}, ...), for the page. */
    public Map<String, String> getOtherOutputs() {
        Map<String, String> other = new TreeMap<>(service.outputs());
        other.keySet().removeAll(List.of("url", "model", "modelUri", "engine", "image"));
        return other;
    }

    @Exported
    public int getReplicas() {
        return service.replicas();
    }

    @Exported
    public int getReadyReplicas() {
        return service.readyReplicas();
    }

    /** The run that serves it. */
    @Exported
    public String getRunId() {
        return service.runId();
    }

    /** The id of the build that started it ({@code folder/job#12}), from the workload's annotation. */
    @Exported
    public String getBuildId() {
        return service.annotations().get(RunLabels.JENKINS_BUILD_ID_ANNOTATION);
    }

    /** That build's URL relative to the Jenkins root, from the annotation (also when the build is gone). */
    @Exported
    public String getBuildUrl() {
        return service.annotations().get(RunLabels.JENKINS_BUILD_URL_ANNOTATION);
    }

    /** The build that started it, null when it is gone or the user may not see it. */
    public Run<?, ?> getBuild() {
        return build;
    }

    /** The run's page on its build, null when the build is gone. */
    public String getRunUrl() {
        return build == null ? null : build.getUrl() + "function-run-" + service.runId() + "/";
    }

    /** Whether the current user may stop it (the page shows the button then). */
    @Exported
    public boolean isStoppable() {
        return permission.canStop(build);
    }

    /**
     * Stops the service: POST only, with the permission to abort the builds of the job that
     * started it (administrators when that build is gone). The same path as {@code stopFunction}:
     * {@link FunctionEngine#stopService} deletes the Deployment (its Service goes with it) or the
     * KubeAI Model, and the run that served it moves to STOPPED.
     *
     * @throws IOException when the cluster did not accept the deletion in time
     */
    @POST
    public void doStop() throws IOException {
        permission.checkStop(build);
        List<StoppedService> stopped;
        try {
            stopped = engine.stopService(service.namespace(), service.function())
                    .get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("the cluster did not confirm the stop of " + service.namespace() + "/"
                    + service.name() + " within " + STOP_TIMEOUT.toSeconds() + "s", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException("could not stop " + service.namespace() + "/" + service.name() + ": "
                    + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping " + service.name(), e);
        }
        for (StoppedService s : stopped) {
            String by = s.annotations().get(RunLabels.JENKINS_BUILD_ID_ANNOTATION);
            Run<?, ?> owner = by != null && by.equals(getBuildId()) && build != null ? build : lookUp(by);
            BuildRuns.stop(owner, s.runId(), "Stopped", "stopped on the Function services page");
        }
    }

    private Run<?, ?> lookUp(String buildId) {
        try {
            return buildId == null ? null : builds.apply(buildId);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
