package hudson;

import java.util.AbstractList;

/** Signature class: public shape of the Jenkins API, never shipped. */
public class ExtensionList<T> extends AbstractList<T> {
    /** The real constructors are protected and take a Jenkins instance. */
    private ExtensionList() {
    }

    @Override
    public T get(int index) {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public int size() {
        throw new UnsupportedOperationException("signature only");
    }

    public static <T> ExtensionList<T> lookup(Class<T> type) {
        throw new UnsupportedOperationException("signature only");
    }

    public static <U> U lookupSingleton(Class<U> type) {
        throw new UnsupportedOperationException("signature only");
    }
}
