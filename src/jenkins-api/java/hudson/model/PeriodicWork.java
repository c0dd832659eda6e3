package hudson.model;

import hudson.ExtensionPoint;
import hudson.triggers.SafeTimerTask;

/** Signature class: public shape of the Jenkins API, never shipped. */
public abstract class PeriodicWork extends SafeTimerTask implements ExtensionPoint {
    public PeriodicWork() {
    }

    public abstract long getRecurrencePeriod();

    public long getInitialDelay() {
        throw new UnsupportedOperationException("signature only");
    }
}
