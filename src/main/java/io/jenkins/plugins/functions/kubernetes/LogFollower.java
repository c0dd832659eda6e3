package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Copies one container's log into a sink, line by line, as the kubelet writes it.
 *
 * <p>It asks for {@code follow=true&timestamps=true} and parses the kubelet's RFC 3339 prefix, so
 * every line carries its time and a {@link LogCursor} can resume after a reconnect or a controller
 * restart without repeating or losing a line. The request goes through fabric8's asynchronous
 * {@link HttpClient#consumeBytes} (the client's own authentication and TLS apply): no thread of
 * the engine waits on it, but fabric8 6.10's okhttp backend reads a streamed body with a blocking
 * loop on one of its dispatcher threads, so a live follow holds that thread until the stream
 * ends. That is why the engine follows only a bounded number of logs live and reads the others
 * by time ({@link LogLimits}, {@link LogPoller}). fabric8's {@code watchLog(OutputStream)} was not
 * used because in 6.10 it reports neither the end of the stream nor a refused request.
 *
 * <p>The stream ends when the container ends (the kubelet closes it), when the API server drops
 * it, or when {@link Follow#close()} is called; {@link Follow#done()} completes then, with the
 * final cursor. A refused request (container not started yet: HTTP 400) completes exceptionally
 * with {@link LogUnavailableException}.
 */
public final class LogFollower {

    private static final Logger LOGGER = Logger.getLogger(LogFollower.class.getName());

    /** The longest line kept whole; a longer one is cut (a runaway line must not eat the heap). */
    static final int MAX_LINE_BYTES = 64 * 1024;

    /**
     * Where a stream is cancelled: fabric8 6.10's okhttp body drains a stream on cancel (up to
     * okhttp's discard timeout), so never the caller's thread, and never the common fork-join pool
     * (one thread on a 2-core controller, shared with all of Jenkins). One thread for every engine,
     * started on demand and gone after 30 idle seconds: no thread at rest.
     */
    private static final ThreadPoolExecutor CANCELS = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "function-runtimes-log-cancel");
                t.setDaemon(true);
                return t;
            });

    private final KubernetesClient client;

    public LogFollower(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Starts following.
     *
     * @param follow false for one read of what is there now (used after the container ended)
     */
    public Follow follow(String namespace, String pod, String container, LogCursor from, boolean follow,
                         Consumer<LogLine> sink) {
        Follow handle = new Follow(from, sink);
        send(handle, namespace, pod, container, from, follow);
        return handle;
    }

    /**
     * One read of what the log holds now, sent when {@code slots} has a slot for it ({@code kind}):
     * a one-off read is one of the engine's short requests. Closing the handle before the request
     * was sent means it is never sent; if the engine closes first, {@link Follow#done()} fails.
     */
    Follow read(String namespace, String pod, String container, LogCursor from, RequestSlots slots,
                RequestSlots.Kind kind, Consumer<LogLine> sink) {
        Follow handle = new Follow(from, sink);
        slots.submit(kind, () -> {
            if (!handle.closed.get()) {
                send(handle, namespace, pod, container, from, false);
            }
            return handle.done();
        }).whenComplete((cursor, error) -> {
            if (error != null) {
                handle.fail(error); // not sent (the engine closed), or sending failed; a no-op otherwise
            }
        });
        return handle;
    }

    private void send(Follow handle, String namespace, String pod, String container, LogCursor from, boolean follow) {
        HttpClient http = client.getHttpClient();
        HttpRequest request = http.newHttpRequestBuilder().uri(logUri(namespace, pod, container, from, follow)).build();
        http.consumeBytes(request, handle::onBytes).whenComplete((response, error) -> {
            if (error != null) {
                handle.fail(error);
            } else if (!response.isSuccessful()) {
                handle.refused(response);
            } else {
                handle.attach(response.body());
            }
        });
    }

    URI logUri(String namespace, String pod, String container, LogCursor from, boolean follow) {
        String base = client.getMasterUrl().toString();
        if (!base.endsWith("/")) {
            base += "/";
        }
        StringBuilder uri = new StringBuilder(base)
                .append("api/v1/namespaces/").append(encode(namespace))
                .append("/pods/").append(encode(pod))
                .append("/log?timestamps=true&container=").append(encode(container));
        if (follow) {
            uri.append("&follow=true");
        }
        if (from.lastTime() != null) {
            // sinceTime has second precision on the API server: ask from the start of that second
            // and let the cursor skip what was delivered already.
            uri.append("&sinceTime=").append(encode(from.lastTime().truncatedTo(ChronoUnit.SECONDS).toString()));
        }
        return URI.create(uri.toString());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A request the API server refused, e.g. because the container has not started yet. */
    public static final class LogUnavailableException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int code;

        LogUnavailableException(int code, String message) {
            super(message);
            this.code = code;
        }

        public int getCode() {
            return code;
        }
    }

    /** One log request under way. */
    public static final class Follow {
        private final Consumer<LogLine> sink;
        private final CompletableFuture<LogCursor> done = new CompletableFuture<>();
        private final AtomicBoolean closed = new AtomicBoolean();
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private final LogCursor resumeFrom;
        private volatile AsyncBody body;
        private volatile LogCursor cursor;
        private Instant currentTime;
        private int indexAtCurrentTime;

        Follow(LogCursor from, Consumer<LogLine> sink) {
            this.resumeFrom = from;
            this.cursor = from;
            this.sink = sink;
        }

        /** Completes when the stream ended, with the cursor after the last delivered line. */
        public CompletableFuture<LogCursor> done() {
            return done;
        }

        /** The cursor after the last line delivered so far. */
        public LogCursor cursor() {
            return cursor;
        }

        /** Stops reading; {@link #done()} completes with the cursor reached. */
        public void close() {
            if (closed.compareAndSet(false, true)) {
                AsyncBody b = body;
                if (b != null) {
                    // Not on the caller's thread: fabric8 6.10's okhttp body drains the stream on
                    // cancel, which can wait on a quiet stream, and an abort closes the follow
                    // while holding its run's lock (the informers' events for every run of the
                    // namespace would wait behind it).
                    CANCELS.execute(() -> {
                        try {
                            b.cancel();
                        } catch (RuntimeException e) {
                            // racing the reader thread; the stream is abandoned either way
                            LOGGER.log(Level.FINE, "cancelling a log stream", e);
                        }
                    });
                }
                done.complete(cursor);
            }
        }

        void attach(AsyncBody asyncBody) {
            this.body = asyncBody;
            if (closed.get()) {
                asyncBody.cancel();
                return;
            }
            asyncBody.done().whenComplete((v, error) -> {
                synchronized (this) {
                    flushPartial();
                }
                if (error != null && !closed.get()) {
                    closed.set(true);
                    done.completeExceptionally(error);
                } else {
                    closed.set(true);
                    done.complete(cursor);
                }
            });
            asyncBody.consume();
        }

        void refused(HttpResponse<AsyncBody> response) {
            StringBuilder text = new StringBuilder();
            // The refusal's body is a small Status; read what came with the response and stop.
            response.body().cancel();
            text.append("HTTP ").append(response.code());
            closed.set(true);
            done.completeExceptionally(new LogUnavailableException(response.code(), text.toString()));
        }

        void fail(Throwable error) {
            closed.set(true);
            done.completeExceptionally(error);
        }

        synchronized void onBytes(List<ByteBuffer> buffers, AsyncBody asyncBody) {
            if (closed.get()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    if (b == '\n') {
                        emit(partial.toByteArray());
                        partial.reset();
                    } else if (partial.size() < MAX_LINE_BYTES) {
                        partial.write(b);
                    }
                }
            }
            asyncBody.consume();
        }

        private void flushPartial() {
            if (partial.size() > 0) {
                emit(partial.toByteArray());
                partial.reset();
            }
        }

        private void emit(byte[] raw) {
            String line = new String(raw, StandardCharsets.UTF_8);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            int space = line.indexOf(' ');
            Instant time;
            String text;
            try {
                time = Instant.parse(space < 0 ? line : line.substring(0, space));
                text = space < 0 ? "" : line.substring(space + 1);
            } catch (DateTimeParseException e) {
                // Not a kubelet-stamped line (should not happen with timestamps=true): keep it,
                // stamped with the last time seen so ordering stays monotonic.
                time = currentTime != null ? currentTime : Instant.EPOCH;
                text = line;
            }
            if (time.equals(currentTime)) {
                indexAtCurrentTime++;
            } else {
                currentTime = time;
                indexAtCurrentTime = 0;
            }
            if (resumeFrom.covers(time, indexAtCurrentTime)) {
                return;
            }
            cursor = cursor.advance(time);
            sink.accept(new LogLine(time, text));
        }
    }
}
