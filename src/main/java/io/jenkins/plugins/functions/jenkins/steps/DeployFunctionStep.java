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
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code deployFunction}: like {@code serveFunction}, a Deployment that outlives the build and
 * rolls forward with new versions, but without a Service (workers, consumers, agents).
 */
public class DeployFunctionStep extends ServeFunctionStep {

    @DataBoundConstructor
    public DeployFunctionStep() {
    }

    @Override
    ActionKind action() {
        return ActionKind.DEPLOY;
    }

    @Extension
    @Symbol("deployFunction")
    public static class DescriptorImpl extends ServingStepDescriptor {

        @Override
        public String getFunctionName() {
            return "deployFunction";
        }

        @Override
        public String getDisplayName() {
            return Messages.DeployFunctionStep_DisplayName();
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
            return StepArguments.bind(new DeployFunctionStep(), getFunctionName(), arguments);
        }

        /** What the step ran, for the Pipeline graph and stage views: {@code worker (container deploy)}. */
        @Override
        public String argumentsToString(Map<String, Object> namedArgs) {
            return StepSummary.of(ActionKind.DEPLOY, namedArgs);
        }

        @Override
        protected boolean withService() {
            return false;
        }
    }
}
