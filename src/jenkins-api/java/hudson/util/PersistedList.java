package hudson.util;

import java.util.AbstractList;

/** Signature class: public shape of the Jenkins API, never shipped. */
public class PersistedList<T> extends AbstractList<T> {
    protected PersistedList() {
    }

    @Override
    public T get(int index) {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public int size() {
        throw new UnsupportedOperationException("signature only");
    }
}
