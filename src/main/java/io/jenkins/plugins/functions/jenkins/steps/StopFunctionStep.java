package io.jenkins.plugins.functions.jenkins.steps;

import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.functions.jenkins.Messages;
import hudson.util.FormValidation;
import io.jenkins.plugins.functions.jenkins.forms.FieldChecks;
import io.jenkins.plugins.functions.jenkins.forms.FormChecks;
import io.jenkins.plugins.functions.jenkins.runs.ServiceStop;
import io.jenkins.plugins.functions.spec.Names;
import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * {@code stopFunction}: stops a served or deployed function and removes everything it created
 * (its Deployment, and with it its Service, ConfigMaps and Secrets). The run that served it, on
 * whatever build started it, moves to STOPPED. Stopping what is not running is not an error.
 *
 * <pre>
 * stopFunction name: 'web', namespace: 'team-a'
 * </pre>
 */
public class StopFunctionStep extends Step {

    private final String name;
    private String namespace;

    @DataBoundConstructor
    public StopFunctionStep(String name) {
        this.name = name == null ? null : name.trim();
    }

    public String getName() {
        return name;
    }

    public String getNamespace() {
        return namespace;
    }

    @DataBoundSetter
    public void setNamespace(String namespace) {
        this.namespace = namespace == null || namespace.isBlank() ? null : namespace.trim();
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(this, context);
    }

    @Extension
    @Symbol("stopFunction")
    public static class DescriptorImpl extends StepDescriptor {

        @Override
        public String getFunctionName() {
            return "stopFunction";
        }

        @Override
        public String getDisplayName() {
            return Messages.StopFunctionStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }

        /** What the step stops, for the Pipeline graph and stage views: {@code web (namespace team-a)}. */
        @Override
        public String argumentsToString(Map<String, Object> namedArgs) {
            return StepSummary.ofStop(namedArgs);
        }

        public FormValidation doCheckName(@QueryParameter String value) {
            return FieldChecks.PLAIN.requiredName(value);
        }

        /** Any namespace the connection may delete in: stopping is not limited to the allowed namespaces. */
        public FormValidation doCheckNamespace(@QueryParameter String value) {
            return FormChecks.PLAIN.check(value, v -> Names.dns1123Label(v, "namespace"));
        }
    }

    /**
     * Deletes asynchronously (the deletion is one request per Deployment on the engine's pool),
     * then records the stop on the runs it ended. Stopping is idempotent, so a resumed execution
     * simply stops again.
     *
     * <p>Persisted with the Pipeline program: never rename or move this class.
     */
    public static final class Execution extends StepExecution {

        private static final long serialVersionUID = 1L;

        /** Our own reference: see {@link FunctionStepExecution}. */
        private final StepContext context;
        private final String name;
        private final String namespace;

        Execution(StopFunctionStep step, StepContext context) {
            super(context);
            this.context = context;
            this.name = step.name;
            this.namespace = step.namespace;
        }

        @Override
        public boolean start() throws Exception {
            Run<?, ?> build = context.get(Run.class);
            PrintStream log = context.get(TaskListener.class).getLogger();
            ServiceStop.start("stopFunction", name, namespace, build, log).whenComplete((result, error) -> {
                if (error != null) {
                    context.onFailure(error);
                } else {
                    context.onSuccess(result);
                }
            });
            return false;
        }

        @Override
        public void stop(Throwable cause) {
            context.onFailure(cause);
        }

        @Override
        public void onResume() {
            try {
                start();
            } catch (Exception e) {
                context.onFailure(e);
            }
        }
    }
}
