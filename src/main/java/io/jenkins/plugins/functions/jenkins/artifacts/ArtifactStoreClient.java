package io.jenkins.plugins.functions.jenkins.artifacts;

import io.jenkins.plugins.functions.model.ArtifactStore;
import io.jenkins.plugins.functions.model.StoreKeys;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The Jenkins side's access to the artifact store, over the AWS SDK for Java 2 (its {@code s3}
 * module, bundled; see docs/architecture.md for why that client): list a run's artifacts, read
 * one, delete a build's. One client per call site, closed after use: these are rare calls (a run's
 * end, a retention pass), made on the plugin's own pool or timer threads, never on a Pipeline or
 * informer thread.
 *
 * <p>Errors become {@link IOException}s that say what could not be done and why (the store's error
 * code, unreachable, refused key), never with the key.
 */
public final class ArtifactStoreClient implements AutoCloseable {

    /** The object metadata the runner (and anyone following docs/artifacts.md) sets. */
    public static final String NAME_METADATA = "artifact-name";
    public static final String SHA256_METADATA = "sha256";

    private final ArtifactStore store;
    private final S3Client client;

    public ArtifactStoreClient(ArtifactStore store, StoreKeys keys) {
        this(store, keys, null);
    }

    /**
     * A client whose requests each wait at most {@code requestTimeout} to connect and to read, and
     * are not retried (a form's check answers quickly); null: the SDK's defaults and retries.
     */
    public ArtifactStoreClient(ArtifactStore store, StoreKeys keys, Duration requestTimeout) {
        this.store = store;
        UrlConnectionHttpClient.Builder http = UrlConnectionHttpClient.builder();
        if (requestTimeout != null) {
            http.connectionTimeout(requestTimeout).socketTimeout(requestTimeout);
        }
        // S3-compatible stores (MinIO, S3Proxy, Ceph) differ in the newer flexible checksums: send
        // and check them only where S3 requires them.
        S3ClientBuilder builder = S3Client.builder()
                .endpointOverride(store.endpointUri())
                .region(Region.of(store.region()))
                .forcePathStyle(store.pathStyle())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey())))
                .httpClient(http.build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (requestTimeout != null) {
            builder.overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)));
        }
        this.client = builder.build();
    }

    /** One object under a prefix, with what its metadata says. */
    public record StoredObject(String key, long size, String etag, String contentType, Map<String, String> metadata) {
        public StoredObject {
            metadata = Map.copyOf(metadata == null ? Map.of() : metadata);
        }
    }

    /** Every object under {@code prefix/}, in key order, with its metadata (one HEAD each). */
    public List<StoredObject> list(String prefix) throws IOException {
        String p = prefix.endsWith("/") ? prefix : prefix + "/";
        try {
            List<StoredObject> found = new ArrayList<>();
            for (S3Object o : client.listObjectsV2Paginator(r -> r.bucket(store.bucket()).prefix(p)).contents()) {
                HeadObjectResponse head = client.headObject(r -> r.bucket(store.bucket()).key(o.key()));
                found.add(new StoredObject(o.key(), o.size(), strip(o.eTag()), head.contentType(), head.metadata()));
            }
            return found;
        } catch (SdkException e) {
            throw failure("list " + store.uri(p), e);
        }
    }

    /** The object's content; the caller closes it. */
    public InputStream open(String key) throws IOException {
        try {
            return client.getObject(r -> r.bucket(store.bucket()).key(key));
        } catch (SdkException e) {
            throw failure("read " + store.uri(key), e);
        }
    }

    /** Deletes every object under {@code prefix/}; returns how many. */
    public int deleteAll(String prefix) throws IOException {
        String p = prefix.endsWith("/") ? prefix : prefix + "/";
        try {
            int deleted = 0;
            List<ObjectIdentifier> batch = new ArrayList<>();
            for (S3Object o : client.listObjectsV2Paginator(r -> r.bucket(store.bucket()).prefix(p)).contents()) {
                batch.add(ObjectIdentifier.builder().key(o.key()).build());
                if (batch.size() == 1000) {
                    deleted += delete(batch);
                }
            }
            return deleted + delete(batch);
        } catch (SdkException e) {
            throw failure("delete " + store.uri(p), e);
        }
    }

    /** The first-level "folders" under {@code prefix/} (common prefixes), without the trailing slash. */
    public List<String> folders(String prefix) throws IOException {
        String p = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
        try {
            List<String> folders = new ArrayList<>();
            client.listObjectsV2Paginator(r -> r.bucket(store.bucket()).prefix(p).delimiter("/")).commonPrefixes()
                    .forEach(c -> folders.add(c.prefix().substring(0, c.prefix().length() - 1)));
            return folders;
        } catch (SdkException e) {
            throw failure("list " + store.uri(p), e);
        }
    }

    /** One page of the keys under {@code prefix} (may be empty: the whole bucket), in key order. */
    public record KeyPage(List<String> keys, boolean truncated) {
        public KeyPage {
            keys = List.copyOf(keys);
        }
    }

    /**
     * At most {@code max} keys under {@code prefix} that come after {@code startAfter} (null: from
     * the first), in key order: one request.
     */
    public KeyPage keys(String prefix, String startAfter, int max) throws IOException {
        try {
            ListObjectsV2Response page = client.listObjectsV2(r -> {
                r.bucket(store.bucket()).prefix(prefix).maxKeys(max);
                if (startAfter != null) {
                    r.startAfter(startAfter);
                }
            });
            List<String> keys = new ArrayList<>();
            page.contents().forEach(o -> keys.add(o.key()));
            return new KeyPage(keys, Boolean.TRUE.equals(page.isTruncated()));
        } catch (SdkException e) {
            throw failure("list " + store.uri(prefix), e);
        }
    }

    /** Deletes one object (nothing when there is none). */
    public void delete(String key) throws IOException {
        try {
            client.deleteObject(r -> r.bucket(store.bucket()).key(key));
        } catch (SdkException e) {
            throw failure("delete " + store.uri(key), e);
        }
    }

    private int delete(List<ObjectIdentifier> batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        // one by one: some S3-compatible stores want a Content-MD5 on the batch delete
        for (ObjectIdentifier id : batch) {
            client.deleteObject(r -> r.bucket(store.bucket()).key(id.key()));
        }
        int n = batch.size();
        batch.clear();
        return n;
    }

    private IOException failure(String what, SdkException e) {
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            String why = s3.statusCode() == 403 ? "the store refused the access key (wrong or revoked, or no"
                    + " permission on the bucket)" : s3.statusCode() == 404 ? "no such object or bucket"
                    : "the store answered " + s3.statusCode();
            return new IOException("cannot " + what + ": " + why + (code == null ? "" : " (" + code + ")"));
        }
        if (e instanceof SdkClientException) {
            return new IOException("cannot " + what + ": the store at " + store.endpoint() + " is not reachable ("
                    + e.getMessage() + ")");
        }
        return new IOException("cannot " + what + ": " + e.getMessage());
    }

    private static String strip(String etag) {
        return etag == null ? null : etag.replace("\"", "");
    }

    @Override
    public void close() {
        client.close();
    }
}
