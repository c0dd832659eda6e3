package io.jenkins.plugins.functions.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What the simulated kubelet makes of one container: how long it stays pending, whether it can
 * be scheduled or pulled at all, what it writes to its log and when, how it ends and when it is
 * ready. Immutable: every modifier returns a new instance, so one behaviour can be shared between
 * registrations ({@link ClusterSimulator#onImage}).
 *
 * <p>Timeline of one container run (all offsets from the moment the container starts running):
 * <ul>
 *   <li>lines added with {@link #log}/{@link #logs} are spread evenly over {@link #runFor}: line
 *       {@code i} of {@code n} is written at {@code runFor * i / n} (so the first line at once);
 *   <li>lines of {@link #logEvery}{@code (interval, count, prefix)} are {@code prefix + k} for
 *       {@code k = 1..count}, written at {@code (k - 1) * interval};
 *   <li>the container terminates at {@code max(runFor, offset of the last line)}, unless it
 *       {@link #runForever() runs forever}.
 * </ul>
 *
 * <p>Whether a terminated container is started again is the pod's {@code restartPolicy}, as in
 * Kubernetes: {@code Always} restarts it after any exit (that is how {@link #crashLoop()} and a
 * finite behaviour on a Deployment pod end in {@code CrashLoopBackOff}), {@code OnFailure} after a
 * non-zero exit, {@code Never} not at all.
 */
public final class PodBehavior {

    /** A log line and when, after the container started, it is written. */
    record TimedLine(Duration offset, String text) {}

    private record Periodic(Duration interval, int count, String prefix) {}

    private final String unschedulableMessage;
    private final Duration pendingFor;
    private final boolean imagePullFails;
    private final Duration runFor;
    private final boolean runForever;
    private final List<String> spreadLines;
    private final List<Periodic> periodic;
    private final List<TimedLine> timedLines;
    private final int exitCode;
    private final boolean oomKilled;
    private final String terminationMessage;
    private final Duration readyAfter;
    private final boolean neverReady;
    private final Duration restartBackoff;
    private final Duration terminalStatusLag;

    private PodBehavior(String unschedulableMessage, Duration pendingFor, boolean imagePullFails,
            Duration runFor, boolean runForever, List<String> spreadLines, List<Periodic> periodic,
            List<TimedLine> timedLines, int exitCode, boolean oomKilled, String terminationMessage,
            Duration readyAfter, boolean neverReady, Duration restartBackoff, Duration terminalStatusLag) {
        this.unschedulableMessage = unschedulableMessage;
        this.pendingFor = pendingFor;
        this.imagePullFails = imagePullFails;
        this.runFor = runFor;
        this.runForever = runForever;
        this.spreadLines = List.copyOf(spreadLines);
        this.periodic = List.copyOf(periodic);
        this.timedLines = List.copyOf(timedLines);
        this.exitCode = exitCode;
        this.oomKilled = oomKilled;
        this.terminationMessage = terminationMessage;
        this.readyAfter = readyAfter;
        this.neverReady = neverReady;
        this.restartBackoff = restartBackoff;
        this.terminalStatusLag = terminalStatusLag;
    }

    private Builder toBuilder() {
        return new Builder(this);
    }

    // ---------------------------------------------------------------- factories

    /** Runs for no time, writes nothing and exits 0 (the default for pods that do not restart). */
    public static PodBehavior succeed() {
        return new PodBehavior(null, Duration.ZERO, false, Duration.ZERO, false, List.of(), List.of(),
                List.of(), 0, false, null, Duration.ZERO, false, null, Duration.ZERO);
    }

    /** Like {@link #succeed()} but exits with {@code exitCode} (reason {@code Error} unless 0). */
    public static PodBehavior fail(int exitCode) {
        return succeed().exitCode(exitCode);
    }

    /** Starts, is ready at once and runs until its pod is deleted (the default for {@code restartPolicy: Always}). */
    public static PodBehavior longRunning() {
        return succeed().runForever();
    }

    // ---------------------------------------------------------------- modifiers

    /** Sets the exit code the container terminates with. */
    public PodBehavior exitCode(int code) {
        Builder b = toBuilder();
        b.exitCode = code;
        return b.build();
    }

    /** Terminates with reason {@code OOMKilled} and exit code 137, as the kernel's OOM killer would. */
    public PodBehavior oomKilled() {
        Builder b = toBuilder();
        b.oomKilled = true;
        b.exitCode = 137;
        b.runForever = false;
        return b.build();
    }

    /**
     * The image cannot be pulled: after {@link #pendingFor} the container waits with reason
     * {@code ErrImagePull}, shortly after with {@code ImagePullBackOff}, and never starts.
     */
    public PodBehavior imagePullFails() {
        Builder b = toBuilder();
        b.imagePullFails = true;
        return b.build();
    }

    /**
     * The pod cannot be scheduled: it stays {@code Pending} with condition {@code PodScheduled=False},
     * reason {@code Unschedulable} and this message (e.g. {@code "0/3 nodes are available: 3
     * Insufficient nvidia.com/gpu."}). Only the first container's behaviour decides this.
     */
    public PodBehavior unschedulable(String message) {
        Builder b = toBuilder();
        b.unschedulableMessage = Objects.requireNonNull(message);
        return b.build();
    }

    /** How long the container waits in {@code ContainerCreating} (pulling its image) before it starts. */
    public PodBehavior pendingFor(Duration d) {
        Builder b = toBuilder();
        b.pendingFor = nonNegative(d);
        return b.build();
    }

    /** How long the container runs before it exits; log lines are spread over this time. */
    public PodBehavior runFor(Duration d) {
        Builder b = toBuilder();
        b.runFor = nonNegative(d);
        b.runForever = false;
        return b.build();
    }

    /** The container never exits on its own (log lines are still spread over {@link #runFor}). */
    public PodBehavior runForever() {
        Builder b = toBuilder();
        b.runForever = true;
        return b.build();
    }

    /** Adds a log line, written while running (see the class comment for when). */
    public PodBehavior log(String line) {
        Builder b = toBuilder();
        b.spreadLines.add(Objects.requireNonNull(line));
        return b.build();
    }

    /** Adds several log lines, see {@link #log}. */
    public PodBehavior logs(String... lines) {
        Builder b = toBuilder();
        for (String line : lines) {
            b.spreadLines.add(Objects.requireNonNull(line));
        }
        return b.build();
    }

    /** Writes a line at a given time after the container starts (a burst, a quiet spell: any shape). */
    public PodBehavior logAt(Duration offset, String line) {
        Builder b = toBuilder();
        b.timedLines.add(new TimedLine(nonNegative(offset), Objects.requireNonNull(line)));
        return b.build();
    }

    /** Writes {@code prefix + k} for {@code k = 1..count}, one every {@code interval}, the first at once. */
    public PodBehavior logEvery(Duration interval, int count, String prefix) {
        if (count < 0) {
            throw new IllegalArgumentException("count < 0");
        }
        Builder b = toBuilder();
        b.periodic.add(new Periodic(nonNegative(interval), count, Objects.requireNonNull(prefix)));
        return b.build();
    }

    /**
     * The text the container writes to its termination message file; the kubelet copies it into
     * {@code state.terminated.message}.
     */
    public PodBehavior terminationMessage(String message) {
        Builder b = toBuilder();
        b.terminationMessage = message;
        return b.build();
    }

    /** The container's readiness succeeds this long after it started (default: at once). */
    public PodBehavior readyAfter(Duration d) {
        Builder b = toBuilder();
        b.readyAfter = nonNegative(d);
        b.neverReady = false;
        return b.build();
    }

    /** The container's readiness never succeeds: it runs but the pod never becomes {@code Ready}. */
    public PodBehavior neverReady() {
        Builder b = toBuilder();
        b.neverReady = true;
        return b.build();
    }

    /**
     * The container exits with an error after {@link #runFor} (exit code 1 unless one was set): on
     * a {@code restartPolicy: Always} pod (all Deployment pods) it is restarted again and again,
     * waiting in {@code CrashLoopBackOff} in between, its {@code restartCount} increasing.
     */
    public PodBehavior crashLoop() {
        Builder b = toBuilder();
        b.runForever = false;
        if (b.exitCode == 0) {
            b.exitCode = 1;
        }
        return b.build();
    }

    /**
     * The first back-off before a restart; it doubles with every restart up to 30 times this.
     * Default: Kubernetes' 10 seconds, in {@link ClusterSimulator#specSecond spec seconds}.
     */
    public PodBehavior restartBackoff(Duration d) {
        Builder b = toBuilder();
        b.restartBackoff = nonNegative(d);
        return b.build();
    }

    /**
     * The kubelet reports the container's end this long after it exited, as a busy node's kubelet
     * does: the log is complete (and a followed log ends) at the exit, the pod's status tells of
     * the end only later. Default: at once.
     */
    public PodBehavior terminalStatusLag(Duration d) {
        Builder b = toBuilder();
        b.terminalStatusLag = nonNegative(d);
        return b.build();
    }

    // ---------------------------------------------------------------- package API (kubelet)

    /** A behaviour interpreted from a script: lines at explicit offsets, then an exit. */
    static PodBehavior scripted(List<TimedLine> lines, Duration total, int exitCode, String terminationMessage) {
        Builder b = succeed().toBuilder();
        b.timedLines.addAll(lines);
        b.runFor = total;
        b.exitCode = exitCode;
        b.terminationMessage = terminationMessage;
        return b.build();
    }

    String unschedulableMessage() {
        return unschedulableMessage;
    }

    Duration pendingDuration() {
        return pendingFor;
    }

    boolean pullFails() {
        return imagePullFails;
    }

    boolean forever() {
        return runForever;
    }

    int exit() {
        return exitCode;
    }

    boolean oom() {
        return oomKilled;
    }

    String message() {
        return terminationMessage;
    }

    Duration readyDelay() {
        return readyAfter;
    }

    boolean readinessFails() {
        return neverReady;
    }

    Duration restartBackoffOrNull() {
        return restartBackoff;
    }

    Duration statusLagAtEnd() {
        return terminalStatusLag;
    }

    /** Every line the container writes, in the order written. */
    List<TimedLine> timeline() {
        List<TimedLine> all = new ArrayList<>(timedLines);
        int n = spreadLines.size();
        for (int i = 0; i < n; i++) {
            all.add(new TimedLine(runFor.multipliedBy(i).dividedBy(n), spreadLines.get(i)));
        }
        for (Periodic p : periodic) {
            for (int k = 1; k <= p.count(); k++) {
                all.add(new TimedLine(p.interval().multipliedBy(k - 1), p.prefix() + k));
            }
        }
        // Stable sort: lines given at the same offset keep their declared order.
        all.sort(Comparator.comparing(TimedLine::offset));
        return all;
    }

    /** When, after starting, the container exits (meaningless if it runs forever). */
    Duration runDuration() {
        Duration last = Duration.ZERO;
        for (TimedLine l : timeline()) {
            if (l.offset().compareTo(last) > 0) {
                last = l.offset();
            }
        }
        return runFor.compareTo(last) >= 0 ? runFor : last;
    }

    private static Duration nonNegative(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative duration " + d);
        }
        return d;
    }

    @Override
    public String toString() {
        return "PodBehavior[" + (unschedulableMessage != null ? "unschedulable, " : "")
                + (imagePullFails ? "imagePullFails, " : "") + "pending=" + pendingFor.toMillis() + "ms, "
                + (runForever ? "forever" : "run=" + runDuration().toMillis() + "ms, exit=" + exitCode)
                + (oomKilled ? ", OOMKilled" : "") + ", lines=" + timeline().size()
                + (neverReady ? ", neverReady" : ", readyAfter=" + readyAfter.toMillis() + "ms") + "]";
    }

    private static final class Builder {
        String unschedulableMessage;
        Duration pendingFor;
        boolean imagePullFails;
        Duration runFor;
        boolean runForever;
        final List<String> spreadLines;
        final List<Periodic> periodic;
        final List<TimedLine> timedLines;
        int exitCode;
        boolean oomKilled;
        String terminationMessage;
        Duration readyAfter;
        boolean neverReady;
        Duration restartBackoff;
        Duration terminalStatusLag;

        Builder(PodBehavior p) {
            unschedulableMessage = p.unschedulableMessage;
            pendingFor = p.pendingFor;
            imagePullFails = p.imagePullFails;
            runFor = p.runFor;
            runForever = p.runForever;
            spreadLines = new ArrayList<>(p.spreadLines);
            periodic = new ArrayList<>(p.periodic);
            timedLines = new ArrayList<>(p.timedLines);
            exitCode = p.exitCode;
            oomKilled = p.oomKilled;
            terminationMessage = p.terminationMessage;
            readyAfter = p.readyAfter;
            neverReady = p.neverReady;
            restartBackoff = p.restartBackoff;
            terminalStatusLag = p.terminalStatusLag;
        }

        PodBehavior build() {
            return new PodBehavior(unschedulableMessage, pendingFor, imagePullFails, runFor, runForever,
                    spreadLines, periodic, timedLines, exitCode, oomKilled, terminationMessage, readyAfter,
                    neverReady, restartBackoff, terminalStatusLag);
        }
    }
}
