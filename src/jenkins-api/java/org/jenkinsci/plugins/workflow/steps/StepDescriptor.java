package org.jenkinsci.plugins.workflow.steps;

import hudson.model.Descriptor;
import java.util.Map;
import java.util.Set;

/** Signature class: public shape of workflow-step-api, never shipped. */
public abstract class StepDescriptor extends Descriptor<Step> {
    public StepDescriptor() {
    }

    public abstract Set<? extends Class<?>> getRequiredContext();

    public abstract String getFunctionName();

    public boolean takesImplicitBlockArgument() {
        throw new UnsupportedOperationException("signature only");
    }

    public boolean isAdvanced() {
        throw new UnsupportedOperationException("signature only");
    }

    public Step newInstance(Map<String, Object> arguments) throws Exception {
        throw new UnsupportedOperationException("signature only");
    }

    /**
     * A short summary of a step's arguments, shown by the Pipeline graph and stage views beside
     * the step's name; null for none.
     */
    public String argumentsToString(Map<String, Object> namedArgs) {
        throw new UnsupportedOperationException("signature only");
    }
}
