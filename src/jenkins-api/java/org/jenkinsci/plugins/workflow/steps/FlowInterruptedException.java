package org.jenkinsci.plugins.workflow.steps;

import hudson.model.Result;
import java.util.List;
import jenkins.model.CauseOfInterruption;

/** Signature class: public shape of workflow-step-api, never shipped. */
public final class FlowInterruptedException extends InterruptedException {
    public FlowInterruptedException(Result result, CauseOfInterruption... causes) {
    }

    public FlowInterruptedException(Result result, boolean actualInterruption, CauseOfInterruption... causes) {
    }

    public Result getResult() {
        throw new UnsupportedOperationException("signature only");
    }

    public List<CauseOfInterruption> getCauses() {
        throw new UnsupportedOperationException("signature only");
    }
}
