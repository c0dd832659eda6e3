package hudson.util;

import java.io.IOException;

/** Signature class: public shape of the Jenkins API, never shipped. */
public abstract class FormValidation extends IOException {
    /** The real class has no public or protected constructor. */
    private FormValidation() {
    }

    public static FormValidation error(String message) {
        throw new UnsupportedOperationException("signature only");
    }

    public static FormValidation warning(String message) {
        throw new UnsupportedOperationException("signature only");
    }

    public static FormValidation ok(String message) {
        throw new UnsupportedOperationException("signature only");
    }

    public static FormValidation ok() {
        throw new UnsupportedOperationException("signature only");
    }

    public static FormValidation validateRequired(String value) {
        throw new UnsupportedOperationException("signature only");
    }

    public abstract String renderHtml();
}
