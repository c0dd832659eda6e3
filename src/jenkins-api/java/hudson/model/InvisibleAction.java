package hudson.model;

/** Signature class: public shape of the Jenkins API, never shipped. */
public abstract class InvisibleAction implements Action {
    public InvisibleAction() {
    }

    @Override
    public final String getIconFileName() {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public final String getDisplayName() {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public String getUrlName() {
        throw new UnsupportedOperationException("signature only");
    }
}
