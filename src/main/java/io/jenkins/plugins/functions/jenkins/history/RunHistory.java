package io.jenkins.plugins.functions.jenkins.history;

import hudson.model.Cause;
import hudson.model.Run;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunLabels;
import java.io.File;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a step (Pipeline or freestyle) calls to make a run readable later: what started the
 * build and where the run's lines begin in the build log (at the start), the rendered objects
 * (once planned), long outputs in a file (at the end). Every call is cheap and local: no network.
 */
public final class RunHistory {

    private static final Logger LOGGER = Logger.getLogger(RunHistory.class.getName());

    private RunHistory() {
    }

    /**
     * The run starts: records the build's trigger and the build log's current size.
     *
     * @param log the build log's stream, flushed first so the size counts what was written
     * @param env the build's (or step's) environment variables; null when unknown
     */
    public static void started(FunctionRunAction action, Run<?, ?> build, PrintStream log, Map<String, String> env) {
        action.recordStart(BuildTrigger.of(causes(build), env), logOffset(build, log));
    }

    private static List<Cause> causes(Run<?, ?> build) {
        try {
            List<Cause> causes = build.getCauses();
            return causes == null ? List.of() : causes;
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "could not read the causes of " + build, e);
            return List.of();
        }
    }

    /**
     * The size of the build's log file ({@code <build dir>/log}, where Jenkins keeps the log of
     * freestyle and Pipeline builds), or null when the log is kept elsewhere (compressed, or an
     * external log storage): then the run's page links to the whole console.
     */
    static Long logOffset(Run<?, ?> build, PrintStream log) {
        try {
            if (log != null) {
                log.flush();
            }
            File file = new File(build.getRootDir(), "log");
            return file.isFile() ? file.length() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The commit label for the run's objects, added to {@code origin} when the build knows its commit. */
    public static void addCommitLabel(FunctionRunAction action, Map<String, String> origin) {
        BuildTrigger trigger = action.getTrigger();
        if (trigger != null && trigger.getCommit() != null) {
            origin.put(RunLabels.GIT_COMMIT, trigger.getCommit());
        }
    }

    /** The run is planned: its rendered objects go to a file beside the build. */
    public static void planned(Run<?, ?> build, String runId, Plan plan) {
        try {
            new RunFiles(build.getRootDir().toPath()).writeManifests(runId, plan.objects());
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "could not keep the manifests of run " + runId, e);
        }
    }
}
