package hudson.model;

import hudson.EnvVars;

/** Signature class: public shape of the Jenkins API, never shipped. */
public interface EnvironmentContributingAction extends Action {
    default void buildEnvironment(Run<?, ?> run, EnvVars env) {
        throw new UnsupportedOperationException("signature only");
    }
}
