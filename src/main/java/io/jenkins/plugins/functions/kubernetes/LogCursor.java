package io.jenkins.plugins.functions.kubernetes;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * How far a run's log has been copied: the kubelet timestamp of the last line delivered and how
 * many lines carried exactly that timestamp. A follower resumed from a cursor asks the API server
 * for lines since that second (the API's {@code sinceTime} has second precision) and skips what
 * was already delivered, so a reconnect or a controller restart neither repeats nor loses a line.
 * Immutable; a plain class because it is persisted with step executions.
 */
public final class LogCursor implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final LogCursor START = new LogCursor(null, 0);

    /** Epoch nanoseconds would overflow nothing here; kept as seconds + nanos for exactness. */
    private final Long seconds;
    private final int nanos;
    private final int linesAtTime;

    /**
     * @param lastTime    the timestamp of the last delivered line, null when nothing was delivered
     * @param linesAtTime how many delivered lines had exactly {@code lastTime}
     */
    public LogCursor(Instant lastTime, int linesAtTime) {
        this.seconds = lastTime == null ? null : lastTime.getEpochSecond();
        this.nanos = lastTime == null ? 0 : lastTime.getNano();
        this.linesAtTime = linesAtTime;
    }

    public Instant lastTime() {
        return seconds == null ? null : Instant.ofEpochSecond(seconds, nanos);
    }

    public int linesAtTime() {
        return linesAtTime;
    }

    /** The cursor after one more line with the given timestamp. */
    public LogCursor advance(Instant time) {
        if (time.equals(lastTime())) {
            return new LogCursor(time, linesAtTime + 1);
        }
        return new LogCursor(time, 1);
    }

    /**
     * Whether a line at {@code time}, being the {@code indexAtTime}-th line (0-based) seen with that
     * timestamp in the current stream, was already delivered.
     */
    public boolean covers(Instant time, int indexAtTime) {
        Instant last = lastTime();
        if (last == null) {
            return false;
        }
        int order = time.compareTo(last);
        return order < 0 || (order == 0 && indexAtTime < linesAtTime);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogCursor c && Objects.equals(seconds, c.seconds) && nanos == c.nanos
                && linesAtTime == c.linesAtTime;
    }

    @Override
    public int hashCode() {
        return Objects.hash(seconds, nanos, linesAtTime);
    }

    @Override
    public String toString() {
        return lastTime() == null ? "start" : lastTime() + "+" + linesAtTime;
    }
}
