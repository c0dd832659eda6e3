package io.jenkins.plugins.functions.model;

import java.util.List;

/**
 * What a function asks of its pods beyond its container, the same for every runtime: the
 * administrator's profile it runs under and the volumes it mounts. Immutable; read by
 * {@code spec.PodFields}.
 *
 * @param profile the name of a profile of the global configuration, or null for none
 * @param volumes the volumes, in the order given
 */
public record PodOptions(String profile, List<Volume> volumes) {

    /** No profile, no volumes. */
    public static final PodOptions NONE = new PodOptions(null, List.of());

    public PodOptions {
        volumes = List.copyOf(volumes == null ? List.of() : volumes);
    }
}
