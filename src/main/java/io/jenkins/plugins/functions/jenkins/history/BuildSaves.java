package io.jenkins.plugins.functions.jenkins.history;

import hudson.model.Run;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Saves builds for their runs, coalesced: {@code Run.save()} writes the whole {@code build.xml}
 * (every action of the build, through XStream, under the build's lock), so a build with many
 * runs must not be saved once per run event. Per build at most one save is in flight and saves
 * are at least {@link #MIN_INTERVAL_MS} apart; requests that come meanwhile share the next save.
 * Saves run on one thread of their own, never on the engine's or a Pipeline's.
 *
 * <p>When: a build's first run asks for a save when it is recorded (so build.xml names a run:
 * that run's action adds the others back from their files if the controller dies before the next
 * save, {@code RunRecovery}), and the build is saved again each time its last run under way ends.
 * So a burst of runs on one build costs two saves whatever its size, and a run at most two.
 * Everything in between goes to the runs' own files ({@link RunFiles}); a summary that build.xml
 * has from earlier is brought up to date from its file when the build loads. (Jenkins also saves
 * the build at moments of its own, with the summaries as they are then.)
 */
public final class BuildSaves {

    private static final Logger LOGGER = Logger.getLogger(BuildSaves.class.getName());
    /** The shortest time between two saves of one build. */
    public static final long MIN_INTERVAL_MS = 500;

    private static final ScheduledExecutorService SAVER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "function-runtimes-build-saves");
        t.setDaemon(true);
        return t;
    });

    /** Runs under way per build (in this controller); a build without any has no entry. */
    private static final Map<Run<?, ?>, Integer> RUNS_UNDER_WAY = new ConcurrentHashMap<>();

    /** Builds with a save requested or under way; an idle build has no entry. */
    private static final Map<Run<?, ?>, Pending> PENDING = new ConcurrentHashMap<>();

    private BuildSaves() {
    }

    /** One build's saves: guarded by its own monitor. */
    private static final class Pending {
        boolean scheduled;
        boolean saving;
        /** Idle for a whole interval and out of the map: a request must use a new one. */
        boolean retired;
        long lastSave;
        final List<CompletableFuture<Void>> waiting = new ArrayList<>();
    }

    /**
     * A run of the build is under way (recorded, or taken up after a restart).
     *
     * @param first whether it is the build's first run: the build is saved, so build.xml names one
     */
    public static void runStarted(Run<?, ?> build, boolean first) {
        RUNS_UNDER_WAY.merge(build, 1, Integer::sum);
        if (first) {
            request(build);
        }
    }

    /** A run of the build ended: when it was the last under way, the build is saved. */
    public static void runEnded(Run<?, ?> build) {
        Integer left = RUNS_UNDER_WAY.computeIfPresent(build, (b, n) -> n <= 1 ? null : n - 1);
        if (left == null) {
            request(build);
        }
    }

    /**
     * Asks for the build to be saved: at once if it was not saved within the last
     * {@link #MIN_INTERVAL_MS}, else then. Returns at once.
     *
     * @return completes when a save that began after this call has ended (saved or failed: a
     *         failure is logged, the next save writes it)
     */
    public static CompletableFuture<Void> request(Run<?, ?> build) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        while (true) {
            Pending p = PENDING.computeIfAbsent(build, b -> new Pending());
            synchronized (p) {
                if (p.retired) {
                    continue;
                }
                p.waiting.add(done);
                if (!p.scheduled && !p.saving) {
                    schedule(build, p);
                }
                return done;
            }
        }
    }

    private static void schedule(Run<?, ?> build, Pending p) {
        p.scheduled = true;
        long delay = Math.max(0, p.lastSave + MIN_INTERVAL_MS - System.currentTimeMillis());
        SAVER.schedule(() -> save(build, p), delay, TimeUnit.MILLISECONDS);
    }

    private static void retire(Run<?, ?> build, Pending p) {
        synchronized (p) {
            if (!p.scheduled && !p.saving && p.waiting.isEmpty()) {
                p.retired = true;
                PENDING.remove(build, p);
            }
        }
    }

    private static void save(Run<?, ?> build, Pending p) {
        List<CompletableFuture<Void>> served;
        synchronized (p) {
            p.scheduled = false;
            p.saving = true;
            served = new ArrayList<>(p.waiting);
            p.waiting.clear();
        }
        try {
            build.save();
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "could not save " + build + " (the next save writes it)", e);
        } finally {
            synchronized (p) {
                p.saving = false;
                p.lastSave = System.currentTimeMillis();
                if (!p.waiting.isEmpty()) {
                    schedule(build, p);
                } else {
                    // kept for an interval, so the next request still waits its turn
                    SAVER.schedule(() -> retire(build, p), MIN_INTERVAL_MS, TimeUnit.MILLISECONDS);
                }
            }
            served.forEach(f -> f.complete(null));
        }
    }
}
