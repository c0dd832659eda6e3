package hudson.util;

import java.util.ArrayList;
import java.util.Collection;

/** Signature class: public shape of the Jenkins API, never shipped. */
public class ListBoxModel extends ArrayList<ListBoxModel.Option> {
    public ListBoxModel(int initialCapacity) {
    }

    public ListBoxModel() {
    }

    public ListBoxModel(Collection<Option> c) {
    }

    public ListBoxModel(Option... data) {
    }

    public void add(String displayName, String value) {
        throw new UnsupportedOperationException("signature only");
    }

    public ListBoxModel add(String nameAndValue) {
        throw new UnsupportedOperationException("signature only");
    }

    /** Signature class: public shape of the Jenkins API, never shipped. */
    public static final class Option {
        public Option(String name, String value) {
        }

        public Option(String name) {
        }

        public Option(String name, String value, boolean selected) {
        }
    }
}
