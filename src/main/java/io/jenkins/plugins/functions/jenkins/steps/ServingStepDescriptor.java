package io.jenkins.plugins.functions.jenkins.steps;

import hudson.model.Item;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.functions.jenkins.forms.ConfiguredChecks;
import io.jenkins.plugins.functions.runtime.impl.VllmFunctionParser;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

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

    /** The Hugging Face tokens the job's builds can use: secret texts. */
    public ListBoxModel doFillHfTokenCredentialsIdItems(@AncestorInPath Item item,
            @QueryParameter String hfTokenCredentialsId) {
        return ConfiguredChecks.credentialItems(item, hfTokenCredentialsId, VllmFunctionParser.HF_TOKEN_KINDS);
    }

    @POST
    public FormValidation doCheckHfTokenCredentialsId(@AncestorInPath Item item, @QueryParameter String value) {
        return CONFIGURED.credential(item, value, VllmFunctionParser.HF_TOKEN_KINDS, VllmFunctionParser.HF_TOKEN_CREDENTIALS_ID,
                VllmFunctionParser.HF_TOKEN_RULE);
    }
}
