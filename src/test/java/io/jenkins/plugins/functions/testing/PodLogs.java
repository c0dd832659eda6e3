package io.jenkins.plugins.functions.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the simulated kubelet keeps of a pod's container output: for each container, one log per
 * run of the container (a restarted container starts a new one), each line with the instant it
 * was written. Written by the control loop, read by the API server's threads (log requests), so
 * every access is synchronized on the {@link ContainerLog}; readers following a log wait on it.
 */
final class PodLogs {

    final String namespace;
    final String name;
    final String uid;
    private final Map<String, ContainerLog> containers = new LinkedHashMap<>();
    private volatile boolean scheduled;

    PodLogs(String namespace, String name, String uid) {
        this.namespace = namespace;
        this.name = name;
        this.uid = uid;
    }

    synchronized ContainerLog add(String container) {
        return containers.computeIfAbsent(container, ContainerLog::new);
    }

    synchronized ContainerLog container(String container) {
        return containers.get(container);
    }

    synchronized List<ContainerLog> all() {
        return new ArrayList<>(containers.values());
    }

    boolean scheduled() {
        return scheduled;
    }

    void scheduled(boolean s) {
        scheduled = s;
    }

    /** The pod is gone (deleted, or the simulator closed): every follower stops. */
    void gone() {
        for (ContainerLog c : all()) {
            c.gone();
        }
    }

    record Line(Instant time, String text) {}

    /** One run of a container: its lines, and whether it has terminated. */
    static final class Run {
        private final List<Line> lines = new ArrayList<>();
        private boolean ended;

        /** Lines written so far (caller holds the log's lock). */
        List<Line> lines() {
            return Collections.unmodifiableList(lines);
        }

        boolean ended() {
            return ended;
        }
    }

    static final class ContainerLog {
        final String container;
        private final List<Run> runs = new ArrayList<>();
        private String waitingReason = "ContainerCreating";
        private boolean gone;

        ContainerLog(String container) {
            this.container = container;
        }

        synchronized void waiting(String reason) {
            waitingReason = reason;
        }

        synchronized String waitingReason() {
            return waitingReason;
        }

        synchronized void start() {
            waitingReason = null;
            runs.add(new Run());
            notifyAll();
        }

        synchronized void append(String text, Instant at) {
            if (runs.isEmpty() || current().ended) {
                return;
            }
            current().lines.add(new Line(at, text));
            notifyAll();
        }

        synchronized void end() {
            if (!runs.isEmpty()) {
                current().ended = true;
            }
            notifyAll();
        }

        synchronized void gone() {
            gone = true;
            for (Run r : runs) {
                r.ended = true;
            }
            notifyAll();
        }

        /** The run whose log a plain request reads: the latest, running or not; null if none yet. */
        synchronized Run current() {
            return runs.isEmpty() ? null : runs.get(runs.size() - 1);
        }

        /**
         * The run {@code previous=true} reads, as the kubelet's {@code lastState.terminated}: the
         * latest run if the container is waiting to be restarted, else the one before it.
         */
        synchronized Run previous() {
            if (runs.isEmpty()) {
                return null;
            }
            Run latest = runs.get(runs.size() - 1);
            if (latest.ended && waitingReason != null) {
                return latest;
            }
            return runs.size() >= 2 ? runs.get(runs.size() - 2) : null;
        }

        /** A copy of the run's lines from {@code from} on (never blocks). */
        synchronized List<Line> linesFrom(Run run, int from) {
            List<Line> l = run.lines;
            return from >= l.size() ? List.of() : new ArrayList<>(l.subList(from, l.size()));
        }

        /**
         * Waits until the run has lines after {@code seen}, has ended, or the timeout passed.
         * Returns true if there is something new to read or the run ended.
         */
        synchronized boolean awaitMore(Run run, int seen, long timeoutMillis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            while (run.lines.size() <= seen && !run.ended && !gone) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
            return true;
        }

        synchronized boolean ended(Run run) {
            return run.ended || gone;
        }
    }
}
