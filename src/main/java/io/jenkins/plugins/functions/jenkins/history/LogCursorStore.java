package io.jenkins.plugins.functions.jenkins.history;

import hudson.model.Run;
import io.jenkins.plugins.functions.kubernetes.LogCursor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps how far each run's log was copied into the build log, in a small file in the build's
 * directory ({@code function-runs/<run id>.cursor}), written shortly after the lines themselves.
 *
 * <p>Why: a step execution is saved with the Pipeline program only now and then, so after a
 * crash its cursor can be behind the build log, and the resumed run would copy some lines again.
 * This file is at most {@link #FLUSH_DELAY_MS} behind the log; a resumed run starts from
 * whichever of the two is further along.
 */
public final class LogCursorStore {

    private static final Logger LOGGER = Logger.getLogger(LogCursorStore.class.getName());
    static final long FLUSH_DELAY_MS = 200;

    private static final ScheduledExecutorService FLUSHER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "function-runtimes-log-cursor");
        t.setDaemon(true);
        return t;
    });

    /** The latest cursor not yet written, per file. */
    private static final Map<Path, LogCursor> PENDING = new ConcurrentHashMap<>();

    private LogCursorStore() {
    }

    static Path file(Run<?, ?> build, String runId) {
        return build.getRootDir().toPath().resolve("function-runs").resolve(runId + ".cursor");
    }

    /** Records a cursor; written within {@link #FLUSH_DELAY_MS}, coalesced with later ones. */
    public static void record(Run<?, ?> build, String runId, LogCursor cursor) {
        Path file = file(build, runId);
        if (PENDING.put(file, cursor) == null) {
            FLUSHER.schedule(() -> flush(file), FLUSH_DELAY_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Writes a pending cursor now (the run ended or the engine stops). */
    public static void flush(Run<?, ?> build, String runId) {
        flush(file(build, runId));
    }

    private static void flush(Path file) {
        LogCursor cursor = PENDING.remove(file);
        if (cursor == null || cursor.lastTime() == null) {
            return;
        }
        Instant t = cursor.lastTime();
        String text = "seconds=" + t.getEpochSecond() + "\nnanos=" + t.getNano() + "\nlines=" + cursor.linesAtTime()
                + "\n";
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOGGER.log(Level.FINE, "could not write " + file, e);
        }
    }

    /** The stored cursor of a run, or {@link LogCursor#START} when there is none. */
    public static LogCursor load(Run<?, ?> build, String runId) {
        Path file = file(build, runId);
        try {
            if (!Files.exists(file)) {
                return LogCursor.START;
            }
            long seconds = 0;
            int nanos = 0;
            int lines = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String value = line.substring(eq + 1).trim();
                switch (line.substring(0, eq)) {
                    case "seconds" -> seconds = Long.parseLong(value);
                    case "nanos" -> nanos = Integer.parseInt(value);
                    case "lines" -> lines = Integer.parseInt(value);
                    default -> { }
                }
            }
            return new LogCursor(Instant.ofEpochSecond(seconds, nanos), lines);
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.FINE, "could not read " + file, e);
            return LogCursor.START;
        }
    }

    /** The cursor further along of two. */
    public static LogCursor furthest(LogCursor a, LogCursor b) {
        if (a == null || a.lastTime() == null) {
            return b == null ? LogCursor.START : b;
        }
        if (b == null || b.lastTime() == null) {
            return a;
        }
        int order = a.lastTime().compareTo(b.lastTime());
        if (order != 0) {
            return order > 0 ? a : b;
        }
        return a.linesAtTime() >= b.linesAtTime() ? a : b;
    }
}
