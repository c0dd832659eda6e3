package io.jenkins.plugins.functions.runtime.build;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** Reads a tar.gz back for tests: path to content, in archive order (regular files of ustar only). */
public final class TarGz {

    private TarGz() {
    }

    public static Map<String, String> read(byte[] tarGz) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(tarGz))) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512) {
                if (header[0] == 0) {
                    break;
                }
                String name = text(header, 0, 100);
                String prefix = text(header, 345, 155);
                long size = Long.parseLong(text(header, 124, 12).trim(), 8);
                long sum = 0;
                for (int i = 0; i < 512; i++) {
                    sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xff;
                }
                if (sum != Long.parseLong(text(header, 148, 7).trim(), 8)) {
                    throw new IOException("bad checksum for " + name);
                }
                byte[] content = in.readNBytes((int) size);
                in.readNBytes((int) ((512 - size % 512) % 512));
                files.put(prefix.isEmpty() ? name : prefix + "/" + name, new String(content, StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    /** The octal mode of an entry. */
    public static int mode(byte[] tarGz, String path) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(tarGz))) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                long size = Long.parseLong(text(header, 124, 12).trim(), 8);
                String prefix = text(header, 345, 155);
                String name = text(header, 0, 100);
                if ((prefix.isEmpty() ? name : prefix + "/" + name).equals(path)) {
                    return Integer.parseInt(text(header, 100, 8).trim(), 8);
                }
                in.readNBytes((int) (size + (512 - size % 512) % 512));
            }
        }
        throw new IOException("no " + path);
    }

    private static String text(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }
}
