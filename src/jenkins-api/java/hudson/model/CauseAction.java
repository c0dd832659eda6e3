package hudson.model;

import java.util.Collection;
import java.util.List;
import jenkins.model.RunAction2;

/** Signature class: public shape of the Jenkins API, never shipped. */
public class CauseAction implements RunAction2 {
    public CauseAction(Cause c) {
    }

    public CauseAction(Cause... c) {
    }

    public CauseAction(Collection<? extends Cause> causes) {
    }

    public List<Cause> getCauses() {
        throw new UnsupportedOperationException("signature only");
    }

    public <T extends Cause> T findCause(Class<T> type) {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public String getDisplayName() {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public String getIconFileName() {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public String getUrlName() {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public void onLoad(Run<?, ?> owner) {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public void onAttached(Run<?, ?> owner) {
        throw new UnsupportedOperationException("signature only");
    }
}
