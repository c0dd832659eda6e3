package org.jenkinsci.plugins.workflow.steps;

import java.io.Serializable;

/** Signature class: public shape of workflow-step-api, never shipped. */
public abstract class BodyExecutionCallback implements Serializable {
    public BodyExecutionCallback() {
    }

    public abstract void onSuccess(StepContext context, Object result);

    public abstract void onFailure(StepContext context, Throwable t);
}
