package io.jenkins.plugins.functions.model;

import java.util.Objects;

/**
 * The access key of the artifact store, resolved from a Jenkins credential for one run or one
 * request. Never persisted, never printed: {@link #toString()} names neither part.
 *
 * @param accessKeyId     the access key id (a username with password credential's username)
 * @param secretAccessKey the secret access key (its password)
 */
public record StoreKeys(String accessKeyId, String secretAccessKey) {

    public StoreKeys {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    }

    @Override
    public String toString() {
        return "StoreKeys[<redacted>]";
    }
}
