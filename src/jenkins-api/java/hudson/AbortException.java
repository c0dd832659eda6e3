package hudson;

import java.io.IOException;

/**
 * Signature class: public shape of the Jenkins API, never shipped.
 *
 * <p>The one-argument constructor hands its message to {@link IOException}, as the real class
 * does: that is the JDK's behaviour, not Jenkins', and without it the plugin's tests could not
 * check the messages users read.
 */
public class AbortException extends IOException {
    public AbortException() {
    }

    public AbortException(String message) {
        super(message);
    }
}
