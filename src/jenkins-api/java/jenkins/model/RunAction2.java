package jenkins.model;

import hudson.model.Action;
import hudson.model.Run;

/** Signature class: public shape of the Jenkins API, never shipped. */
public interface RunAction2 extends Action {
    void onAttached(Run<?, ?> r);

    void onLoad(Run<?, ?> r);
}
