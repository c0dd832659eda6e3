package hudson;

import java.io.IOException;

/** Signature class: public shape of the Jenkins API, never shipped. */
public class AbortException extends IOException {
    public AbortException() {
    }

    public AbortException(String message) {
    }
}
