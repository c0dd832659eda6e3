package io.jenkins.plugins.functions.jenkins.builders;

import io.jenkins.plugins.functions.jenkins.forms.FormContext;
import hudson.model.AbstractProject;
import hudson.model.Item;
import hudson.tasks.BuildStepDescriptor;
import hudson.tasks.Builder;
import hudson.util.FormValidation;
import io.jenkins.plugins.functions.jenkins.forms.ConfiguredChecks;
import io.jenkins.plugins.functions.jenkins.forms.FieldChecks;
import io.jenkins.plugins.functions.jenkins.forms.FormChecks;
import io.jenkins.plugins.functions.runtime.RunArguments;
import io.jenkins.plugins.functions.runtime.impl.ContainerFunctionParser;
import io.jenkins.plugins.functions.spec.Fields;
import java.util.Map;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * The descriptor of the freestyle builders that run a function: the checks of the fields they
 * share, as they are typed. Each is the engine's rule on the field (see {@link FieldChecks}); a
 * value that uses a build variable ({@code ${IMAGE}}) is checked when the build expands it. The
 * namespace and profile checks read the global configuration: they answer to POST only, and only
 * to users who may configure the job.
 */
public abstract class FunctionBuilderDescriptor extends BuildStepDescriptor<Builder> {

    static final FieldChecks CHECKS = FieldChecks.FREESTYLE;
    static final ConfiguredChecks CONFIGURED = ConfiguredChecks.FREESTYLE;

    /** The builder's class: its own fields are not additional fields. */
    private final Class<? extends Builder> type;

    protected FunctionBuilderDescriptor(Class<? extends Builder> type) {
        super(type);
        this.type = type;
    }

    @Override
    public boolean isApplicable(Class<? extends AbstractProject> jobType) {
        return true;
    }

    public FormValidation doCheckName(@QueryParameter String value) {
        return CHECKS.name(value);
    }

    public FormValidation doCheckRuntime(@QueryParameter String value) {
        return CONFIGURED.runtime(value);
    }

    public FormValidation doCheckImage(@QueryParameter String value) {
        return CHECKS.image(value, ContainerFunctionParser.IMAGE);
    }

    /**
     * {@code NAME=value} per line, each name one the engine takes; values may use build variables,
     * and so may a line that is a variable alone (it may expand to lines). A refusal never repeats
     * a value.
     */
    public FormValidation doCheckEnv(@QueryParameter String value) {
        if (value == null || value.isBlank()) {
            return FormValidation.ok();
        }
        StringBuilder checked = new StringBuilder();
        for (String line : value.split("\\R")) {
            if (!(FormChecks.hasVariable(line) && line.indexOf('=') < 0)) {
                checked.append(line).append('\n');
            }
        }
        return FormChecks.PLAIN.check(checked.toString(), v -> {
            Map<String, Object> env = FormFields.environment(caller(), v);
            for (String name : env.keySet()) {
                if (!FormChecks.hasVariable(name)) {
                    ContainerFunctionParser.checkEnvName(name, Fields.path(ContainerFunctionParser.ENV, name));
                }
            }
        });
    }

    /** A YAML mapping of at most 64 KiB as JSON, as the run takes it. */
    public FormValidation doCheckParameters(@QueryParameter String value) {
        if (value != null && FormChecks.hasVariable(value)) {
            return FormValidation.ok(); // YAML whose values the build fills in
        }
        return CHECKS.forms().check(value, v -> RunArguments.parametersJson(
                FormFields.mapping(caller(), RunArguments.PARAMETERS, v)));
    }

    @POST
    public FormValidation doCheckNamespace(@AncestorInPath Item item, @QueryParameter String value) {
        return CONFIGURED.namespace(item, value);
    }

    public FormValidation doCheckTimeout(@QueryParameter String value) {
        return CHECKS.timeout(value);
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

    /** The builder's name in messages: {@code Run function}. */
    protected abstract String caller();

    /**
     * A YAML mapping of the runtime's fields: none may be one this form has a box for, and with a
     * runtime chosen each must be one of its fields (the message names them). YAML whose values
     * use build variables is read when the build runs.
     */
    public FormValidation doCheckAdditionalFields(@QueryParameter String value, @QueryParameter String runtime) {
        if (value != null && FormChecks.hasVariable(value)) {
            return FormValidation.ok();
        }
        return FormChecks.PLAIN.check(value, v -> {
            Map<String, Object> given = AdditionalFields.read(v, type, caller());
            if (given != null && runtime != null && !runtime.isBlank() && !FormChecks.hasVariable(runtime)) {
                FormContext.current().runtimes().checkFieldNames(runtime.trim(), given.keySet());
            }
        });
    }
}
