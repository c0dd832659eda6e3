package io.jenkins.plugins.functions.jenkins.artifacts;

import hudson.util.FormValidation;
import io.jenkins.plugins.functions.jenkins.forms.FormContext;
import io.jenkins.plugins.functions.model.StoreKeys;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import java.io.IOException;
import java.time.Duration;

/**
 * The store form's "Test the store": with the form's values and the credential they name (looked
 * up in Jenkins' own context, as the drop-down lists it), one request that lists at most one key
 * under the store's root. That proves what runs and the retention pass need first: the endpoint
 * answers, the bucket exists and the key may list it. It writes nothing. The request waits at most
 * {@link #REQUEST_TIMEOUT} to connect and to read, without retries; the answer never shows the key.
 */
public final class StoreTest {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private StoreTest() {
    }

    public static FormValidation run(StoreAccess access) {
        StoreKeys keys;
        try {
            keys = keys(access.credentialsId());
        } catch (IOException e) {
            return FormValidation.error(e.getMessage());
        }
        String root = access.store().root();
        String prefix = root.isEmpty() ? "" : root + "/";
        try (ArtifactStoreClient client = new ArtifactStoreClient(access.store(), keys, REQUEST_TIMEOUT)) {
            ArtifactStoreClient.KeyPage page = client.keys(prefix, null, 1);
            String where = access.store().uri(prefix);
            return FormValidation.ok(page.keys().isEmpty()
                    ? "The store answered: " + where + " can be listed; nothing is stored there yet"
                    : "The store answered: " + where + " can be listed; the first key is " + page.keys().get(0));
        } catch (IOException e) {
            return FormValidation.error(e.getMessage());
        } catch (RuntimeException e) {
            // the SDK's own, such as a region it refuses: only its kind, its message may quote the settings
            return FormValidation.error("Cannot reach the store: the client could not be built from these settings ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static StoreKeys keys(String credentialsId) throws IOException {
        String field = "Artifact store: field 'credentialsId': ";
        if (credentialsId == null) {
            throw new IOException(field + "value 'null' must be the ID of a username with password credential (the"
                    + " access key id and the secret access key): the store is listed with it");
        }
        CredentialValue value = FormContext.current().credentialValue(credentialsId);
        if (value == null) {
            throw new IOException(field + "value '" + credentialsId + "' must be the ID of a username with password"
                    + " credential that builds can use (scope Global); none with this id is visible here");
        }
        if (value.kind() != CredentialValue.Kind.USERNAME_PASSWORD) {
            throw new IOException(field + "value '" + credentialsId + "' must be the ID of a username with password"
                    + " credential (the access key id and the secret access key), not a "
                    + (value.kind() == CredentialValue.Kind.SECRET_TEXT ? "secret text" : "secret file"));
        }
        return new StoreKeys(value.username(), value.secret());
    }
}
