package io.jenkins.plugins.functions.runtime.build;

import io.jenkins.plugins.functions.spec.SpecException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * Packs a build context as a tar.gz small enough to travel in a ConfigMap. The archive is
 * reproducible: entries sorted by path, owner 1000 (the builder's user), modification time 0, so
 * the same files give the same bytes and the same SHA-256.
 *
 * <p>Limits, checked while packing: at most {@link #MAX_BYTES} packed (a ConfigMap holds at most
 * 1 MiB) and at most {@link #MAX_UNPACKED_BYTES} read, so a large folder is refused before all of
 * it crosses from the agent.
 */
public final class ContextArchive {

    /** The most a packed context may weigh: a ConfigMap's data is at most 1 MiB. */
    public static final int MAX_BYTES = 1024 * 1024;
    /** The most a context may hold before packing; beyond that it cannot pack under the limit anyway. */
    public static final long MAX_UNPACKED_BYTES = 32L * 1024 * 1024;
    /** The most files a context may hold. */
    public static final int MAX_FILES = 10_000;

    static final String TOO_BIG_ADVICE = "use a git context (gitUrl and gitRef) for larger contexts, or leave"
            + " out what the image does not need";

    /** One file of a context. */
    public record Entry(byte[] content, boolean executable) {
        public Entry {
            content = content.clone();
        }

        public static Entry of(String text) {
            return new Entry(text.getBytes(StandardCharsets.UTF_8), false);
        }
    }

    private final String field;
    private final String origin;
    private final TreeMap<String, Entry> entries = new TreeMap<>();
    private long unpacked;

    /**
     * @param field  the field the context comes from ({@code context}), for messages
     * @param origin what is packed, such as {@code workspace folder 'app'}
     */
    public ContextArchive(String field, String origin) {
        this.field = field;
        this.origin = origin;
    }

    /** Adds a file, refusing a context that grows past the limits. */
    public ContextArchive add(String path, Entry entry) throws SpecException {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || ("/" + path + "/").contains("/../")
                || ("/" + path + "/").contains("/./")) {
            throw new SpecException(field, path, "files of a build context must have relative paths inside it");
        }
        unpacked += entry.content().length;
        if (entries.size() >= MAX_FILES) {
            throw new SpecException(field, origin, "at most " + MAX_FILES + " files in a build context; "
                    + TOO_BIG_ADVICE);
        }
        if (unpacked > MAX_UNPACKED_BYTES) {
            throw new SpecException(field, origin + " (more than " + MAX_UNPACKED_BYTES + " bytes before packing)",
                    "at most " + MAX_BYTES + " bytes (1 MiB) packed, as the context is uploaded in a ConfigMap; "
                            + TOO_BIG_ADVICE);
        }
        entries.put(path, entry);
        return this;
    }

    public ContextArchive add(String path, String text) throws SpecException {
        return add(path, Entry.of(text));
    }

    /** The paths added so far, sorted. */
    public java.util.Set<String> paths() {
        return java.util.Collections.unmodifiableSet(entries.keySet());
    }

    /** Packs the files: the archive, or a refusal that says its size and the limit. */
    public BuildContext.Archive pack() throws SpecException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                writeEntry(gzip, e.getKey(), e.getValue());
            }
            gzip.write(new byte[1024]); // two zero blocks end a tar
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
        byte[] tarGz = bytes.toByteArray();
        if (tarGz.length > MAX_BYTES) {
            throw new SpecException(field, origin + " (" + tarGz.length + " bytes packed)", "at most " + MAX_BYTES
                    + " bytes (1 MiB) packed, as the context is uploaded in a ConfigMap; " + TOO_BIG_ADVICE);
        }
        return new BuildContext.Archive(tarGz, origin, sha256(tarGz));
    }

    // ---- tar (ustar) ------------------------------------------------------------------------------

    private void writeEntry(OutputStream out, String path, Entry entry) throws IOException, SpecException {
        byte[] header = new byte[512];
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = new byte[0];
        if (name.length > 100) {
            int split = path.lastIndexOf('/', Math.min(path.length() - 1, 155));
            while (split > 0 && (path.substring(split + 1).getBytes(StandardCharsets.UTF_8).length > 100
                    || path.substring(0, split).getBytes(StandardCharsets.UTF_8).length > 155)) {
                split = path.lastIndexOf('/', split - 1);
            }
            if (split <= 0) {
                throw new SpecException(field, path, "paths of at most 255 bytes in a build context (a file name"
                        + " of at most 100 bytes)");
            }
            prefix = path.substring(0, split).getBytes(StandardCharsets.UTF_8);
            name = path.substring(split + 1).getBytes(StandardCharsets.UTF_8);
        }
        System.arraycopy(name, 0, header, 0, name.length);
        octal(header, 100, 8, entry.executable() ? 0755 : 0644);
        octal(header, 108, 8, 1000);
        octal(header, 116, 8, 1000);
        octal(header, 124, 12, entry.content().length);
        octal(header, 136, 12, 0);
        header[156] = '0';
        System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 8);
        System.arraycopy(prefix, 0, header, 345, prefix.length);
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        octal(header, 148, 7, sum);
        out.write(header);
        out.write(entry.content());
        int pad = (512 - entry.content().length % 512) % 512;
        out.write(new byte[pad]);
    }

    private static void octal(byte[] header, int offset, int length, long value) {
        String text = Long.toOctalString(value);
        String padded = "0".repeat(Math.max(0, length - 1 - text.length())) + text;
        byte[] b = padded.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, header, offset, b.length);
        header[offset + length - 1] = 0;
    }

    static String sha256(byte[] bytes) {
        try {
            return BuildContext.Archive.hex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
