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
 * Freestyle build step "Run function": runs a function once as a Kubernetes Job, like the
 * Pipeline step {@code runFunction}, and waits for its end.
 */
public class RunFunctionBuilder extends FunctionBuilder {

    static final String NAME = "Run function";

    @DataBoundConstructor
    public RunFunctionBuilder() {
    }

    @Override
    protected ActionKind action() {
        return ActionKind.JOB;
    }

    @Override
    protected String caller() {
        return NAME;
    }

    @Extension
    @Symbol("runFunctionBuilder")
    public static class DescriptorImpl extends FunctionBuilderDescriptor {

        public DescriptorImpl() {
            super(RunFunctionBuilder.class);
        }

        @Override
        public String getDisplayName() {
            return Messages.RunFunctionBuilder_DisplayName();
        }

        @Override
        protected String caller() {
            return NAME;
        }
    }
}
