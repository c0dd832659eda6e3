package hudson.tasks;

import hudson.Launcher;
import hudson.model.AbstractBuild;
import hudson.model.BuildListener;
import java.io.IOException;

/** Signature class: public shape of the Jenkins API, never shipped. */
public enum BuildStepMonitor {
    NONE {
        @Override
        public boolean perform(BuildStep bs, AbstractBuild build, Launcher launcher, BuildListener listener) {
            throw new UnsupportedOperationException("signature only");
        }
    },
    STEP {
        @Override
        public boolean perform(BuildStep bs, AbstractBuild build, Launcher launcher, BuildListener listener) {
            throw new UnsupportedOperationException("signature only");
        }
    },
    BUILD {
        @Override
        public boolean perform(BuildStep bs, AbstractBuild build, Launcher launcher, BuildListener listener) {
            throw new UnsupportedOperationException("signature only");
        }
    };

    public abstract boolean perform(BuildStep bs, AbstractBuild build, Launcher launcher, BuildListener listener)
            throws IOException, InterruptedException;
}
