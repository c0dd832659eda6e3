package jenkins.util;

import java.util.concurrent.ScheduledExecutorService;

/** Signature class: public shape of the Jenkins API, never shipped. */
public class Timer {
    /** The real class has no public constructor. */
    private Timer() {
    }

    public static synchronized ScheduledExecutorService get() {
        throw new UnsupportedOperationException("signature only");
    }
}
