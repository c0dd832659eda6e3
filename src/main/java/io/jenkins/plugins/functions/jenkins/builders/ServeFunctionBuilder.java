package io.jenkins.plugins.functions.jenkins.builders;

import hudson.Extension;
import hudson.model.AbstractProject;
import hudson.tasks.BuildStepDescriptor;
import hudson.tasks.Builder;
import io.jenkins.plugins.functions.jenkins.Messages;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.runtime.impl.VllmFunctionParser;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * Freestyle build step "Serve function": starts or updates a function as a Deployment with a
 * Service, like the Pipeline step {@code serveFunction}, waits until its rollout is available,
 * and gives its URL to later build steps ({@code FUNCTION_URL}). The service outlives the build.
 */
public class ServeFunctionBuilder extends FunctionBuilder {

    static final String NAME = "Serve function";

    private String ports;
    private String replicas;
    private String serviceType;
    private String hfTokenCredentialsId;

    @DataBoundConstructor
    public ServeFunctionBuilder() {
    }

    @Override
    protected ActionKind action() {
        return ActionKind.SERVE;
    }

    @Override
    protected String caller() {
        return NAME;
    }

    @Override
    protected void addFields(Map<String, Object> fields, UnaryOperator<String> expand) throws SpecException {
        List<Object> p = FormFields.ports(expand.apply(ports));
        if (p != null) {
            fields.put("ports", p);
        }
        Integer n = FormFields.integer(caller(), "replicas", expand.apply(replicas), 0);
        if (n != null) {
            fields.put("replicas", n);
        }
        String type = expand.apply(serviceType);
        if (type != null) {
            fields.put("serviceType", type);
        }
        String token = expand.apply(hfTokenCredentialsId);
        if (token != null) {
            fields.put(VllmFunctionParser.HF_TOKEN_CREDENTIALS_ID, token);
        }
    }

    @Override
    protected void addResult(Map<String, String> variables, RunRecord record, RunOutcome outcome) {
        Map<String, Object> out = outcome.outputs();
        FunctionResultEnvironment.put(variables, "URL", text(out.get("url")));
        FunctionResultEnvironment.put(variables, "DEPLOYMENT", text(out.get("deployment")));
        FunctionResultEnvironment.put(variables, "REPLICAS", text(out.get("replicas")));
        FunctionResultEnvironment.put(variables, "READY_REPLICAS", text(out.get("readyReplicas")));
    }

    private static String text(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    public String getPorts() {
        return ports;
    }

    /** The container's ports, separated by commas: {@code 8080}, or named {@code http:8080}. */
    @DataBoundSetter
    public void setPorts(String ports) {
        this.ports = FormFields.blankToNull(ports);
    }

    public String getReplicas() {
        return replicas;
    }

    /** How many pods serve it; a number, or a variable such as {@code ${REPLICAS}}. */
    @DataBoundSetter
    public void setReplicas(String replicas) {
        this.replicas = FormFields.blankToNull(replicas);
    }

    public String getServiceType() {
        return serviceType;
    }

    @DataBoundSetter
    public void setServiceType(String serviceType) {
        this.serviceType = FormFields.blankToNull(serviceType);
    }

    public String getHfTokenCredentialsId() {
        return hfTokenCredentialsId;
    }

    /**
     * The id of a secret text credential holding a Hugging Face token, for a gated or private model
     * (the {@code vllm} runtime's {@code hfTokenCredentialsId}); a runtime without it refuses it.
     */
    @DataBoundSetter
    public void setHfTokenCredentialsId(String hfTokenCredentialsId) {
        this.hfTokenCredentialsId = FormFields.blankToNull(hfTokenCredentialsId);
    }

    @Extension
    @Symbol("serveFunctionBuilder")
    public static class DescriptorImpl extends ServingBuilderDescriptor {

        public DescriptorImpl() {
            super(ServeFunctionBuilder.class);
        }

        @Override
        public String getDisplayName() {
            return Messages.ServeFunctionBuilder_DisplayName();
        }

        @Override
        protected String caller() {
            return NAME;
        }

        @Override
        protected boolean withService() {
            return true;
        }
    }
}
