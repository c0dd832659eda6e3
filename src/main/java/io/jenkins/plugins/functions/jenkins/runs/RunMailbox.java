package io.jenkins.plugins.functions.jenkins.runs;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where a run's events are handled in Jenkins: one run's tasks in the order they came, one at a
 * time, on a small pool shared by every run. The engine's threads (informers, requests, log
 * streams) only hand a task over and go on: writing the build log, the run's file or
 * {@code build.xml} never holds them up.
 *
 * <p>A run with much to do gives its thread up after {@link #BATCH} tasks, so one chatty log
 * cannot starve the other runs.
 */
final class RunMailbox implements Executor {

    private static final Logger LOGGER = Logger.getLogger(RunMailbox.class.getName());
    /** Tasks one run handles before it lets the next run have the thread. */
    static final int BATCH = 256;
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Two threads: the work is local file writes, and a controller may have two cores. */
    private static final ExecutorService POOL = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "function-runtimes-runs-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean draining;

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (draining) {
                return;
            }
            draining = true;
        }
        POOL.execute(this::drain);
    }

    private void drain() {
        for (int done = 0; done < BATCH; done++) {
            Runnable task;
            synchronized (tasks) {
                task = tasks.poll();
                if (task == null) {
                    draining = false;
                    return;
                }
            }
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOGGER.log(Level.WARNING, "a run's event failed", e);
            }
        }
        POOL.execute(this::drain); // more to do: back in line behind the other runs
    }
}
