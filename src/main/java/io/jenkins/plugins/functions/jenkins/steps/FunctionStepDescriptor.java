package io.jenkins.plugins.functions.jenkins.steps;

import hudson.model.Item;
import hudson.util.FormValidation;
import io.jenkins.plugins.functions.jenkins.forms.ConfiguredChecks;
import io.jenkins.plugins.functions.jenkins.forms.FieldChecks;
import io.jenkins.plugins.functions.runtime.impl.ContainerFunctionParser;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * The descriptor of the function steps: the checks of their form (the Snippet Generator's), as
 * the fields are typed, each the engine's rule on the field ({@link FieldChecks}). The namespace
 * and profile checks read the global configuration: they answer to POST only, and only to users
 * who may configure the job the Snippet Generator belongs to.
 */
public abstract class FunctionStepDescriptor extends StepDescriptor {

    static final FieldChecks CHECKS = FieldChecks.PLAIN;
    static final ConfiguredChecks CONFIGURED = ConfiguredChecks.PLAIN;

    public FormValidation doCheckName(@QueryParameter String value) {
        return CHECKS.name(value);
    }

    public FormValidation doCheckRuntime(@QueryParameter String value) {
        return CONFIGURED.runtime(value);
    }

    public FormValidation doCheckImage(@QueryParameter String value) {
        return CHECKS.image(value, ContainerFunctionParser.IMAGE);
    }

    @POST
    public FormValidation doCheckNamespace(@AncestorInPath Item item, @QueryParameter String value) {
        return CONFIGURED.namespace(item, value);
    }

    public FormValidation doCheckTimeout(@QueryParameter String value) {
        return CHECKS.timeout(value);
    }

    public FormValidation doCheckHandler(@QueryParameter String value) {
        return CHECKS.handler(value);
    }

    public FormValidation doCheckPythonVersion(@QueryParameter String value) {
        return CHECKS.pythonVersion(value);
    }

    public FormValidation doCheckWorkingDir(@QueryParameter String value) {
        return CHECKS.workingDir(value);
    }

    public FormValidation doCheckImagePullPolicy(@QueryParameter String value) {
        return CHECKS.imagePullPolicy(value);
    }

    public FormValidation doCheckServiceAccount(@QueryParameter String value) {
        return CHECKS.serviceAccount(value);
    }

    @POST
    public FormValidation doCheckProfile(@AncestorInPath Item item, @QueryParameter String value) {
        return CONFIGURED.profile(item, value);
    }
}
