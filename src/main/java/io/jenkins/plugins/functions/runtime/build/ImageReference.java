package io.jenkins.plugins.functions.runtime.build;

import io.jenkins.plugins.functions.spec.SpecException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a built image is pushed: {@code [registry[:port]/]repository[:tag]}, as Docker's
 * reference grammar has it, without a digest (the digest is what the build produces). Immutable.
 *
 * @param registry   the registry host (with its port), {@code docker.io} when the reference names none
 * @param repository the repository path, such as {@code team/web} ({@code library/web} on Docker Hub)
 * @param tag        the tag, {@code latest} when the reference names none
 */
public record ImageReference(String registry, String repository, String tag) {

    public static final String DOCKER_HUB = "docker.io";
    /** The key Docker Hub credentials have in a docker config's {@code auths}. */
    public static final String DOCKER_HUB_AUTH_KEY = "https://index.docker.io/v1/";

    public static final String RULE = "an image reference to push to, such as registry.example.com/team/web:1.0"
            + " ([registry[:port]/]path[:tag]): lower-case path parts of letters, digits and '.', '_', '-'"
            + " separators; a tag of at most 128 letters, digits, '_', '.', '-'; no digest (the build gives it)";

    private static final int MAX_LENGTH = 255;
    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final String DOMAIN = "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*"
            + "[A-Za-z0-9])?)*(?::[0-9]{1,5})?|\\[[0-9A-Fa-f:]+\\](?::[0-9]{1,5})?)";
    private static final Pattern REFERENCE = Pattern.compile(
            "(?:(" + DOMAIN + ")/)?(" + COMPONENT + "(?:/" + COMPONENT + ")*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?");

    public ImageReference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(tag, "tag");
    }

    /**
     * Parses a destination reference.
     *
     * @param field the field the value comes from, for the message
     * @throws SpecException naming the field, the value and the grammar
     */
    public static ImageReference parse(String field, String value) throws SpecException {
        if (value == null || value.isBlank()) {
            throw new SpecException(field, value, RULE);
        }
        if (value.contains("@")) {
            throw new SpecException(field, value, "no digest: the build pushes a tag and returns the digest it"
                    + " pushed; " + RULE);
        }
        Matcher m = REFERENCE.matcher(value);
        if (value.length() > MAX_LENGTH || !m.matches()) {
            throw new SpecException(field, value, RULE);
        }
        String first = m.group(1);
        String path = m.group(2);
        // As Docker reads it: the first part is a registry only when it looks like a host.
        if (first != null && !(first.contains(".") || first.contains(":") || first.equals("localhost"))) {
            path = first + "/" + path;
            first = null;
            if (!REFERENCE.matcher(path).matches() || !path.equals(path.toLowerCase(java.util.Locale.ROOT))) {
                throw new SpecException(field, value, RULE);
            }
        }
        String registry = first == null ? DOCKER_HUB : first;
        if (registry.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        return new ImageReference(registry, path, m.group(3) == null ? "latest" : m.group(3));
    }

    /** The reference to push to: {@code registry/repository:tag}. */
    public String name() {
        return registry + "/" + repository + ":" + tag;
    }

    /** The pushed image, pinned: {@code registry/repository:tag@sha256:...}. */
    public String withDigest(String digest) {
        return name() + "@" + digest;
    }

    /** The key of this registry in a docker config's {@code auths}. */
    public String authKey() {
        return DOCKER_HUB.equals(registry) ? DOCKER_HUB_AUTH_KEY : registry;
    }

    /** The last part of the repository path, such as {@code web}: a default function name. */
    public String shortName() {
        return repository.substring(repository.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return name();
    }
}
