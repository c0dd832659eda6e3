package io.jenkins.plugins.functions.jenkins.config;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.functions.jenkins.artifacts.StoreAccess;
import io.jenkins.plugins.functions.jenkins.artifacts.StoreTest;
import io.jenkins.plugins.functions.jenkins.forms.ConfiguredChecks;
import io.jenkins.plugins.functions.jenkins.forms.FormContext;
import io.jenkins.plugins.functions.model.ArtifactStore;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;
import org.springframework.security.access.AccessDeniedException;

/**
 * The S3-compatible store runs keep their artifacts in (docs/artifacts.md): in the global
 * configuration, and optionally in a profile for a team that needs its own. Configuration-as-code:
 * {@code unclassified: functionRuntimes: artifactStore: endpoint: ..., bucket: ..., credentialsId: ...}.
 *
 * <p>Every field is checked when it is set, so an unusable store is refused when the configuration
 * is saved (the message names the field, the value and what is allowed), as {@link ProfileConfig}
 * does; the form checks each field as it is typed with the same rule and message. The credential
 * is a username with password: the access key id and the secret access key.
 */
public class ArtifactStoreConfig extends AbstractDescribableImpl<ArtifactStoreConfig> {

    static final String ENDPOINT_RULE = "must be the store's http:// or https:// URL, such as"
            + " http://minio.minio.svc:9000 or https://s3.eu-west-1.amazonaws.com";
    static final String BUCKET_RULE = "must be a bucket name: 3 to 63 lowercase letters, digits, '.' and '-',"
            + " starting and ending with a letter or digit";
    static final String ROOT_RULE = "must be a key prefix such as jenkins or teams/a: letters, digits and"
            + " '/', '-', '_', '.', no '..', at most 200 characters";
    static final String REGION_RULE = "must be a region name such as us-east-1 or eu-west-1: 1 to 64 letters,"
            + " digits, '-' and '_'; leave it empty for " + ArtifactStore.DEFAULT_REGION;
    static final String LINK_MINUTES_RULE = "must be a whole number of minutes from 1 to "
            + StoreAccess.MAX_LINK_VALIDITY.toMinutes() + " (7 days, the longest a Signature V4 link may live);"
            + " leave it empty for " + StoreAccess.DEFAULT_LINK_VALIDITY.toMinutes();
    static final String RETENTION_RULE = "must be delete (a deleted build's artifacts are deleted from the store)"
            + " or keep (they stay)";
    static final String CREDENTIAL_RULE = "must be the ID of a username with password credential (the access key"
            + " id and the secret access key) that builds can use (scope Global)";
    /** The credential kinds the store's key may be. */
    static final Set<CredentialValue.Kind> CREDENTIAL_KINDS = Set.of(CredentialValue.Kind.USERNAME_PASSWORD);

    private static final String WHERE = "Artifact store";
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern ROOT = Pattern.compile("[A-Za-z0-9/_.-]{0,200}");
    private static final Pattern REGION = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final String endpoint;
    private final String bucket;
    private String region;
    private boolean pathStyle = true;
    private String root;
    private String credentialsId;
    // added with download links and retention; null in configurations saved before: the defaults
    private String publicEndpoint;
    private Integer linkValidityMinutes;
    private String retention;

    /** @throws IllegalArgumentException naming the field, the value and what is allowed */
    @DataBoundConstructor
    public ArtifactStoreConfig(String endpoint, String bucket) {
        this.endpoint = endpoint == null ? null : endpoint.trim();
        this.bucket = bucket == null ? null : bucket.trim();
        checkEndpoint("endpoint", this.endpoint);
        checkBucket(this.bucket);
    }

    // ---- the rules, shared by the setters and the form's checks --------------------------------

    static void checkEndpoint(String field, String endpoint) {
        URI uri;
        try {
            uri = endpoint == null ? null : URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                || uri.getUserInfo() != null) {
            throw refused(field, endpoint, ENDPOINT_RULE + " (without a user or key in it)");
        }
    }

    static void checkBucket(String bucket) {
        if (bucket == null || !BUCKET.matcher(bucket).matches()) {
            throw refused("bucket", bucket, BUCKET_RULE);
        }
    }

    static String checkedRoot(String root) {
        String value = trimToNull(root);
        if (value != null && (!ROOT.matcher(value).matches() || value.contains(".."))) {
            throw refused("root", value, ROOT_RULE);
        }
        return value;
    }

    static String checkedRegion(String region) {
        String value = trimToNull(region);
        if (value != null && !REGION.matcher(value).matches()) {
            throw refused("region", value, REGION_RULE);
        }
        return value;
    }

    static Integer checkedLinkMinutes(Integer minutes) {
        if (minutes != null && (minutes < 1 || minutes > StoreAccess.MAX_LINK_VALIDITY.toMinutes())) {
            throw refused("linkValidityMinutes", minutes, LINK_MINUTES_RULE);
        }
        return minutes;
    }

    static String checkedRetention(String retention) {
        String value = trimToNull(retention);
        if (value == null) {
            return null;
        }
        String lower = value.toLowerCase(Locale.ROOT);
        if (!StoreAccess.Retention.DELETE.id().equals(lower) && !StoreAccess.Retention.KEEP.id().equals(lower)) {
            throw refused("retention", value, RETENTION_RULE);
        }
        return lower;
    }

    private static IllegalArgumentException refused(String field, Object value, String rule) {
        return new IllegalArgumentException(WHERE + ": field '" + field + "': value '" + value + "' " + rule);
    }

