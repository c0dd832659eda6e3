package org.jenkinsci.plugins.workflow.steps;

import java.io.Serializable;

/** Signature class: public shape of workflow-step-api, never shipped. */
public abstract class StepExecution implements Serializable {
    protected StepExecution() {
    }

    protected StepExecution(StepContext context) {
    }

    public StepContext getContext() {
        throw new UnsupportedOperationException("signature only");
    }

    public abstract boolean start() throws Exception;

    public void stop(Throwable cause) throws Exception {
        throw new UnsupportedOperationException("signature only");
    }

    public void onResume() {
        throw new UnsupportedOperationException("signature only");
    }

    public String getStatus() {
        throw new UnsupportedOperationException("signature only");
    }

    public boolean blocksRestart() {
        throw new UnsupportedOperationException("signature only");
    }
}
