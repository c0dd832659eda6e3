package io.jenkins.plugins.functions.jenkins.artifacts;

import io.jenkins.plugins.functions.model.ArtifactStore;
import java.util.Objects;

/**
 * The artifact store a run uses and the id of the credential with its key (resolved in the run's
 * build context when needed, never kept).
 *
 * @param store                 the store
 * @param credentialsId         a username with password credential: access key id and secret key
 * @param keepWithBuildDeletion whether a deleted build's artifacts stay in the store (for the retention pass
 *                              still to come, docs/artifacts.md; always false for now)
 */
public record StoreAccess(ArtifactStore store, String credentialsId, boolean keepWithBuildDeletion) {

    public StoreAccess {
        Objects.requireNonNull(store, "store");
    }
}
