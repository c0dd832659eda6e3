package io.jenkins.plugins.functions.jenkins.history;

import io.jenkins.plugins.functions.run.RunRecord;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/** The exported view of one state transition of a run ({@link FunctionRunAction#getTransitions()}). */
@ExportedBean(defaultVisibility = 2)
public final class StateTransition {
    private final RunRecord.Transition transition;

    StateTransition(RunRecord.Transition transition) {
        this.transition = transition;
    }

    @Exported
    public String getState() {
        return transition.getState().name();
    }

    /** Epoch milliseconds. */
    @Exported
    public long getTime() {
        return transition.getTime();
    }

    @Exported
    public String getDetail() {
        return transition.getDetail();
    }
}
