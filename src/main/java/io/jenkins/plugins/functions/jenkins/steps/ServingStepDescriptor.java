package io.jenkins.plugins.functions.jenkins.steps;

import hudson.util.FormValidation;
import org.kohsuke.stapler.QueryParameter;

/**
 * The descriptor of the steps that start a service ({@code serveFunction}, {@code
 * deployFunction}): the shared checks and those of the serving fields.
 */
public abstract class ServingStepDescriptor extends FunctionStepDescriptor {

    /** Whether the function gets a Service, whose name is the function's (so it starts with a letter). */
    protected abstract boolean withService();

    @Override
    public FormValidation doCheckName(@QueryParameter String value) {
        return withService() ? CHECKS.servedName(value) : CHECKS.name(value);
    }

    public FormValidation doCheckReplicas(@QueryParameter String value) {
        return CHECKS.replicas(value);
    }

    public FormValidation doCheckServiceType(@QueryParameter String value) {
        return CHECKS.serviceType(value);
    }

    public FormValidation doCheckReadyTimeout(@QueryParameter String value) {
        return CHECKS.readyTimeout(value);
    }
}
