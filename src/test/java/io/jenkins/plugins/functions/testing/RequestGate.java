package io.jenkins.plugins.functions.testing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import okhttp3.mockwebserver.MockResponse;

/**
 * Holds the client requests that match it at the API server until the test decides what became
 * of them: {@link #open()} lets them through (the request landed, whatever the client knows of
 * it), {@link #drop()} answers them with 400 without storing anything (the request never took
 * effect; a client does not retry a 400, as a dead controller would not retry at all). Made by {@link ClusterSimulator#gate}; a test uses it to put a controller's death
 * exactly inside a request: while a create or a delete is in flight.
 */
public final class RequestGate {

    private final Predicate<RequestLog.Entry> matches;
    /** What the stored object the request is about must be like for the gate to hold it; null: anything. */
    private final Predicate<com.fasterxml.jackson.databind.JsonNode> when;
    private final CountDownLatch arrived = new CountDownLatch(1);
    private final CountDownLatch decided = new CountDownLatch(1);
    private volatile boolean drop;
    private volatile boolean closed;

    RequestGate(Predicate<RequestLog.Entry> matches, Predicate<com.fasterxml.jackson.databind.JsonNode> when) {
        this.matches = matches;
        this.when = when;
    }

    /** @param stored the stored object the request is about (a log request: its pod), null if none */
    boolean matches(RequestLog.Entry request, java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> stored) {
        return !closed && matches.test(request) && (when == null || when.test(stored.get()));
    }

    /** Whether a stored pod's containers have all terminated: a gate for the reads after a container's end. */
    public static boolean terminated(com.fasterxml.jackson.databind.JsonNode pod) {
        if (pod == null) {
            return false;
        }
        com.fasterxml.jackson.databind.JsonNode statuses = pod.path("status").path("containerStatuses");
        if (!statuses.isArray() || statuses.isEmpty()) {
            return false;
        }
        for (com.fasterxml.jackson.databind.JsonNode s : statuses) {
            if (s.path("state").path("terminated").isMissingNode()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Called on the server's connection thread for a matching request: waits for the test's
     * decision (at most a minute); null to go on as usual, else the error to answer with.
     */
    MockResponse hold() throws InterruptedException {
        arrived.countDown();
        if (!decided.await(60, TimeUnit.SECONDS) || drop) {
            return ApiStatus.response(400, "BadRequest", "the request did not take effect (simulated)");
        }
        return null;
    }

    /** Waits until a matching request is held; false when none came in time. */
    public boolean awaitRequest(Duration timeout) throws InterruptedException {
        return arrived.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The held requests (and later ones) go through: they take effect. The gate closes. */
    public void open() {
        closed = true;
        decided.countDown();
    }

    /** The held requests (and later ones, until closed) are answered with an error: nothing is stored. */
    public void drop() {
        drop = true;
        closed = true;
        decided.countDown();
    }
}
