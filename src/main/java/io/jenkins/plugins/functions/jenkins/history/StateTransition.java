package io.jenkins.plugins.functions.jenkins.history;

import io.jenkins.plugins.functions.run.RunRecord;
import java.util.ArrayList;
import java.util.List;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/** The exported view of one state transition of a run ({@link FunctionRunAction#getTransitions()}). */
@ExportedBean(defaultVisibility = 2)
public final class StateTransition {
    private final RunRecord.Transition transition;

    StateTransition(RunRecord.Transition transition) {
        this.transition = transition;
    }

    /** The views of a record's state transitions, in order. */
    static List<StateTransition> of(RunRecord record) {
        List<StateTransition> out = new ArrayList<>();
        record.getTransitions().forEach(t -> out.add(new StateTransition(t)));
        return out;
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
