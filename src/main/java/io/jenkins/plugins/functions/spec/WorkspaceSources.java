package io.jenkins.plugins.functions.spec;

import io.jenkins.plugins.functions.model.FunctionSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a function's code from the workspace into its spec: {@code source: {path: src/handler}}
 * becomes {@code source: {files: {handler.py: ..., util/io.py: ...}}}, the form runtimes plan
 * from. So the code is part of the spec, its version changes when the code changes, and the
 * run's record says exactly what ran.
 *
 * <p>Where the workspace is (the controller's disk, an agent, the command line's directory) is
 * the caller's: it hands a {@link Reader}.
 */
public final class WorkspaceSources {

    /** At most this many files from one folder: a source folder, not a repository checkout. */
    public static final int MAX_FILES = 500;
    /** At most this much text from the workspace (the runtime applies its own, smaller limits). */
    public static final int MAX_BYTES = 1024 * 1024;

    /** The workspace, as the caller reaches it. Paths are relative to the workspace, with '/'. */
    public interface Reader {
        boolean exists(String path) throws IOException;

        boolean isDirectory(String path) throws IOException;

        String read(String path) throws IOException;

        /** The regular files under a folder, as paths relative to that folder, with '/'. */
        List<String> list(String folder) throws IOException;
    }

    private WorkspaceSources() {
    }

    /** The spec with {@code source.path} read into {@code source.files}; unchanged when it has none. */
    public static FunctionSpec resolve(FunctionSpec spec, Reader workspace) throws SpecException, IOException {
        if (!(spec.field("source") instanceof Map<?, ?> source) || !(source.get("path") instanceof String path)) {
            return spec;
        }
        String field = "source.path";
        if (path.startsWith("/") || path.contains("..") || path.contains("\\")) {
            throw new SpecException(field, path, "must be a path inside the workspace, such as src/handler.py or src/");
        }
        String clean = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (!workspace.exists(clean)) {
            throw new SpecException(field, path, "must name a file or folder that exists in the workspace");
        }
        Map<String, Object> files = new TreeMap<>();
        int bytes = 0;
        if (workspace.isDirectory(clean)) {
            List<String> names = workspace.list(clean).stream().filter(WorkspaceSources::isSource).sorted().toList();
            if (names.isEmpty()) {
                throw new SpecException(field, path, "must be a folder with at least one file");
            }
            if (names.size() > MAX_FILES) {
                throw new SpecException(field, path, "must hold at most " + MAX_FILES + " files (it holds "
                        + names.size() + "); build an image or use a git source for larger code");
            }
            for (String name : names) {
                String text = workspace.read(clean + "/" + name);
                bytes += text.getBytes(StandardCharsets.UTF_8).length;
                files.put(name, text);
            }
        } else {
            String text = workspace.read(clean);
            bytes += text.getBytes(StandardCharsets.UTF_8).length;
            files.put(clean.substring(clean.lastIndexOf('/') + 1), text);
        }
        if (bytes > MAX_BYTES) {
            throw new SpecException(field, path, "must hold at most " + MAX_BYTES + " bytes of code (it holds " + bytes
                    + "); build an image or use a git source for larger code");
        }
        Map<String, Object> resolved = new LinkedHashMap<>();
        source.forEach((k, v) -> {
            if (!"path".equals(k)) {
                resolved.put(String.valueOf(k), v);
            }
        });
        resolved.put("files", files);
        return spec.withField("source", resolved);
    }

    /** Leaves out what is not source: caches, VCS folders, compiled files. */
    static boolean isSource(String relative) {
        for (String part : relative.split("/")) {
            if (part.equals("__pycache__") || part.equals(".git") || part.equals(".venv") || part.equals("node_modules")) {
                return false;
            }
        }
        return !relative.endsWith(".pyc") && !relative.endsWith(".pyo");
    }
}
