package org.jenkinsci.plugins.workflow.steps;

import hudson.ExtensionPoint;
import hudson.model.AbstractDescribableImpl;

/** Signature class: public shape of workflow-step-api, never shipped. */
public abstract class Step extends AbstractDescribableImpl<Step> implements ExtensionPoint {
    public Step() {
    }

    public abstract StepExecution start(StepContext context) throws Exception;

    @Override
    public StepDescriptor getDescriptor() {
        throw new UnsupportedOperationException("signature only");
    }
}
