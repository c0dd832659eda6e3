package io.jenkins.plugins.functions.jenkins.history;

import hudson.model.Run;
import io.jenkins.plugins.functions.kubernetes.LogCursor;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps how far each run's log was copied into the build log, in a small file in the build's
 * directory ({@code function-runs/<run id>.cursor}), with the build log's size at that point.
 *
 * <p>A run's listener checkpoints its log every {@link #CHECKPOINT_MS} while lines come: on the
 * thread that writes the run's lines, it flushes the build log, reads its size, and writes both
 * here. Every line up to the cursor is then in the build log before that size, and no line of the
 * run after the cursor is: a controller that dies at any moment resumes from the cursor and skips
 * the lines after it that the build log already has ({@link LogTail}, reading from that size on),
 * and the Pipeline's own copy of the cursor (saved with the program now and then) is never ahead
 * of the build log on disk.
 */
public final class LogCursorStore {

    private static final Logger LOGGER = Logger.getLogger(LogCursorStore.class.getName());
    /** How often a run's log position is made durable while lines come. */
    static final long CHECKPOINT_MS = 200;

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "function-runtimes-log-cursor");
        t.setDaemon(true);
        return t;
    });

    private LogCursorStore() {
    }

    /**
     * A cursor and the build log's size in bytes when every line up to it, and none after it, had
     * been written (null when unknown): where a resumed run looks for lines it copied already.
     */
    public record Stored(LogCursor cursor, Long logOffset) {
        public static final Stored NONE = new Stored(LogCursor.START, null);

        public Stored {
            cursor = cursor == null ? LogCursor.START : cursor;
        }
    }

    static Path file(Run<?, ?> build, String runId) {
        return build.getRootDir().toPath().resolve("function-runs").resolve(runId + ".cursor");
    }

    /** Runs {@code task} after a checkpoint period, on the store's one timer thread (which must only hand it on). */
    public static void afterCheckpointPeriod(Runnable task) {
        TIMER.schedule(task, CHECKPOINT_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * The size of the build's log file ({@code <build dir>/log}, where Jenkins keeps the log of
     * freestyle and Pipeline builds), or null when the log is kept elsewhere.
     */
    public static Long logSize(Run<?, ?> build) {
        File log = new File(build.getRootDir(), "log");
        return log.isFile() ? log.length() : null;
    }

    /** Writes a run's position, atomically. Failures are logged: the previous position stays. */
    public static void write(Run<?, ?> build, String runId, Stored position) {
        if (position.cursor().lastTime() == null) {
            return;
        }
        Path file = file(build, runId);
        Instant t = position.cursor().lastTime();
        String text = "seconds=" + t.getEpochSecond() + "\nnanos=" + t.getNano() + "\nlines="
                + position.cursor().linesAtTime() + "\n" + (position.logOffset() == null ? ""
                : "logOffset=" + position.logOffset() + "\n");
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

    /** The stored cursor of a run, or {@link Stored#NONE} when there is none. */
    public static Stored load(Run<?, ?> build, String runId) {
        Path file = file(build, runId);
        try {
            if (!Files.exists(file)) {
                return Stored.NONE;
            }
            long seconds = 0;
            int nanos = 0;
            int lines = 0;
            Long offset = null;
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
                    case "logOffset" -> offset = Long.parseLong(value);
                    default -> { }
                }
            }
            return new Stored(new LogCursor(Instant.ofEpochSecond(seconds, nanos), lines), offset);
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.FINE, "could not read " + file, e);
            return Stored.NONE;
        }
    }

    /** The position further along of two (its own log offset with it). */
    public static Stored furthest(Stored a, Stored b) {
        if (a == null) {
            return b == null ? Stored.NONE : b;
        }
        if (b == null) {
            return a;
        }
        return furthest(a.cursor(), b.cursor()) == a.cursor() ? a : b;
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
