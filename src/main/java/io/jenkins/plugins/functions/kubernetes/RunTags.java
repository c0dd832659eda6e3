package io.jenkins.plugins.functions.kubernetes;

import io.jenkins.plugins.functions.runtime.RunRequest;

/**
 * The kind of a run, as its metrics tell it apart: its runtime and its action. Never the run's
 * or the function's own name, so the metrics keep a few series whatever the number of runs.
 *
 * @param runtime the runtime ({@code container}, {@code python}, ...), or null when not known
 * @param action  the action ({@code job}, {@code serve}, ...), or null when not known
 */
public record RunTags(String runtime, String action) {

    /** The kind of a run about to be planned or started. */
    public static RunTags of(RunRequest request) {
        return new RunTags(request.function().runtime(), request.action().id());
    }

    /** A run whose kind is not known (re-attached without its record). */
    public static final RunTags UNKNOWN = new RunTags(null, null);
}
