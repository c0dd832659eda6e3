package io.jenkins.plugins.functions.kubernetes;

import io.jenkins.plugins.functions.run.RunOutcome;
import java.util.concurrent.CompletableFuture;

/** A run under way in the engine. */
public interface RunHandle {

    RunRef ref();

    /** Completes when the run ended and its workload was cleaned up. */
    CompletableFuture<RunOutcome> outcome();

    /** The log position reached so far. */
    LogCursor cursor();

    /**
     * Ends the run on request: deletes what it created and completes it as STOPPED. Returns at
     * once; the deletion happens on the engine's threads. Harmless when the run already ended.
     */
    void stop(String reason);
}
