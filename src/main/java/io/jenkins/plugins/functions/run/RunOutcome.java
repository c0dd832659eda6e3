package io.jenkins.plugins.functions.run;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a run ended, or, for a service, how its start ended: a service that became available
 * leaves its start with state RUNNING (the run goes on in the cluster until it is stopped).
 * Immutable.
 *
 * @param state      COMPLETED, ERROR or STOPPED; RUNNING for a service that is up
 * @param exitCode   the container's exit code, null when it never ran or it is not a job
 * @param reason     a short machine-readable reason: {@code Completed}, {@code Error},
 *                   {@code OOMKilled}, {@code DeadlineExceeded}, {@code ImagePullBackOff},
 *                   {@code Unschedulable}, {@code Aborted}, ...
 * @param message    a sentence for people, never holding a secret
 * @param outputs    the function's outputs (the termination message, parsed when it is JSON)
 * @param startedAt  when the container started, null if it never did
 * @param finishedAt when the run ended
 */
public record RunOutcome(
        RunState state,
        Integer exitCode,
        String reason,
        String message,
        Map<String, Object> outputs,
        Instant startedAt,
        Instant finishedAt) {

    public RunOutcome {
        Objects.requireNonNull(state, "state");
        if (!state.isTerminal() && state != RunState.RUNNING) {
            throw new IllegalArgumentException("an outcome is a terminal state or RUNNING, not " + state);
        }
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs == null ? Map.of() : outputs));
    }

    /** A job that completed, or a service that is up. */
    public boolean succeeded() {
        return state == RunState.COMPLETED || state == RunState.RUNNING;
    }

    /** An outcome for a run that failed before or outside its container (API error, bad spec). */
    public static RunOutcome error(String reason, String message) {
        return new RunOutcome(RunState.ERROR, null, reason, message, Map.of(), null, Instant.now());
    }

    /** An outcome for a run ended on request. */
    public static RunOutcome stopped(String reason, String message) {
        return new RunOutcome(RunState.STOPPED, null, reason, message, Map.of(), null, Instant.now());
    }
}
