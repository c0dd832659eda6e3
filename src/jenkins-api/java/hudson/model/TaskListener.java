package hudson.model;

import java.io.PrintStream;
import java.io.PrintWriter;

/** Signature class: public shape of the Jenkins API, never shipped. */
public interface TaskListener {
    PrintStream getLogger();

    default PrintWriter error(String msg) {
        throw new UnsupportedOperationException("signature only");
    }
}
