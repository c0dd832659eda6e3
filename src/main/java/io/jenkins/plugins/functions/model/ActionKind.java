package io.jenkins.plugins.functions.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a run does with a function. Which of these a runtime supports is the runtime's call. */
public enum ActionKind {
    /** A Kubernetes Job: runs once, is deleted (with its pods) when done. */
    JOB,
    /** A Deployment and a Service that outlive the build, until stopped. */
    SERVE,
    /** An image built in the cluster and pushed to a registry. */
    BUILD,
    /** A Deployment without a Service. */
    DEPLOY;

    /** The lower-case name used in function files, step arguments, labels and records. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code job}, {@code serve}, ...; the message names the allowed values. */
    public static ActionKind parse(String value) {
        for (ActionKind kind : values()) {
            if (kind.id().equals(value)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("action '" + value + "' is not one of "
                + Arrays.stream(values()).map(ActionKind::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id();
    }
}
