package hudson.model;

/** Signature class: public shape of the Jenkins API, never shipped. */
public class Api extends AbstractModelObject {
    public final Object bean = none();

    public Api(Object bean) {
    }

    public String getDisplayName() {
        throw new UnsupportedOperationException("signature only");
    }

    private static Object none() {
        return null;
    }
}
