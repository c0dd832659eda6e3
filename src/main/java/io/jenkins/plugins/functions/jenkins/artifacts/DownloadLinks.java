package io.jenkins.plugins.functions.jenkins.artifacts;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.model.Run;
import io.jenkins.plugins.functions.jenkins.config.ArtifactStoreConfig;
import io.jenkins.plugins.functions.jenkins.config.FunctionRuntimesConfiguration;
import io.jenkins.plugins.functions.jenkins.config.RunSettings;
import io.jenkins.plugins.functions.model.ArtifactUri;
import io.jenkins.plugins.functions.model.StoreKeys;
import io.jenkins.plugins.functions.run.RunRecord;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The download links of a run's artifacts: pre-signed GET URLs (Signature V4, from the AWS SDK's
 * {@link S3Presigner}), made when the run's page or its REST API is rendered, so only for users
 * Jenkins lets read the job, and valid for the store's configured time (15 minutes by default).
 * Signing is computation only: no request is sent, nothing waits. The store's key never leaves
 * the controller (the link carries a signature made with it, and the access key id, as every
 * Signature V4 link does), and the links are never stored: a page shown later signs new ones.
 *
 * <p>Where there can be no link, each artifact says why: no store configured for the run's
 * profile, its credential gone or not a username with password, or the artifact in another bucket
 * than the configured store's.
 */
public final class DownloadLinks implements AutoCloseable {

    private static final Logger LOGGER = Logger.getLogger(DownloadLinks.class.getName());

    /** What is said when a run's profile has no store. */
    static final String NO_STORE = "no artifact store is configured for this run's profile (Manage Jenkins » System"
            + " » Function Runtimes » Artifact store): read it with the store's own tools";

    /** Where a run's links come from; tests replace Jenkins' configuration and credentials. */
    @FunctionalInterface
    public interface Source {
        /** The links of a run of that build, or why it has none; never null. */
        DownloadLinks forRun(Run<?, ?> build, RunRecord record);
    }

    /** One artifact's link, or why it has none. */
    public record Link(String url, String unavailable) {
    }

    private static volatile Source source = DownloadLinks::fromConfiguration;

    private final StoreAccess access;
    private final S3Presigner presigner;
    private final String unavailable;

    private DownloadLinks(StoreAccess access, S3Presigner presigner, String unavailable) {
        this.access = access;
        this.presigner = presigner;
        this.unavailable = unavailable;
    }

    /** The links of a run, as the current source makes them (the caller closes them). */
    public static DownloadLinks of(Run<?, ?> build, RunRecord record) {
        try {
            return source.forRun(build, record);
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "cannot sign the download links of run " + record.getRunId(), e);
            return none("the links could not be signed (" + e.getClass().getSimpleName() + "; see the Jenkins log)");
        }
    }

    /** For tests: where links come from from now on (null: Jenkins' configuration). Returns the previous source. */
    public static Source setSource(Source value) {
        Source previous = source;
        source = value == null ? DownloadLinks::fromConfiguration : value;
        return previous;
    }

    /** No links, for this reason. */
    public static DownloadLinks none(String why) {
        return new DownloadLinks(null, null, why);
    }

    /** Links to objects of this store, signed with this key. */
    public static DownloadLinks signedBy(StoreAccess access, StoreKeys keys) {
        S3Presigner presigner = S3Presigner.builder()
                .endpointOverride(URI.create(access.downloadEndpoint()))
                .region(Region.of(access.store().region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey())))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(access.store().pathStyle())
                        .build())
                .build();
        return new DownloadLinks(access, presigner, null);
    }

    /** How long the links are valid; null when there are none. */
    public Duration validity() {
        return access == null ? null : access.linkValidity();
    }

    /**
     * The link of the artifact of that URI: a GET of the object valid for {@link #validity()},
     * that downloads it under its file name; or why there is none.
     */
    public Link linkFor(String uri) {
        if (presigner == null) {
            return new Link(null, unavailable);
        }
        ArtifactUri parsed = ArtifactUri.parse(uri);
        if (parsed == null) {
            return new Link(null, "not an s3:// URI");
        }
        if (!parsed.bucket().equals(access.store().bucket())) {
            return new Link(null, "it is in bucket " + parsed.bucket() + ", not in the configured store's ("
                    + access.store().bucket() + ")");
        }
        String disposition = "attachment; filename=\"" + parsed.fileName().replaceAll("[\"\\\\\\p{Cntrl}]", "_") + "\"";
        String url = presigner.presignGetObject(r -> r.signatureDuration(access.linkValidity())
                .getObjectRequest(g -> g.bucket(parsed.bucket()).key(parsed.key())
                        .responseContentDisposition(disposition))).url().toString();
        return new Link(url, null);
    }

    @Override
    public void close() {
        if (presigner != null) {
            presigner.close();
        }
    }

    /**
     * Jenkins' links: the store of the run's profile as configured now, its key from the store's
     * credential as the build finds it (not tracked: a page view is not a use by the build).
     */
    private static DownloadLinks fromConfiguration(Run<?, ?> build, RunRecord record) {
        ArtifactStoreConfig config = RunSettings.of(FunctionRuntimesConfiguration.get())
                .artifactStoreFor(RunArtifactsSetup.profileOf(record));
        return forStore(config == null ? null : config.toAccess(), id -> {
            StandardUsernamePasswordCredentials key = CredentialsProvider.findCredentialById(id,
                    StandardUsernamePasswordCredentials.class, build, List.of());
            return key == null ? null : new StoreKeys(key.getUsername(), key.getPassword().getPlainText());
        });
    }

    /**
     * The links of a run whose profile has this store (null: none), signed with the key its
     * credential gives ({@code keys}: the key of a credential id, null when there is none).
     */
    static DownloadLinks forStore(StoreAccess access, Function<String, StoreKeys> keys) {
        if (access == null) {
            return none(NO_STORE);
        }
        if (access.credentialsId() == null) {
            return none("the artifact store has no credential to sign the links with");
        }
        StoreKeys key = keys.apply(access.credentialsId());
        if (key == null) {
            return none(credentialGone(access.credentialsId()));
        }
        return signedBy(access, key);
    }

    /** Why there are no links when the store's credential cannot be found. */
    public static String credentialGone(String credentialsId) {
        return "the artifact store's credential '" + credentialsId + "' is not a username with password this"
                + " build can use any more, so no link can be signed";
    }
}
