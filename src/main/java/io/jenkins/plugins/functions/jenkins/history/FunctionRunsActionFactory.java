package io.jenkins.plugins.functions.jenkins.history;

import hudson.Extension;
import hudson.model.Action;
import hudson.model.Job;
import java.util.Collection;
import java.util.List;
import jenkins.model.TransientActionFactory;

/** Gives every job its "Function runs" page ({@link FunctionRunsAction}). */
@Extension
@SuppressWarnings("rawtypes") // TransientActionFactory<Job> is how Jenkins registers job actions
public class FunctionRunsActionFactory extends TransientActionFactory<Job> {

    @Override
    public Class<Job> type() {
        return Job.class;
    }

    @Override
    public Collection<? extends Action> createFor(Job target) {
        @SuppressWarnings("unchecked")
        Job<?, ?> job = target;
        return List.of(new FunctionRunsAction(job));
    }
}