    // ---- the fields --------------------------------------------------------------------------

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
        this.region = checkedRegion(region);
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
        this.root = checkedRoot(root);
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    /** A username with password credential: the access key id and the secret access key. */
    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = trimToNull(credentialsId);
    }

    public String getPublicEndpoint() {
        return publicEndpoint;
    }

    /**
     * The store's URL as browsers reach it, for the download links (a Signature V4 link is signed
     * for its host); empty: {@link #getEndpoint()}, for a store users reach at the same URL.
     */
    @DataBoundSetter
    public void setPublicEndpoint(String publicEndpoint) {
        String value = trimToNull(publicEndpoint);
        if (value != null) {
            checkEndpoint("publicEndpoint", value);
        }
        this.publicEndpoint = value;
    }

    public Integer getLinkValidityMinutes() {
        return linkValidityMinutes == null ? Integer.valueOf((int) StoreAccess.DEFAULT_LINK_VALIDITY.toMinutes())
                : linkValidityMinutes;
    }

    /** How long a download link signed for a page view is valid, in minutes; empty: 15. */
    @DataBoundSetter
    public void setLinkValidityMinutes(Integer minutes) {
        this.linkValidityMinutes = checkedLinkMinutes(minutes);
    }

    public String getRetention() {
        return retention == null ? StoreAccess.Retention.DELETE.id() : retention;
    }

    /**
     * {@code delete} (the default): a build's artifacts are deleted from the store once the build
     * is deleted (by the retention pass, docs/artifacts.md); {@code keep}: they stay.
     */
    @DataBoundSetter
    public void setRetention(String retention) {
        this.retention = checkedRetention(retention);
    }

    /** The store as the engine takes it. */
    public ArtifactStore toStore() {
        return new ArtifactStore(endpoint, region, bucket, pathStyle, root);
    }

    /** The store with what the Jenkins side needs of its settings: the credential, links, retention. */
    public StoreAccess toAccess() {
        return new StoreAccess(toStore(), credentialsId, StoreAccess.Retention.of(getRetention()), publicEndpoint,
                Duration.ofMinutes(getLinkValidityMinutes()));
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

        // ---- the form: each field checked as typed with the rule of a save -------------------

        public FormValidation doCheckEndpoint(@QueryParameter String value) {
            return check(() -> checkEndpoint("endpoint", value == null ? null : value.trim()));
        }

        public FormValidation doCheckPublicEndpoint(@QueryParameter String value) {
            return value == null || value.isBlank() ? FormValidation.ok()
                    : check(() -> checkEndpoint("publicEndpoint", value.trim()));
        }

        public FormValidation doCheckBucket(@QueryParameter String value) {
            return check(() -> checkBucket(value == null ? null : value.trim()));
        }

        public FormValidation doCheckRegion(@QueryParameter String value) {
            return check(() -> checkedRegion(value));
        }

        public FormValidation doCheckRoot(@QueryParameter String value) {
            return check(() -> checkedRoot(value));
        }

        public FormValidation doCheckLinkValidityMinutes(@QueryParameter String value) {
            if (value == null || value.isBlank()) {
                return FormValidation.ok();
            }
            Integer minutes;
            try {
                minutes = Integer.valueOf(value.trim());
            } catch (NumberFormatException e) {
                return FormValidation.error(refused("linkValidityMinutes", value.trim(), LINK_MINUTES_RULE).getMessage());
            }
            return check(() -> checkedLinkMinutes(minutes));
        }

        public FormValidation doCheckRetention(@QueryParameter String value) {
            return check(() -> checkedRetention(value));
        }

        public ListBoxModel doFillRetentionItems() {
            ListBoxModel items = new ListBoxModel();
            items.add("Delete a deleted build's artifacts", StoreAccess.Retention.DELETE.id());
            items.add("Keep them in the store", StoreAccess.Retention.KEEP.id());
            return items;
        }

        public ListBoxModel doFillCredentialsIdItems(@QueryParameter String credentialsId) {
            return ConfiguredChecks.credentialItems(null, credentialsId, CREDENTIAL_KINDS);
        }

        @POST
        public FormValidation doCheckCredentialsId(@QueryParameter String value) {
            return ConfiguredChecks.PLAIN.credential(null, value, CREDENTIAL_KINDS, "credentialsId", CREDENTIAL_RULE);
        }

        /**
         * Test the store: with the form's values (not the saved ones), lists one key under the
         * root. Administrators only, and only by POST: it connects to a URL given in the request
         * with a credential of Jenkins.
         */
        @POST
        public FormValidation doTestStore(@QueryParameter String endpoint, @QueryParameter String bucket,
                @QueryParameter String region, @QueryParameter boolean pathStyle, @QueryParameter String root,
                @QueryParameter String credentialsId) {
            if (!FormContext.current().isAdministrator()) {
                throw new AccessDeniedException("Test the store needs the permission to administer Jenkins");
            }
            ArtifactStoreConfig form;
            try {
                form = new ArtifactStoreConfig(endpoint, bucket);
                form.setRegion(region);
                form.setPathStyle(pathStyle);
                form.setRoot(root);
                form.setCredentialsId(credentialsId);
            } catch (IllegalArgumentException e) {
                return FormValidation.error(e.getMessage());
            }
            return StoreTest.run(form.toAccess());
        }

        private static FormValidation check(Runnable rule) {
            try {
                rule.run();
                return FormValidation.ok();
            } catch (IllegalArgumentException e) {
                return FormValidation.error(e.getMessage());
            }
        }
    }
}
