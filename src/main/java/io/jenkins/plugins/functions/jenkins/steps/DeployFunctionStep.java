package io.jenkins.plugins.functions.jenkins.steps;

import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.functions.model.ActionKind;
import java.util.Set;
import org.jenkinsci.Symbol;
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
            return "Deploy a function (Deployment without a Service)";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }

        @Override
        protected boolean withService() {
            return false;
        }
    }
}
