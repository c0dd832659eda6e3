package io.jenkins.plugins.functions.testing;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The thread everything the simulated cluster does runs on: watch events, timers and reconciles.
 * Being single-threaded, controllers and kubelet need no locks for their own state and see each
 * other's API writes in order. A second thread, the clock, only writes log lines at their times
 * (memory only), so that their timestamps do not depend on how long API calls take.
 *
 * <p>Reconciles are keyed: asking for one that is already queued does nothing, so a burst of
 * events for one object leads to one reconcile, which reads the current state (level-triggered,
 * like Kubernetes controllers).
 */
final class ControlLoop implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ControlLoop.class.getName());

    private final ScheduledThreadPoolExecutor executor;
    private final ScheduledThreadPoolExecutor clock;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    ControlLoop(String name) {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        clock = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name + "-clock");
            t.setDaemon(true);
            return t;
        });
        clock.setRemoveOnCancelPolicy(true);
        clock.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Runs a short, memory-only task on the clock thread after the delay. */
    ScheduledFuture<?> onClock(Duration delay, Runnable task) {
        if (closed) {
            return null;
        }
        try {
            return clock.schedule(() -> runSafely(task, 0), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Runs the task on the loop thread. */
    void execute(Runnable task) {
        submit(task, Duration.ZERO);
    }

    /** Runs the task once, unless a task with the same key is queued and has not started yet. */
    void reconcile(String key, Runnable task) {
        if (queued.add(key)) {
            submit(() -> {
                queued.remove(key);
                task.run();
            }, Duration.ZERO);
        }
    }

    /** Runs the task after the delay; the returned future cancels it. */
    ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        return submit(task, delay);
    }

    private ScheduledFuture<?> submit(Runnable task, Duration delay) {
        if (closed) {
            return null;
        }
        try {
            return executor.schedule(() -> runSafely(task, 0), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null; // closing
        }
    }

    /** How often a task that met a conflict or a dropped connection is run again, as a controller requeues. */
    private static final int REQUEUES = 5;

    private void runSafely(Runnable task, int attempt) {
        if (closed) {
            return;
        }
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            if (closed || isClientClosing(e)) {
                return;
            }
            if (attempt < REQUEUES && isTransient(e)) {
                // A real controller requeues on a 409 (it wrote over a newer version) or when the
                // API server's connection broke (tests drop every connection on purpose).
                LOG.log(Level.FINE, "cluster simulation task requeued after " + e, e);
                try {
                    executor.schedule(() -> runSafely(task, attempt + 1), 20L * (attempt + 1), TimeUnit.MILLISECONDS);
                    return;
                } catch (RejectedExecutionException closing) {
                    return;
                }
            }
            errors.add(e);
            LOG.log(Level.WARNING, "cluster simulation task failed", e);
        }
    }

    private static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof KubernetesClientException k && (k.getCode() == 409 || k.getCode() == 500
                    || k.getCause() instanceof java.io.IOException)) {
                return true;
            }
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    private static boolean isClientClosing(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.RejectedExecutionException
                    || t instanceof InterruptedException
                    || t instanceof KubernetesClientException k && k.getCause() instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    /** Failures of simulation tasks (bugs in the simulator, or API errors it did not expect). */
    List<Throwable> errors() {
        return List.copyOf(errors);
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        clock.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS) || !clock.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warning("cluster simulation loop did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
