package io.jenkins.plugins.functions.kubernetes;

import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Bounds the engine's short API requests under way at once (creates, deletes, one-off log reads)
 * and decides which waiting one goes next. With fabric8 6.10's okhttp backend every request holds
 * an okhttp dispatcher thread while it is under way, so this bound, with the live log streams
 * ({@link LogLimits}), is what keeps the engine's threads flat whatever the number of runs.
 *
 * <p>No thread waits here: a request is started by the thread that submits it when a slot is
 * free, else by the thread whose request frees one (an HTTP client thread), in this order:
 * <ol>
 *   <li>{@link Kind#END}: what a run's end waits for (its final log read, the delete of its
 *       workload), so that an end is noticed promptly even during a burst of creates;</li>
 *   <li>{@link Kind#CREATE}: the creation of a run's objects, at most {@code createsAtMost} at
 *       once, so that the other kinds always find a slot;</li>
 *   <li>{@link Kind#POLL}: the time-based log reads of the runs not followed live ({@link
 *       LogPoller}, which bounds its own); their lines wait, they are not lost.</li>
 * </ol>
 * Within a kind, first come first served, except {@link #submitNext}: the next step of work
 * under way (a run's second object) goes before the runs that have not started.
 */
final class RequestSlots {

    /** What a request is for, which decides its turn. */
    enum Kind { END, CREATE, POLL }

    private final int total;
    private final int createsAtMost;
    private final Map<Kind, ArrayDeque<Pending<?>>> waiting = new EnumMap<>(Kind.class);
    private final Map<Kind, Integer> running = new EnumMap<>(Kind.class);
    private int inFlight;
    private boolean closed;
    /**
     * Whether this thread is starting requests already: a request that completes at once, on the
     * thread that started it, frees its slot without a nested (recursive) start; the loop that
     * started it takes the next one.
     */
    private final ThreadLocal<Boolean> starting = ThreadLocal.withInitial(() -> Boolean.FALSE);

    RequestSlots(int total, int createsAtMost) {
        if (total < 1 || createsAtMost < 1 || createsAtMost > total) {
            throw new IllegalArgumentException("total must be 1 or more and createsAtMost between 1 and total, got "
                    + total + " and " + createsAtMost);
        }
        this.total = total;
        this.createsAtMost = createsAtMost;
        for (Kind k : Kind.values()) {
            waiting.put(k, new ArrayDeque<>());
            running.put(k, 0);
        }
    }

    /**
     * Starts {@code request} when a slot is free; the slot is held until the stage it returns
     * completes. The result completes as that stage does, or exceptionally with a
     * {@link CancellationException} when the engine closes before the request started.
     */
    <T> CompletableFuture<T> submit(Kind kind, Supplier<? extends CompletionStage<T>> request) {
        return enqueue(kind, request, false);
    }

    /** As {@link #submit}, ahead of the requests of its kind that wait: a step of work under way. */
    <T> CompletableFuture<T> submitNext(Kind kind, Supplier<? extends CompletionStage<T>> request) {
        return enqueue(kind, request, true);
    }

    private <T> CompletableFuture<T> enqueue(Kind kind, Supplier<? extends CompletionStage<T>> request, boolean first) {
        Pending<T> p = new Pending<>(kind, request);
        synchronized (this) {
            if (closed) {
                p.result.completeExceptionally(new CancellationException("the engine is closed"));
                return p.result;
            }
            if (first) {
                waiting.get(kind).addFirst(p);
            } else {
                waiting.get(kind).addLast(p);
            }
        }
        drain();
        return p.result;
    }

    /** Requests under way (for tests and the benchmark). */
    synchronized int inFlight() {
        return inFlight;
    }

    /** Requests waiting for a slot (for tests and the benchmark). */
    synchronized int waiting() {
        return waiting.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    /** No request starts any more; those waiting end with a {@link CancellationException}. */
    void close() {
        java.util.List<Pending<?>> dropped = new java.util.ArrayList<>();
        synchronized (this) {
            closed = true;
            waiting.values().forEach(q -> {
                dropped.addAll(q);
                q.clear();
            });
        }
        dropped.forEach(p -> p.result.completeExceptionally(new CancellationException("the engine is closed")));
    }

    /**
     * Starts what may start, on this thread. Several threads may do so at once: sending a request
     * (serialising it, handing it to the HTTP client) takes a while, and the threads whose
     * requests just ended send the next ones side by side, as a pool of blocking callers would.
     */
    private void drain() {
        if (starting.get()) {
            return; // the loop below, further up this thread's stack, takes the next one
        }
        starting.set(Boolean.TRUE);
        try {
            Pending<?> next;
            while ((next = take()) != null) {
                next.start();
            }
        } finally {
            starting.set(Boolean.FALSE);
        }
    }

    /** The next request to start, its slot taken; null when none may start now. */
    private synchronized Pending<?> take() {
        if (closed || inFlight >= total) {
            return null;
        }
        Pending<?> next = waiting.get(Kind.END).pollFirst();
        if (next == null && running.get(Kind.CREATE) < createsAtMost) {
            next = waiting.get(Kind.CREATE).pollFirst();
        }
        if (next == null) {
            next = waiting.get(Kind.POLL).pollFirst();
        }
        if (next != null) {
            inFlight++;
            running.merge(next.kind, 1, Integer::sum);
        }
        return next;
    }

    private synchronized void release(Kind kind) {
        inFlight--;
        running.merge(kind, -1, Integer::sum);
    }

    /** A request waiting for its slot. */
    private final class Pending<T> {
        final Kind kind;
        final Supplier<? extends CompletionStage<T>> request;
        final CompletableFuture<T> result = new CompletableFuture<>();

        Pending(Kind kind, Supplier<? extends CompletionStage<T>> request) {
            this.kind = kind;
            this.request = request;
        }

        void start() {
            CompletionStage<T> stage;
            try {
                stage = request.get();
            } catch (RuntimeException | Error e) {
                release(kind);
                result.completeExceptionally(e);
                drain();
                return;
            }
            stage.whenComplete((value, error) -> {
                // The result first: work it continues (submitNext) queues while the slot is
                // still held, so it takes the slot next rather than a run not started yet.
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(value);
                }
                release(kind);
                drain();
            });
        }
    }
}
