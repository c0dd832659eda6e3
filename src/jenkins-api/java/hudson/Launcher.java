package hudson;

import hudson.remoting.Channel;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/** Signature class: public shape of the Jenkins API, never shipped. */
public abstract class Launcher {
    protected Launcher(Launcher launcher) {
    }

    public abstract Proc launch(ProcStarter starter) throws IOException;

    public abstract Channel launchChannel(String[] cmd, OutputStream out, FilePath workDir, Map<String, String> envVars)
            throws IOException, InterruptedException;

    public abstract void kill(Map<String, String> modelEnvVars) throws IOException, InterruptedException;

    /** Signature class: public shape of the Jenkins API, never shipped. */
    public final class ProcStarter {
        private ProcStarter() {
        }
    }
}
