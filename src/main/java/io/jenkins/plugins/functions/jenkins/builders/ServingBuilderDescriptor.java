package io.jenkins.plugins.functions.jenkins.builders;

import hudson.model.Item;
import hudson.tasks.Builder;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.functions.jenkins.forms.ConfiguredChecks;
import io.jenkins.plugins.functions.runtime.impl.ServiceSettingsParser;
import io.jenkins.plugins.functions.runtime.impl.VllmFunctionParser;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

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
