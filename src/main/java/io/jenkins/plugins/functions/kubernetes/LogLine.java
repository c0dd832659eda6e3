package io.jenkins.plugins.functions.kubernetes;

import java.time.Instant;

/** One line of a container's log, with the time the kubelet recorded it. */
public record LogLine(Instant time, String text) {
}
