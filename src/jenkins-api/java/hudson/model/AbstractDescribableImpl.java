package hudson.model;

/** Signature class: public shape of the Jenkins API, never shipped. */
public abstract class AbstractDescribableImpl<T extends AbstractDescribableImpl<T>> implements Describable<T> {
    public AbstractDescribableImpl() {
    }

    @Override
    public Descriptor<T> getDescriptor() {
        throw new UnsupportedOperationException("signature only");
    }
}
