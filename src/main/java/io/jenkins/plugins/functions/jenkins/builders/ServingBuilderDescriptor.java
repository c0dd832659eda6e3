package io.jenkins.plugins.functions.jenkins.builders;

import hudson.tasks.Builder;
import hudson.util.FormValidation;
import io.jenkins.plugins.functions.runtime.impl.ServiceSettingsParser;
import org.kohsuke.stapler.QueryParameter;

/**
 * The descriptor of the builders that start a service ("Serve function", "Deploy function"):
 * the shared checks, and those of the serving fields as their form writes them (ports separated
 * by commas, replicas as a number).
 */
public abstract class ServingBuilderDescriptor extends FunctionBuilderDescriptor {

    protected ServingBuilderDescriptor(Class<? extends Builder> type) {
        super(type);
    }

    /** Whether the function gets a Service, whose name is the function's (so it starts with a letter). */
    protected abstract boolean withService();

    @Override
    public FormValidation doCheckName(@QueryParameter String value) {
        return withService() ? CHECKS.servedName(value) : CHECKS.name(value);
    }

    public FormValidation doCheckPorts(@QueryParameter String value) {
        return CHECKS.forms().check(value, v -> ServiceSettingsParser.ports(FormFields.ports(v)));
    }

    public FormValidation doCheckReplicas(@QueryParameter String value) {
        return CHECKS.forms().check(value, v -> ServiceSettingsParser.replicas(
                FormFields.integer(caller(), ServiceSettingsParser.REPLICAS, v, 0)));
    }

    public FormValidation doCheckServiceType(@QueryParameter String value) {
        return CHECKS.serviceType(value);
    }
}
