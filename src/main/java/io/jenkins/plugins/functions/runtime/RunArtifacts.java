package io.jenkins.plugins.functions.runtime;

import io.jenkins.plugins.functions.model.ArtifactStore;
import io.jenkins.plugins.functions.model.StoreKeys;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A run's place in the artifact store, and the inputs it is given: what {@link ArtifactEnv} puts
 * into the run's pod. Immutable; never persisted (it holds the store's keys).
 *
 * @param store  the store the run writes to
 * @param keys   the store's access key, for this run only
 * @param prefix the run's key prefix ({@link ArtifactStore#runPrefix}), without a trailing slash
 * @param inputs the inputs the step passes, by name: {@code s3://} URIs of earlier runs' artifacts
 */
public record RunArtifacts(ArtifactStore store, StoreKeys keys, String prefix, Map<String, String> inputs) {

    public RunArtifacts {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(prefix, "prefix");
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs == null ? Map.of() : inputs));
    }

    /** {@code s3://bucket/prefix}: where the run's artifacts go. */
    public String uri() {
        return store.uri(prefix);
    }

    /** Names the store and the prefix, never the keys. */
    @Override
    public String toString() {
        return "RunArtifacts[" + uri() + ", inputs " + inputs.keySet() + "]";
    }
}
