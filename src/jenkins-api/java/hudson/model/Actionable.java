package hudson.model;

import java.util.List;

/** Signature class: public shape of the Jenkins API, never shipped. */
public abstract class Actionable extends AbstractModelObject {
    public Actionable() {
    }

    public List<Action> getActions() {
        throw new UnsupportedOperationException("signature only");
    }

    public <T extends Action> List<T> getActions(Class<T> type) {
        throw new UnsupportedOperationException("signature only");
    }

    public void addAction(Action a) {
        throw new UnsupportedOperationException("signature only");
    }

    public void replaceAction(Action a) {
        throw new UnsupportedOperationException("signature only");
    }

    public boolean removeAction(Action a) {
        throw new UnsupportedOperationException("signature only");
    }

    public <T extends Action> T getAction(Class<T> type) {
        throw new UnsupportedOperationException("signature only");
    }
}
