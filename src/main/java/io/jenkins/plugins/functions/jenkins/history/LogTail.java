package io.jenkins.plugins.functions.jenkins.history;

import hudson.model.Run;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The end of a build log, read when a run resumes after a restart: the lines a dead controller
 * copied after the last cursor it stored. The resumed run skips its first lines while they match
 * those, in order ({@link #alreadyCopied}), so no line reaches the build log twice, whenever the
 * controller died.
 *
 * <p>Matching is by text, in order, from where the stored cursor's period began: a resumed line
 * is skipped only if the same text follows the previous skipped one in the build log. A log whose
 * lines repeat the very same text within that window (a fraction of a second) can lose one of
 * them: a line is never copied twice.
 */
public final class LogTail {

    private static final Logger LOGGER = Logger.getLogger(LogTail.class.getName());
    /** The most of the build log read back: far more than one cursor period of any run's lines. */
    static final int MAX_BYTES = 4 * 1024 * 1024;
    /** A console note (a hyperlink, a Pipeline marker): hidden text between these, not a line's text. */
    private static final Pattern NOTE = Pattern.compile("\u001B\\[8mha:[^\u001B]*\u001B\\[0m");

    /** Nothing to skip. */
    public static final LogTail NONE = new LogTail(List.of());

    private final List<String> lines;
    private int next;
    private boolean matching;

    LogTail(List<String> lines) {
        this.lines = lines;
        this.matching = !lines.isEmpty();
    }

    /**
     * The build log's lines from {@code offset} (bytes) to its end; {@link #NONE} when the build
     * keeps its log elsewhere or the offset is unknown.
     */
    public static LogTail read(Run<?, ?> build, Long offset) {
        if (offset == null) {
            return NONE;
        }
        File log = new File(build.getRootDir(), "log");
        if (!log.isFile()) {
            return NONE;
        }
        try (RandomAccessFile in = new RandomAccessFile(log, "r")) {
            long size = in.length();
            long from = Math.max(Math.min(offset, size), size - MAX_BYTES);
            byte[] bytes = new byte[(int) (size - from)];
            in.seek(from);
            in.readFully(bytes);
            return of(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOGGER.log(Level.FINE, "could not read the end of " + log, e);
            return NONE;
        }
    }

    /** The lines of a piece of build log, console notes taken out. */
    static LogTail of(String text) {
        List<String> out = new ArrayList<>();
        for (String line : NOTE.matcher(text).replaceAll("").split("\n", -1)) {
            out.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        }
        return new LogTail(out);
    }

    /**
     * Whether this line, the next one a resumed run would copy, is in the build log already: true
     * while the resumed lines match the end of the log in order; once one does not, never again.
     */
    public synchronized boolean alreadyCopied(String text) {
        if (!matching) {
            return false;
        }
        for (int i = next; i < lines.size(); i++) {
            if (lines.get(i).equals(text)) {
                next = i + 1;
                return true;
            }
        }
        matching = false;
        return false;
    }
}
