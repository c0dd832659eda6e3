package io.jenkins.plugins.functions.run;

/**
 * The states of a run, in the order a successful run passes through them. A run records each
 * transition with its time. Terminal states are COMPLETED, ERROR and STOPPED.
 */
public enum RunState {
    /** The run exists: it has an id and a function, nothing has been resolved yet. */
    CREATED,
    /** The function spec is resolved and validated, the plan is rendered. */
    BUILT,
    /** The plan's objects were accepted by the API server. */
    READY,
    /** The workload is scheduled or waiting to start (pulling images, waiting for a node). */
    PENDING,
    /** The workload's container runs. */
    RUNNING,
    /** Finished successfully (exit code 0, or a service stopped on request stays STOPPED). */
    COMPLETED,
    /** Finished unsuccessfully: non-zero exit, OOM, deadline, image pull failure, API error. */
    ERROR,
    /** Ended on request: an aborted build, a stop request. */
    STOPPED;

    public boolean isTerminal() {
        return this == COMPLETED || this == ERROR || this == STOPPED;
    }
}
