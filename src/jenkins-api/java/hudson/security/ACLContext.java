package hudson.security;

/** Signature class: public shape of the Jenkins API, never shipped. */
public class ACLContext implements AutoCloseable {
    /** The real class has no public constructor. */
    ACLContext() {
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("signature only");
    }
}
