package io.jenkins.plugins.functions.testing;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3-compatible server in the test JVM: S3Proxy (the same S3 protocol front end people run
 * in front of other stores) over jclouds' in-memory blob store, on a free port of 127.0.0.1, with
 * Signature V4 authentication and one access key. Starts in about a second; each instance has its
 * own empty store. Never a hand-written fake: requests are parsed, signed and answered by S3Proxy.
 */
public final class S3TestServer implements AutoCloseable {

    public static final String ACCESS_KEY = "test-access-key";
    /** With '/' and '+', as real AWS secret keys have: signing must not choke on them. */
    public static final String SECRET_KEY = "test/secret+key-0123456789";
    public static final String REGION = "us-east-1";

    private final BlobStoreContext context;
    private final S3Proxy proxy;
    private final S3Client client;

    private S3TestServer(BlobStoreContext context, S3Proxy proxy) {
        this.context = context;
        this.proxy = proxy;
        this.client = S3Client.builder().endpointOverride(URI.create(endpoint())).region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClient(UrlConnectionHttpClient.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    /** Starts a server with these buckets. */
    public static S3TestServer start(String... buckets) throws Exception {
        BlobStoreContext context = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
                .build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder().blobStore(context.getBlobStore())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .endpoint(URI.create("http://127.0.0.1:0")).build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(5);
        }
        S3TestServer server = new S3TestServer(context, proxy);
        for (String b : buckets) {
            server.client.createBucket(r -> r.bucket(b));
        }
        return server;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    /** A client with the server's key, to look at what runs stored. */
    public S3Client client() {
        return client;
    }

    /** Every key of the bucket under the prefix. */
    public List<String> keys(String bucket, String prefix) {
        List<String> keys = new ArrayList<>();
        for (S3Object o : client.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
            keys.add(o.key());
        }
        return keys;
    }

    @Override
    public void close() throws Exception {
        client.close();
        proxy.stop();
        context.close();
    }
}
