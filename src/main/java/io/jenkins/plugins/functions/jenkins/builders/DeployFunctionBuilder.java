package io.jenkins.plugins.functions.jenkins.builders;

import hudson.Extension;
import hudson.model.AbstractProject;
import hudson.tasks.BuildStepDescriptor;
import hudson.tasks.Builder;
import io.jenkins.plugins.functions.jenkins.Messages;
import io.jenkins.plugins.functions.model.ActionKind;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * Freestyle build step "Deploy function": like "Serve function", a Deployment that outlives the
 * build and rolls forward with new versions, but without a Service (workers, consumers), like the
 * Pipeline step {@code deployFunction}. Its form has no service type.
 */
public class DeployFunctionBuilder extends ServeFunctionBuilder {

    static final String NAME = "Deploy function";

    @DataBoundConstructor
    public DeployFunctionBuilder() {
    }

    @Override
    protected ActionKind action() {
        return ActionKind.DEPLOY;
    }

    @Override
    protected String caller() {
        return NAME;
    }

    @Extension
    @Symbol("deployFunctionBuilder")
    public static class DescriptorImpl extends ServingBuilderDescriptor {

        public DescriptorImpl() {
            super(DeployFunctionBuilder.class);
        }

        @Override
        public String getDisplayName() {
            return Messages.DeployFunctionBuilder_DisplayName();
        }

        @Override
        protected String caller() {
            return NAME;
        }

        @Override
        protected boolean withService() {
            return false;
        }
    }
}
