package io.jenkins.plugins.functions.jenkins.history;

import com.fasterxml.jackson.core.type.TypeReference;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The heavy data of a run, kept in files beside the build ({@code <build dir>/function-runs/}),
 * not in {@code build.xml}: Jenkins loads {@code build.xml} for every build it lists, the run's
 * page reads these only when it is shown.
 *
 * <ul>
 *   <li>{@code <run id>.manifests.yaml}: the Kubernetes objects the run created, as rendered,
 *       with the values of Secrets replaced by {@value #REDACTED};
 *   <li>{@code <run id>.outputs.json}: outputs longer than {@link #MAX_INLINE_OUTPUTS} characters.
 * </ul>
 */
public final class RunFiles {

    private static final Logger LOGGER = Logger.getLogger(RunFiles.class.getName());

    /** Outputs up to this many characters of JSON stay in the record; longer ones go to a file. */
    public static final int MAX_INLINE_OUTPUTS = 4096;
    /** What a Secret's values are replaced with in the stored manifests. */
    public static final String REDACTED = "(redacted)";
    /** The largest file the run's page shows; beyond it, the page says how big the file is. */
    static final long MAX_SHOWN = 1024 * 1024;

    private final Path dir;

    /** @param buildDir the build's directory ({@code Run.getRootDir()}) */
    public RunFiles(Path buildDir) {
        this.dir = buildDir.resolve("function-runs");
    }

    Path manifests(String runId) {
        return dir.resolve(runId + ".manifests.yaml");
    }

    Path outputs(String runId) {
        return dir.resolve(runId + ".outputs.json");
    }

    /** Writes the rendered objects of a run, Secrets' values redacted. Failures are logged, never thrown. */
    public void writeManifests(String runId, List<? extends HasMetadata> objects) {
        StringBuilder yaml = new StringBuilder();
        for (HasMetadata object : objects) {
            String doc = Serialization.asYaml(redacted(object));
            yaml.append(doc.startsWith("---") ? doc : "---\n" + doc);
        }
        write(manifests(runId), yaml.toString());
    }

    /** The object as a map, with a Secret's {@code data} and {@code stringData} values replaced. */
    static Map<String, Object> redacted(HasMetadata object) {
        Map<String, Object> map = Serialization.jsonMapper().convertValue(object,
                new TypeReference<LinkedHashMap<String, Object>>() { });
        if ("Secret".equals(object.getKind())) {
            for (String field : List.of("data", "stringData")) {
                if (map.get(field) instanceof Map<?, ?> values) {
                    Map<String, Object> hidden = new LinkedHashMap<>();
                    values.keySet().forEach(k -> hidden.put(String.valueOf(k), REDACTED));
                    map.put(field, hidden);
                }
            }
        }
        return map;
    }

    /**
     * The outputs JSON to keep in the record: itself when short; when long, it is written to
     * {@code <run id>.outputs.json} and null is returned (the record then points to the file).
     */
    public String keepOutputs(String runId, String outputsJson) {
        if (outputsJson == null || outputsJson.length() <= MAX_INLINE_OUTPUTS) {
            return outputsJson;
        }
        return write(outputs(runId), outputsJson) ? null : outputsJson;
    }

    /** The stored manifests, or null when there are none. */
    public String readManifests(String runId) {
        return read(manifests(runId));
    }

    /** Outputs that were too long for the record, or null. */
    public String readOutputs(String runId) {
        return read(outputs(runId));
    }

    private static String read(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            long size = Files.size(file);
            if (size > MAX_SHOWN) {
                return "(" + size + " bytes: too large to show here; the file is " + file.getFileName()
                        + " in the build's directory)";
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOGGER.log(Level.FINE, "could not read " + file, e);
            return null;
        }
    }

    private static boolean write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return true;
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "could not write " + file, e);
            return false;
        }
    }
}
