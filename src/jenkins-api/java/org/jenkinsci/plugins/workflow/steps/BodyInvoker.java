package org.jenkinsci.plugins.workflow.steps;

/** Signature class: public shape of workflow-step-api, never shipped. */
public abstract class BodyInvoker {
    public BodyInvoker() {
    }

    public abstract BodyInvoker withContext(Object override);

    public abstract BodyInvoker withDisplayName(String name);

    public abstract BodyInvoker withCallback(BodyExecutionCallback callback);

    public abstract BodyExecution start();
}
