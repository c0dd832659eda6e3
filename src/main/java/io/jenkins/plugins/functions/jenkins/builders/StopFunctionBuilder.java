package io.jenkins.plugins.functions.jenkins.builders;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.AbstractProject;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.tasks.BuildStepDescriptor;
import hudson.tasks.BuildStepMonitor;
import hudson.tasks.Builder;
import io.jenkins.plugins.functions.jenkins.Messages;
import hudson.util.FormValidation;
import io.jenkins.plugins.functions.jenkins.forms.FieldChecks;
import io.jenkins.plugins.functions.jenkins.forms.FormChecks;
import io.jenkins.plugins.functions.jenkins.runs.ServiceStop;
import io.jenkins.plugins.functions.spec.Names;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import jenkins.tasks.SimpleBuildStep;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * Freestyle build step "Stop function": stops a served or deployed function, like the Pipeline
 * step {@code stopFunction}: its Deployment (and Service) are deleted and the run that served
 * it, on whatever build, moves to STOPPED. Stopping what is not running is not an error.
 *
 * <p>Persisted in the job's {@code config.xml}: never rename its fields.
 */
public class StopFunctionBuilder extends Builder implements SimpleBuildStep {

    static final String NAME = "Stop function";

    private final String name;
    private String namespace;

    @DataBoundConstructor
    public StopFunctionBuilder(String name) {
        this.name = FormFields.blankToNull(name);
    }

    public String getName() {
        return name;
    }

    public String getNamespace() {
        return namespace;
    }

    @DataBoundSetter
    public void setNamespace(String namespace) {
        this.namespace = FormFields.blankToNull(namespace);
    }

    /**
     * Deletes on the engine's pool and waits for it on the build's executor thread. Aborting
     * the build does not cancel a deletion already sent.
     */
    @Override
    public void perform(Run<?, ?> build, FilePath workspace, EnvVars environment, Launcher launcher,
                        TaskListener listener) throws InterruptedException, IOException {
        String n = name == null ? null : FormFields.blankToNull(environment.expand(name));
        String ns = namespace == null ? null : FormFields.blankToNull(environment.expand(namespace));
        try {
            List<Map<String, Object>> stopped = ServiceStop.start(NAME, n, ns, build, listener.getLogger()).get();
            if (!stopped.isEmpty()) {
                Map<String, Object> first = stopped.get(0);
                build.addAction(new FunctionResultEnvironment(Map.of(
                        FunctionResultEnvironment.PREFIX + "STOPPED", String.valueOf(first.get("name")),
                        FunctionResultEnvironment.PREFIX + "STOPPED_RUN_ID", String.valueOf(first.get("runId")))));
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof AbortException a ? a : new AbortException(NAME + ": " + cause);
        }
    }

    /** Without a workspace (Jenkins calls this form when there is none). */
    @Override
    public void perform(Run<?, ?> build, EnvVars environment, TaskListener listener)
            throws InterruptedException, IOException {
        perform(build, null, environment, null, listener);
    }

    /** Stopping is one request on the engine's pool; nothing to coordinate with other builds. */
    @Override
    public BuildStepMonitor getRequiredMonitorService() {
        return BuildStepMonitor.NONE;
    }

    /** It acts on the cluster, not on files: a build without a workspace may stop a service too. */
    @Override
    public boolean requiresWorkspace() {
        return false;
    }

    @Extension
    @Symbol("stopFunctionBuilder")
    public static class DescriptorImpl extends BuildStepDescriptor<Builder> {

        public DescriptorImpl() {
            super(StopFunctionBuilder.class);
        }

        @Override
        public boolean isApplicable(Class<? extends AbstractProject> jobType) {
            return true;
        }

        @Override
        public String getDisplayName() {
            return Messages.StopFunctionBuilder_DisplayName();
        }

        public FormValidation doCheckName(@QueryParameter String value) {
            return FieldChecks.FREESTYLE.requiredName(value);
        }

        /** Any namespace the connection may delete in: stopping is not limited to the allowed namespaces. */
        public FormValidation doCheckNamespace(@QueryParameter String value) {
            return FormChecks.FREESTYLE.check(value, v -> Names.dns1123Label(v, "namespace"));
        }
    }
}
