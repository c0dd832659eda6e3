package io.jenkins.plugins.functions.jenkins.steps;

import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.functions.jenkins.Messages;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.runtime.impl.VllmFunctionParser;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code serveFunction}: starts or updates a function as a service (a Deployment and a Service),
 * waits until its rollout is available, and returns its in-cluster URL.
 *
 * <pre>
 * def svc = serveFunction name: 'web', runtime: 'container', image: "registry.example.com/web:${GIT_COMMIT}",
 *                         ports: [8080], replicas: 2, readinessProbe: [path: '/healthz', port: 8080]
 * echo "serving at ${svc.url}"
 * </pre>
 *
 * The service outlives the build: its run stays RUNNING until {@code stopFunction} stops it.
 * Serving the same function again with a new version rolls its pods forward.
 */
public class ServeFunctionStep extends FunctionStep {

    private List<Object> ports;
    private Integer replicas;
    private String serviceType;
    private Map<String, Object> readinessProbe;
    private Object readyTimeout;
    private String hfTokenCredentialsId;

    @DataBoundConstructor
    public ServeFunctionStep() {
    }

    public List<Object> getPorts() {
        return ports;
    }

    /** The container's ports: {@code [8080]} or {@code [[name: 'http', port: 8080]]}. */
    @DataBoundSetter
    public void setPorts(List<Object> ports) {
        this.ports = ports;
    }

    public Integer getReplicas() {
        return replicas;
    }

    @DataBoundSetter
    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public String getServiceType() {
        return serviceType;
    }

    @DataBoundSetter
    public void setServiceType(String serviceType) {
        this.serviceType = blankToNull(serviceType);
    }

    public Map<String, Object> getReadinessProbe() {
        return readinessProbe;
    }

    /** {@code [path: '/healthz', port: 8080]} (HTTP) or {@code [port: 8080]} (TCP). */
    @DataBoundSetter
    public void setReadinessProbe(Map<String, Object> readinessProbe) {
        this.readinessProbe = readinessProbe;
    }

    public Object getReadyTimeout() {
        return readyTimeout;
    }

    /**
     * How long the step waits for the service to be ready ({@code '45m'}), apart from the run's
     * {@code timeout}: a model may take long to load. Default: the run's {@code timeout}, else
     * ten minutes, or what the pods' startup probes allow when that is longer.
     */
    @DataBoundSetter
    public void setReadyTimeout(Object readyTimeout) {
        this.readyTimeout = readyTimeout;
    }

    public String getHfTokenCredentialsId() {
        return hfTokenCredentialsId;
    }

    /**
     * The id of a secret text credential holding a Hugging Face token (the {@code vllm} runtime's
     * field): a setter of its own only so the Snippet Generator offers the credentials as a
     * drop-down; the step passes it on as the function's field, which a runtime without it refuses.
     */
    @DataBoundSetter
    public void setHfTokenCredentialsId(String hfTokenCredentialsId) {
        this.hfTokenCredentialsId = blankToNull(hfTokenCredentialsId);
    }

    java.time.Duration readyTimeoutDuration() throws io.jenkins.plugins.functions.spec.SpecException {
        return io.jenkins.plugins.functions.model.Durations.parse("readyTimeout", readyTimeout);
    }

    @Override
    Map<String, Object> inlineFields() {
        Map<String, Object> m = super.inlineFields();
        put(m, "ports", ports);
        put(m, "replicas", replicas);
        put(m, "serviceType", serviceType);
        put(m, "readinessProbe", readinessProbe);
        put(m, VllmFunctionParser.HF_TOKEN_CREDENTIALS_ID, hfTokenCredentialsId);
        return m;
    }

    /** The action this step runs: a Deployment and a Service. */
    ActionKind action() {
        return ActionKind.SERVE;
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(this, context);
    }

    @Extension
    @Symbol("serveFunction")
    public static class DescriptorImpl extends ServingStepDescriptor {

        @Override
        public String getFunctionName() {
            return "serveFunction";
        }

        @Override
        public String getDisplayName() {
            return Messages.ServeFunctionStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }

        /**
         * Binds the arguments the step has a setter for and makes every other one a field of the
         * function, so any runtime's fields can be given inline ({@link StepArguments}).
         */
        @Override
        public Step newInstance(Map<String, Object> arguments) throws Exception {
            return StepArguments.bind(new ServeFunctionStep(), getFunctionName(), arguments);
        }

        /** What the step ran, for the Pipeline graph and stage views: {@code web (container serve)}. */
        @Override
        public String argumentsToString(Map<String, Object> namedArgs) {
            return StepSummary.of(ActionKind.SERVE, namedArgs);
        }

        @Override
        protected boolean withService() {
            return true;
        }
    }

    /**
     * The execution of {@code serveFunction} (and {@code deployFunction}): ends when the rollout
     * is available, with the service's URL.
     *
     * <p>Persisted with the Pipeline program: never rename or move this class.
     */
    public static final class Execution extends FunctionStepExecution {

        private static final long serialVersionUID = 1L;

        private final String stepName;
        /** The outputs of model runs the step returns as keys of its own. */
        private static final java.util.List<String> MODEL_OUTPUTS = java.util.List.of("model", "modelUri", "engine",
                "image", "framework", "features");

        Execution(ServeFunctionStep step, StepContext context) {
            super(step, context, step.action());
            this.stepName = step.action() == ActionKind.DEPLOY ? "deployFunction" : "serveFunction";
        }

        @Override
        protected String stepName() {
            return stepName;
        }

        @Override
        protected Map<String, Object> result(RunRecord record, RunOutcome outcome) {
            Map<String, Object> r = super.result(record, outcome);
            r.put("url", outcome.outputs().get("url"));
            r.put("deployment", outcome.outputs().get("deployment"));
            r.put("replicas", outcome.outputs().get("replicas"));
            r.put("readyReplicas", outcome.outputs().get("readyReplicas"));
            // Model servers: the endpoint is the url above; what to ask for and what serves it
            for (String key : MODEL_OUTPUTS) {
                if (outcome.outputs().containsKey(key)) {
                    r.put(key, outcome.outputs().get(key));
                }
            }
            return r;
        }
    }
}
