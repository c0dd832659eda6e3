package hudson.util;

import java.io.Serializable;

/** Signature class: public shape of the Jenkins API, never shipped. */
public final class Secret implements Serializable {
    /** The real class has no public constructor. */
    private Secret() {
    }

    public String getPlainText() {
        throw new UnsupportedOperationException("signature only");
    }

    public static Secret fromString(String data) {
        throw new UnsupportedOperationException("signature only");
    }

    public static String toString(Secret s) {
        throw new UnsupportedOperationException("signature only");
    }
}
