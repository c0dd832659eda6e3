package hudson.model;

/** Signature class: public shape of the Jenkins API, never shipped. */
public abstract class Descriptor<T extends Describable<T>> {
    protected Descriptor(Class<? extends T> clazz) {
    }

    protected Descriptor() {
    }

    public String getDisplayName() {
        throw new UnsupportedOperationException("signature only");
    }

    public String getId() {
        throw new UnsupportedOperationException("signature only");
    }

    public synchronized void save() {
        throw new UnsupportedOperationException("signature only");
    }

    public synchronized void load() {
        throw new UnsupportedOperationException("signature only");
    }
}
