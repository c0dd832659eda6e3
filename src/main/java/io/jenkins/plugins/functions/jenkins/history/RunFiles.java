package io.jenkins.plugins.functions.jenkins.history;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.functions.run.RunRecord;
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
 *   <li>{@code <run id>.json}: the run's whole record ({@link StoredRun}: the {@link RunRecord},
 *       what started the build), rewritten atomically at each change of state; {@code build.xml}
 *       keeps only the run's summary ({@link FunctionRunAction});
 *   <li>{@code <run id>.manifests.yaml}: the Kubernetes objects the run created, as rendered,
 *       with the values of Secrets replaced by {@value #REDACTED};
 *   <li>{@code <run id>.cursor}: how far its log was copied ({@link LogCursorStore});
 *   <li>{@code <run id>.outputs.json}: long outputs of runs recorded by earlier versions, which
 *       kept the record in {@code build.xml}.
 * </ul>
 */
public final class RunFiles {

    private static final Logger LOGGER = Logger.getLogger(RunFiles.class.getName());

    /** The version of the record files' format this plugin writes. */
    static final int FORMAT = 1;
    /** JSON field by field: the record's own fields, not its getters, so old and new readers agree. */
    private static final ObjectMapper RECORDS = new ObjectMapper()
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /** What a Secret's values are replaced with in the stored manifests. */
    public static final String REDACTED = "(redacted)";
    /** The largest file the run's page shows; beyond it, the page says how big the file is. */
    static final long MAX_SHOWN = 1024 * 1024;

    /** Record files written and their bytes since Jenkins started: what a run costs the disk (the benchmark prints it). */
    private static final java.util.concurrent.atomic.LongAdder RECORD_WRITES = new java.util.concurrent.atomic.LongAdder();
    private static final java.util.concurrent.atomic.LongAdder RECORD_BYTES = new java.util.concurrent.atomic.LongAdder();

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

    Path record(String runId) {
        return dir.resolve(runId + ".json");
    }

    /** The ids of the runs that have a record file here. */
    public List<String> recordedRuns() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".json") && !n.endsWith(".outputs.json") && n.indexOf('.') == n.length() - 5)
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        } catch (IOException e) {
            LOGGER.log(Level.FINE, "could not list " + dir, e);
            return List.of();
        }
    }

    /**
     * Writes a run's whole record atomically (a temporary file renamed over the old one), holding
     * the record's lock meanwhile so no change is half written.
     *
     * @return the bytes written, or -1 when it could not be written (logged)
     */
    public long writeRecord(StoredRun run) {
        // The lock is held through the rename too: two writers of one record (its run, and a stop
        // from elsewhere) never put an older copy over a newer one.
        synchronized (run.record()) {
            byte[] json;
            try {
                json = RECORDS.writeValueAsBytes(run);
            } catch (IOException e) {
                LOGGER.log(Level.WARNING, "could not write the record of run " + run.record().getRunId(), e);
                return -1;
            }
            if (!write(record(run.record().getRunId()), json)) {
                return -1;
            }
            RECORD_WRITES.increment();
            RECORD_BYTES.add(json.length);
            return json.length;
        }
    }

    /** How many record files were written since Jenkins started. */
    public static long recordWrites() {
        return RECORD_WRITES.sum();
    }

    /** The bytes of the record files written since Jenkins started. */
    public static long recordBytes() {
        return RECORD_BYTES.sum();
    }

    /** A run's stored record, or null when there is none (or it cannot be read: logged). */
    public StoredRun readRecord(String runId) {
        Path file = record(runId);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            StoredRun run = RECORDS.readValue(file.toFile(), StoredRun.class);
            return run.record() == null || !runId.equals(run.record().getRunId()) ? null : run;
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "could not read the record of run " + runId + " from " + file, e);
            return null;
        }
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

    /** The stored manifests, or null when there are none. */
    public String readManifests(String runId) {
        return read(manifests(runId));
    }

    /** Outputs that were too long for a record kept in build.xml (earlier versions), or null. */
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
        return write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, content);
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
