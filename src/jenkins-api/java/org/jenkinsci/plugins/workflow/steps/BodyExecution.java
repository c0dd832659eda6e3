package org.jenkinsci.plugins.workflow.steps;

import java.io.Serializable;
import java.util.Collection;
import java.util.concurrent.Future;

/** Signature class: public shape of workflow-step-api, never shipped. */
public abstract class BodyExecution implements Future<Object>, Serializable {
    public BodyExecution() {
    }

    public abstract Collection<StepExecution> getCurrentExecutions();
}
