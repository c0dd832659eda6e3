package io.jenkins.plugins.functions.jenkins.config;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import io.jenkins.plugins.functions.model.ArtifactStore;
import java.net.URI;
import java.util.regex.Pattern;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * The S3-compatible store runs keep their artifacts in (docs/artifacts.md): in the global
 * configuration, and optionally in a profile for a team that needs its own. Configuration-as-code:
 * {@code unclassified: functionRuntimes: artifactStore: endpoint: ..., bucket: ..., credentialsId: ...}.
 *
 * <p>Every field is checked when it is set, so an unusable store is refused when the configuration
 * is saved (the message names the field, the value and what is allowed), as {@link ProfileConfig}
 * does. The credential is a username with password: the access key id and the secret access key.
 */
public class ArtifactStoreConfig extends AbstractDescribableImpl<ArtifactStoreConfig> {

    static final String ENDPOINT_RULE = "must be the store's http:// or https:// URL, such as"
            + " http://minio.minio.svc:9000 or https://s3.eu-west-1.amazonaws.com";
    static final String BUCKET_RULE = "must be a bucket name: 3 to 63 lowercase letters, digits, '.' and '-',"
            + " starting and ending with a letter or digit";
    static final String ROOT_RULE = "must be a key prefix such as jenkins or teams/a: letters, digits and"
            + " '/', '-', '_', '.', no '..', at most 200 characters";
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern ROOT = Pattern.compile("[A-Za-z0-9/_.-]{0,200}");

    private final String endpoint;
    private final String bucket;
    private String region;
    private boolean pathStyle = true;
    private String root;
    private String credentialsId;

    /** @throws IllegalArgumentException naming the field, the value and what is allowed */
    @DataBoundConstructor
    public ArtifactStoreConfig(String endpoint, String bucket) {
        this.endpoint = endpoint == null ? null : endpoint.trim();
        this.bucket = bucket == null ? null : bucket.trim();
        checkEndpoint(this.endpoint);
        if (this.bucket == null || !BUCKET.matcher(this.bucket).matches()) {
            throw new IllegalArgumentException("Artifact store: field 'bucket': value '" + this.bucket + "' "
                    + BUCKET_RULE);
        }
    }

    static void checkEndpoint(String endpoint) {
        URI uri;
        try {
            uri = endpoint == null ? null : URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                || uri.getUserInfo() != null) {
            throw new IllegalArgumentException("Artifact store: field 'endpoint': value '" + endpoint + "' "
                    + ENDPOINT_RULE + " (without a user or key in it)");
        }
    }

    public String getEndpoint() {
        return endpoint;
    }

    public String getBucket() {
        return bucket;
    }

    public String getRegion() {
        return region;
    }

    /** The region requests are signed for; empty: {@value ArtifactStore#DEFAULT_REGION}. */
    @DataBoundSetter
    public void setRegion(String region) {
        this.region = trimToNull(region);
    }

    public boolean isPathStyle() {
        return pathStyle;
    }

    /** The bucket in the path ({@code http://host/bucket/key}), as MinIO wants; on by default. */
    @DataBoundSetter
    public void setPathStyle(boolean pathStyle) {
        this.pathStyle = pathStyle;
    }

    public String getRoot() {
        return root;
    }

    /** A key prefix every run's prefix starts with; empty for none. */
    @DataBoundSetter
    public void setRoot(String root) {
        String value = trimToNull(root);
        if (value != null && (!ROOT.matcher(value).matches() || value.contains(".."))) {
            throw new IllegalArgumentException("Artifact store: field 'root': value '" + value + "' " + ROOT_RULE);
        }
        this.root = value;
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    /** A username with password credential: the access key id and the secret access key. */
    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = trimToNull(credentialsId);
    }

    /** The store as the engine takes it. */
    public ArtifactStore toStore() {
        return new ArtifactStore(endpoint, region, bucket, pathStyle, root);
    }

    private static String trimToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Extension
    @Symbol("artifactStore")
    public static final class DescriptorImpl extends Descriptor<ArtifactStoreConfig> {
        @Override
        public String getDisplayName() {
            return "Artifact store";
        }
    }
}
