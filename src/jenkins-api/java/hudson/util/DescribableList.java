package hudson.util;

import hudson.model.Describable;
import hudson.model.Descriptor;

/** Signature class: public shape of the Jenkins API, never shipped. */
public class DescribableList<T extends Describable<T>, D extends Descriptor<T>> extends PersistedList<T> {
    protected DescribableList() {
    }
}
