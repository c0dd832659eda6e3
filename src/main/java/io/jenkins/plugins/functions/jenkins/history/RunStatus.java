package io.jenkins.plugins.functions.jenkins.history;

import io.jenkins.plugins.functions.jenkins.Messages;
import io.jenkins.plugins.functions.run.RunState;

/**
 * How a run looks at a glance, in the tables and the trend: its state folded into what a reader
 * needs (did it work, is it still going, does it serve), each with the Jenkins build status
 * symbol that means the same for a build, so the tables read like the build history.
 */
public enum RunStatus {
    /** Ended with exit code 0 (a job, an image build). */
    COMPLETED("symbol-status-blue"),
    /** A service or deployment whose rollout became available and that was not stopped since. */
    SERVING("symbol-status-blue"),
    /** Ended unsuccessfully. */
    ERROR("symbol-status-red"),
    /** Ended on request: an abort, a stop, a newer version replacing it. */
    STOPPED("symbol-status-aborted"),
    /** Not ended yet, and its build still runs. */
    IN_PROGRESS("symbol-status-nobuilt-anime"),
    /**
     * Not ended, but its build has: the controller stopped following it (the record says what
     * was last known), so the icon does not spin forever.
     */
    UNFINISHED("symbol-status-nobuilt");

    /** The reason a service's record carries once its rollout is available. */
    static final String AVAILABLE = "Available";

    private final String symbol;

    RunStatus(String symbol) {
        this.symbol = symbol;
    }

    /** The Jenkins symbol of the status icon ({@code <l:icon src="..."/>}). */
    public String getSymbol() {
        return symbol;
    }

    /** The status in words, as the page's language says it (the legends, the icons' tooltips). */
    public String getLabel() {
        return switch (this) {
            case COMPLETED -> Messages.RunStatus_COMPLETED();
            case SERVING -> Messages.RunStatus_SERVING();
            case ERROR -> Messages.RunStatus_ERROR();
            case STOPPED -> Messages.RunStatus_STOPPED();
            case IN_PROGRESS -> Messages.RunStatus_IN_PROGRESS();
            case UNFINISHED -> Messages.RunStatus_UNFINISHED();
        };
    }

    /**
     * The status of a recorded run.
     *
     * @param buildRunning whether the build the run belongs to is still running
     */
    static RunStatus of(RunState state, String reason, boolean buildRunning) {
        if (state == null) {
            return buildRunning ? IN_PROGRESS : UNFINISHED;
        }
        switch (state) {
            case COMPLETED:
                return COMPLETED;
            case ERROR:
                return ERROR;
            case STOPPED:
                return STOPPED;
            case RUNNING:
                if (AVAILABLE.equals(reason)) {
                    return SERVING;
                }
                return buildRunning ? IN_PROGRESS : UNFINISHED;
            default:
                return buildRunning ? IN_PROGRESS : UNFINISHED;
        }
    }
}
