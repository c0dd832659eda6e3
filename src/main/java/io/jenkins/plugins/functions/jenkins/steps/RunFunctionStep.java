package io.jenkins.plugins.functions.jenkins.steps;

import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.functions.jenkins.Messages;
import io.jenkins.plugins.functions.model.ActionKind;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code runFunction}: runs a function once as a Kubernetes Job and returns its result.
 *
 * <pre>
 * def r = runFunction file: 'functions/hello.yaml', parameters: [name: 'Ada']
 * echo "exit ${r.exitCode}: ${r.outputs.greeting}"
 * runFunction name: 'hello', runtime: 'container', image: 'busybox:1.36',
 *             command: ['sh', '-c', 'echo hello'], timeout: '10m'
 * </pre>
 *
 * The function comes from a file in the workspace, from the arguments, or from both (arguments
 * override the file's fields). The step waits asynchronously: no thread waits on the cluster,
 * and after a controller restart it re-attaches to its Job.
 */
public class RunFunctionStep extends FunctionStep {

    @DataBoundConstructor
    public RunFunctionStep() {
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(this, context);
    }

    @Extension
    @Symbol("runFunction")
    public static class DescriptorImpl extends FunctionStepDescriptor {

        @Override
        public String getFunctionName() {
            return "runFunction";
        }

        @Override
        public String getDisplayName() {
            return Messages.RunFunctionStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            // FilePath is optional: only runFunction(file: ...) needs a workspace.
            return Set.of(Run.class, TaskListener.class);
        }

        /**
         * Binds the arguments the step has a setter for and makes every other one a field of the
         * function, so any runtime's fields can be given inline ({@link StepArguments}).
         */
        @Override
        public Step newInstance(Map<String, Object> arguments) throws Exception {
            return StepArguments.bind(new RunFunctionStep(), getFunctionName(), arguments);
        }

        /** What the step ran, for the Pipeline graph and stage views: {@code hello (container job)}. */
        @Override
        public String argumentsToString(Map<String, Object> namedArgs) {
            return StepSummary.of(ActionKind.JOB, namedArgs);
        }
    }

    /**
     * The execution of {@code runFunction}: the shared asynchronous lifecycle, with the job action.
     *
     * <p>Persisted with the Pipeline program: never rename or move this class.
     */
    public static final class Execution extends FunctionStepExecution {

        private static final long serialVersionUID = 1L;

        Execution(RunFunctionStep step, StepContext context) {
            super(step, context, ActionKind.JOB);
        }

        @Override
        protected String stepName() {
            return "runFunction";
        }
    }
}
