package io.jenkins.plugins.functions.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The value of one Jenkins credential, resolved for one run by the Jenkins layer (in the context
 * of the build's job) and handed to the runtime, which puts it into a per-run Secret. It lives
 * only in memory while the run's objects are created: it is never persisted, never logged, and
 * its {@link #toString()} names the credential, never its value.
 */
public final class CredentialValue {

    /** The credential types a run can use. */
    public enum Kind {
        /** A single secret string (plain-credentials' secret text). */
        SECRET_TEXT,
        /** A user name and a password (such as a registry robot account). */
        USERNAME_PASSWORD,
        /** A file: a name and its bytes (plain-credentials' secret file). */
        SECRET_FILE
    }

    private final String id;
    private final Kind kind;
    private final String secret;
    private final String username;
    private final String fileName;
    private final byte[] content;

    private CredentialValue(String id, Kind kind, String secret, String username, String fileName, byte[] content) {
        this.id = Objects.requireNonNull(id, "id");
        this.kind = kind;
        this.secret = secret;
        this.username = username;
        this.fileName = fileName;
        this.content = content;
    }

    public static CredentialValue secretText(String id, String secret) {
        return new CredentialValue(id, Kind.SECRET_TEXT, Objects.requireNonNull(secret, "secret"), null, null, null);
    }

    public static CredentialValue usernamePassword(String id, String username, String password) {
        return new CredentialValue(id, Kind.USERNAME_PASSWORD, Objects.requireNonNull(password, "password"),
                Objects.requireNonNull(username, "username"), null, null);
    }

    public static CredentialValue secretFile(String id, String fileName, byte[] content) {
        return new CredentialValue(id, Kind.SECRET_FILE, null, null, Objects.requireNonNull(fileName, "fileName"),
                Objects.requireNonNull(content, "content").clone());
    }

    /** The credential's id in Jenkins. */
    public String id() {
        return id;
    }

    public Kind kind() {
        return kind;
    }

    /** The secret text, or the password of a user name and password; null for a file. */
    public String secret() {
        return secret;
    }

    /** The user name of a user name and password, else null. */
    public String username() {
        return username;
    }

    /** The file name of a secret file, else null. */
    public String fileName() {
        return fileName;
    }

    /** A copy of a secret file's bytes, else null. */
    public byte[] content() {
        return content == null ? null : content.clone();
    }

    /**
     * The strings to mask wherever run output is written: the secret or password, and a secret
     * file's content when it is text. The user name is not secret (Jenkins does not mask it either).
     */
    public List<String> maskedValues() {
        List<String> values = new ArrayList<>();
        if (secret != null && !secret.isEmpty()) {
            values.add(secret);
        }
        if (content != null && content.length > 0) {
            String text = new String(content, java.nio.charset.StandardCharsets.UTF_8);
            if (!text.contains("\uFFFD")) {
                values.add(text.strip());
                text.lines().map(String::strip).filter(l -> l.length() >= 4).forEach(values::add);
            }
        }
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CredentialValue c && id.equals(c.id) && kind == c.kind && Objects.equals(secret, c.secret)
                && Objects.equals(username, c.username) && Objects.equals(fileName, c.fileName)
                && Arrays.equals(content, c.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, kind);
    }

    /** Names the credential only. */
    @Override
    public String toString() {
        return "CredentialValue[" + id + ", " + kind + "]";
    }
}
