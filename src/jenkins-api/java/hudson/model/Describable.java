package hudson.model;

/** Signature class: public shape of the Jenkins API, never shipped. */
public interface Describable<T extends Describable<T>> {
    Descriptor<T> getDescriptor();
}
