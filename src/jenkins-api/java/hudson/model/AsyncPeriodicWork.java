package hudson.model;

import java.io.IOException;

/** Signature class: public shape of the Jenkins API, never shipped. */
public abstract class AsyncPeriodicWork extends PeriodicWork {
    public final String name;

    protected AsyncPeriodicWork(String name) {
        this.name = name;
    }

    @Override
    public final void doRun() {
        throw new UnsupportedOperationException("signature only");
    }

    protected abstract void execute(TaskListener listener) throws IOException, InterruptedException;
}
