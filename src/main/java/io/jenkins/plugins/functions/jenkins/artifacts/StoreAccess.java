package io.jenkins.plugins.functions.jenkins.artifacts;

import io.jenkins.plugins.functions.model.ArtifactStore;
import java.time.Duration;
import java.util.Objects;

/**
 * The artifact store a run uses and the id of the credential with its key (resolved in the run's
 * build context when needed, never kept), with what the Jenkins side does with the store beyond the
 * runs: the download links it signs and what becomes of a deleted build's artifacts.
 *
 * @param store          the store
 * @param credentialsId  a username with password credential: access key id and secret key
 * @param retention      what the retention pass does with the artifacts of deleted builds
 * @param publicEndpoint the store's URL as browsers reach it, for download links; null: the store's endpoint
 * @param linkValidity   how long a signed download link is valid
 */
public record StoreAccess(ArtifactStore store, String credentialsId, Retention retention, String publicEndpoint,
        Duration linkValidity) {

    /** How long a download link lives unless the store's configuration says otherwise. */
    public static final Duration DEFAULT_LINK_VALIDITY = Duration.ofMinutes(15);
    /** The longest a Signature V4 pre-signed URL may be valid. */
    public static final Duration MAX_LINK_VALIDITY = Duration.ofDays(7);

    /** What becomes of a deleted build's artifacts. */
    public enum Retention {
        /** Deleted from the store by the retention pass. */
        DELETE,
        /** Left in the store. */
        KEEP;

        /** As the configuration writes it: {@code delete}, {@code keep}. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The retention of a configured text; null or unknown: {@link #DELETE}. */
        public static Retention of(String id) {
            return KEEP.id().equals(id) ? KEEP : DELETE;
        }
    }

    public StoreAccess {
        Objects.requireNonNull(store, "store");
        retention = retention == null ? Retention.DELETE : retention;
        linkValidity = linkValidity == null ? DEFAULT_LINK_VALIDITY : linkValidity;
    }

    /** A store whose deleted builds' artifacts are deleted, links from its endpoint, valid 15 minutes. */
    public StoreAccess(ArtifactStore store, String credentialsId) {
        this(store, credentialsId, Retention.DELETE, null, DEFAULT_LINK_VALIDITY);
    }

    /** Where browsers reach the store: the public endpoint when one is configured, else the endpoint. */
    public String downloadEndpoint() {
        return publicEndpoint != null ? publicEndpoint : store.endpoint();
    }
}
