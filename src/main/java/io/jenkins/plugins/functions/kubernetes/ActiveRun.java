package io.jenkins.plugins.functions.kubernetes;

/** A run the engine follows: a job until it ends, a service until it is up. */
interface ActiveRun extends RunWatcher.Observer, RunHandle {

    /** The workload was accepted; {@code existed}: it was there already (adopted or updated). */
    void created(boolean existed);

    /** The workload could not be created: nothing of the run exists. */
    void createFailed(String reason, String message);

    /** The namespace cannot be watched: the run cannot hear of its end. */
    void watchFailed(String message);

    /** The run is re-attached after a controller restart: its workload exists. */
    void resumed();

    /**
     * A resumed run whose workload (with this run's id) was not found.
     *
     * @param createConfirmed whether the caller knows the workload was created (else the
     *                        controller may have stopped while its create was under way)
     */
    void lostIfUnseen(boolean createConfirmed);

    /** Who hears about this run. */
    RunListener listenerFor();

    /** The engine closes: stop following, report nothing, leave the cluster as it is. */
    void detach();
}
