package hudson.model;

import java.io.IOException;

/** Signature class: public shape of the Jenkins API, never shipped. */
public abstract class AbstractBuild<P extends AbstractProject<P, R>, R extends AbstractBuild<P, R>> extends Run<P, R> {
    protected AbstractBuild(P job) throws IOException {
        super(job);
    }

    public final P getProject() {
        throw new UnsupportedOperationException("signature only");
    }

    public abstract void run();
}
