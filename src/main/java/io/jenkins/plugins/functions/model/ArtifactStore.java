package io.jenkins.plugins.functions.model;

import java.net.URI;
import java.util.Objects;

/**
 * Where runs keep their artifacts: an S3-compatible store (MinIO, AWS S3, Ceph, ...), as an
 * administrator configured it. Plain settings, no keys: the keys are resolved for each run
 * ({@link StoreKeys}) and reach a pod only through the run's Secret.
 *
 * @param endpoint  the store's URL, such as {@code http://minio.minio.svc:9000} or {@code https://s3.eu-west-1.amazonaws.com}
 * @param region    the region requests are signed for ({@code us-east-1} for MinIO)
 * @param bucket    the bucket every run writes under
 * @param pathStyle whether requests name the bucket in the path ({@code http://host/bucket/key}), as
 *                  MinIO wants, rather than in the host name
 * @param root      a key prefix every run's prefix starts with, without slashes at its ends; empty for none
 */
public record ArtifactStore(String endpoint, String region, String bucket, boolean pathStyle, String root) {

    /** The region when none is configured: the one MinIO and most S3-compatible stores accept. */
    public static final String DEFAULT_REGION = "us-east-1";

    public ArtifactStore {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(bucket, "bucket");
        region = region == null || region.isBlank() ? DEFAULT_REGION : region;
        root = root == null ? "" : trimSlashes(root);
    }

    /** {@code s3://bucket/key}. */
    public String uri(String key) {
        return ArtifactUri.SCHEME + bucket + "/" + key;
    }

    /** The endpoint as a URI. */
    public URI endpointUri() {
        return URI.create(endpoint);
    }

    /**
     * The key prefix of one run: {@code <root>/<job full name>/<build number>/<run id>}, so a build's
     * artifacts are one folder of the store (what retention deletes with the build) and a job's
     * folder path is the store's.
     */
    public String runPrefix(String jobFullName, int buildNumber, String runId) {
        String job = trimSlashes(jobFullName);
        return (root.isEmpty() ? "" : root + "/") + job + "/" + buildNumber + "/" + runId;
    }

    /** The key prefix of one build ({@link #runPrefix} without the run id). */
    public String buildPrefix(String jobFullName, int buildNumber) {
        return (root.isEmpty() ? "" : root + "/") + trimSlashes(jobFullName) + "/" + buildNumber;
    }

    static String trimSlashes(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && s.charAt(a) == '/') {
            a++;
        }
        while (b > a && s.charAt(b - 1) == '/') {
            b--;
        }
        return s.substring(a, b);
    }
}
