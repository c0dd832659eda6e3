package io.jenkins.plugins.functions.model;

import java.util.Objects;

/**
 * An object of the store, as {@code s3://bucket/key}: what a run's artifact is called, and what
 * an input names.
 *
 * @param bucket the bucket
 * @param key    the object's key, never empty, never starting with {@code /}
 */
public record ArtifactUri(String bucket, String key) {

    public static final String SCHEME = "s3://";
    public static final String RULE = "must be an artifact URI such as s3://ml-artifacts/team-a/train/42/<run id>/model.joblib"
            + " (a run's artifacts are listed on its page and returned as artifacts.<name>)";

    public ArtifactUri {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
    }

    /** The URI's parts, or null when the text is not an {@code s3://bucket/key} URI. */
    public static ArtifactUri parse(String text) {
        if (text == null || !text.startsWith(SCHEME)) {
            return null;
        }
        String rest = text.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1 || rest.chars().anyMatch(c -> c < ' ' || c == 0x7f)) {
            return null;
        }
        String bucket = rest.substring(0, slash);
        String key = rest.substring(slash + 1);
        if (key.startsWith("/")) {
            return null;
        }
        return new ArtifactUri(bucket, key);
    }

    /** The last segment of the key: the file name a download gets. */
    public String fileName() {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return SCHEME + bucket + "/" + key;
    }
}
