package hudson.tasks;

import hudson.model.Describable;
import hudson.model.Descriptor;

/** Signature class: public shape of the Jenkins API, never shipped. */
public abstract class Publisher extends BuildStepCompatibilityLayer implements Describable<Publisher> {
    protected Publisher() {
    }

    @Override
    public Descriptor<Publisher> getDescriptor() {
        throw new UnsupportedOperationException("signature only");
    }
}
