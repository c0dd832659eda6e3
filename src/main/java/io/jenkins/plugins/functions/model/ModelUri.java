package io.jenkins.plugins.functions.model;

import java.util.Locale;
import java.util.Objects;

/**
 * Where a model's weights come from, as a model function names it: a Hugging Face id
 * ({@code Qwen/Qwen2.5-0.5B-Instruct}), an object store location ({@code s3://bucket/path}), a
 * path in a PersistentVolumeClaim ({@code pvc://claim/path}) or a file on the web
 * ({@code https://host/model.joblib}). Immutable; checked by the model runtimes' parsers, which
 * decide which schemes they take.
 *
 * @param scheme what kind of location this is
 * @param text   the location as the user wrote it (the canonical form)
 * @param claim  for {@link Scheme#PVC}: the claim's name, else null
 * @param path   for {@link Scheme#PVC}: the path inside the claim without leading '/', empty for
 *               its root; for {@link Scheme#S3} and {@link Scheme#HTTPS}: the part after the host
 *               or bucket; for {@link Scheme#HF}: the id
 */
public record ModelUri(Scheme scheme, String text, String claim, String path) {

    /** The kinds of location. */
    public enum Scheme {
        /** A Hugging Face model id, written bare ({@code org/name}) or {@code hf://org/name}. */
        HF,
        /** An S3 (or S3-compatible) bucket and key or prefix. */
        S3,
        /** A PersistentVolumeClaim in the run's namespace, mounted read-only. */
        PVC,
        /** A file downloaded over HTTPS. */
        HTTPS,
        /** An Ollama library model ({@code ollama://qwen2:0.5b}), for KubeAI's OLlama engine. */
        OLLAMA;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ModelUri {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(text, "text");
        path = path == null ? "" : path;
    }

    /** The last segment of the path ({@code model.joblib} of {@code https://h/a/model.joblib}), or "". */
    public String baseName() {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        int slash = p.lastIndexOf('/');
        return slash < 0 ? p : p.substring(slash + 1);
    }

    @Override
    public String toString() {
        return text;
    }
}
