package hudson.util;

import java.io.IOException;

/**
 * Signature class: public shape of the Jenkins API, never shipped.
 *
 * <p>Unlike most signature classes, its factories and {@link #kind} behave as Jenkins' do (a
 * value class, whose real bodies are this trivial), so that tests can read what a form check
 * answers: its kind, and its message as given, through {@link #getMessage()}. Jenkins' own
 * {@code error}, {@code warning} and {@code ok(String)} also escape the message for HTML, which
 * this class does not. {@link #renderHtml()} is a shape only.
 */
public abstract class FormValidation extends IOException {

    private static final long serialVersionUID = 1L;

    /** The kind of answer: ok, warning or error. */
    public final Kind kind;

    /** The real class has no public or protected constructor. */
    private FormValidation(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public static FormValidation error(String message) {
        return of(Kind.ERROR, message);
    }

    public static FormValidation warning(String message) {
        return of(Kind.WARNING, message);
    }

    public static FormValidation ok(String message) {
        return of(Kind.OK, message);
    }

    public static FormValidation ok() {
        return of(Kind.OK, null);
    }

    public static FormValidation errorWithMarkup(String message) {
        return of(Kind.ERROR, message);
    }

    public static FormValidation warningWithMarkup(String message) {
        return of(Kind.WARNING, message);
    }

    public static FormValidation okWithMarkup(String message) {
        return of(Kind.OK, message);
    }

    public static FormValidation validateRequired(String value) {
        throw new UnsupportedOperationException("signature only");
    }

    public abstract String renderHtml();

    /** As in Jenkins: no message is an ok without a message. */
    private static FormValidation of(Kind kind, String message) {
        return new FormValidation(message == null ? Kind.OK : kind, message) {
            private static final long serialVersionUID = 1L;

            @Override
            public String renderHtml() {
                throw new UnsupportedOperationException("signature only");
            }
        };
    }

    /** Signature class: public shape of the Jenkins API, never shipped. */
    public enum Kind {
        OK, WARNING, ERROR
    }
}
