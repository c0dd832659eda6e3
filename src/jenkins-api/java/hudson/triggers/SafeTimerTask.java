package hudson.triggers;

import java.util.TimerTask;

/** Signature class: public shape of the Jenkins API, never shipped. */
public abstract class SafeTimerTask extends TimerTask {
    public SafeTimerTask() {
    }

    @Override
    public final void run() {
        throw new UnsupportedOperationException("signature only");
    }

    protected abstract void doRun() throws Exception;
}
