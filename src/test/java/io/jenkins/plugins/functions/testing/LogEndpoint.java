package io.jenkins.plugins.functions.testing;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.jenkins.plugins.functions.testing.PodLogs.ContainerLog;
import io.jenkins.plugins.functions.testing.PodLogs.Line;
import io.jenkins.plugins.functions.testing.PodLogs.Run;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import okhttp3.HttpUrl;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.SocketPolicy;

/**
 * {@code GET /api/v1/namespaces/{ns}/pods/{name}/log}, answered like the API server and kubelet
 * answer it, from the lines the simulated containers have written.
 *
 * <p>Parameters: {@code container}, {@code previous}, {@code timestamps} (each line prefixed with
 * its time in the kubelet's fixed-width RFC 3339 format with nanoseconds, UTC, and a space),
 * {@code sinceTime} (lines written at or after it; as on a real cluster the API server passes it
 * to the kubelet with whole seconds only, so it is truncated to the second), {@code
 * sinceSeconds}, {@code tailLines} (applied before the time filter, as the kubelet does), {@code
 * limitBytes}, {@code follow}.
 *
 * <p>{@code follow=true} really streams: the response is written to the connection in chunks as
 * lines are written and ends when the container run ends, the pod is deleted, the byte limit is
 * reached or the simulator closes (see {@link ConnectionTracking} for how).
 */
final class LogEndpoint {

    /** The kubelet's output format ({@code RFC3339NanoFixed}). */
    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX").withZone(ZoneOffset.UTC);

    private final BiFunction<String, String, Pod> pods;
    private final BiFunction<String, String, PodLogs> logs;
    private volatile boolean closed;
    /** Streamed answers still being written by a server thread: tests check a closed follow ends one. */
    private final java.util.concurrent.atomic.AtomicInteger openStreams = new java.util.concurrent.atomic.AtomicInteger();

    LogEndpoint(BiFunction<String, String, Pod> pods, BiFunction<String, String, PodLogs> logs) {
        this.pods = pods;
        this.logs = logs;
    }

    void close() {
        closed = true;
    }

    int openStreams() {
        return openStreams.get();
    }

    MockResponse serve(String namespace, String podName, String pathAndQuery) {
        Pod pod = pods.apply(namespace, podName);
        if (pod == null) {
            return ApiStatus.response(404, "NotFound", "pods \"" + podName + "\" not found");
        }
        HttpUrl url = HttpUrl.parse("http://localhost" + pathAndQuery);
        List<String> names = pod.getSpec().getContainers().stream().map(Container::getName).toList();
        List<String> initNames = pod.getSpec().getInitContainers() == null ? List.of()
                : pod.getSpec().getInitContainers().stream().map(Container::getName).toList();
        String container = url.queryParameter("container");
        if (container == null || container.isEmpty()) {
            if (names.size() != 1) {
                String msg = "a container name must be specified for pod " + podName + ", choose one of: ["
                        + String.join(" ", names) + "]";
                if (!initNames.isEmpty()) {
                    msg += " or one of the init containers: [" + String.join(" ", initNames) + "]";
                }
                return ApiStatus.response(400, "BadRequest", msg);
            }
            container = names.get(0);
        } else if (!names.contains(container) && !initNames.contains(container)) {
            return ApiStatus.response(400, "BadRequest",
                    "container " + container + " is not valid for pod " + podName);
        }
        PodLogs podLogs = logs.apply(namespace, podName);
        if (podLogs == null || !podLogs.uid.equals(pod.getMetadata().getUid()) || !podLogs.scheduled()) {
            // The API server answers with an empty stream while the pod has no node.
            return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain").setBody("");
        }
        ContainerLog log = podLogs.container(container);
        if (log == null) {
            return ApiStatus.response(400, "BadRequest",
                    "container \"" + container + "\" in pod \"" + podName + "\" is waiting to start - no logs yet");
        }
        boolean previous = "true".equals(url.queryParameter("previous"));
        Run run = previous ? log.previous() : log.current();
        if (run == null) {
            if (previous) {
                return ApiStatus.response(400, "BadRequest", "previous terminated container \"" + container
                        + "\" in pod \"" + podName + "\" not found");
            }
            return ApiStatus.response(400, "BadRequest",
                    "container \"" + container + "\" in pod \"" + podName + "\" is waiting to start: "
                            + waitingText(log.waitingReason()));
        }

        Options o;
        try {
            o = Options.parse(url);
        } catch (IllegalArgumentException e) {
            return ApiStatus.response(400, "BadRequest", e.getMessage());
        }
        List<Line> initial = log.linesFrom(run, 0);
        int seen = initial.size();
        List<Line> selected = initial;
        if (o.tailLines >= 0 && selected.size() > o.tailLines) {
            selected = selected.subList(selected.size() - (int) o.tailLines, selected.size());
        }
        selected = selected.stream().filter(l -> o.since == null || !l.time().isBefore(o.since))
                .collect(Collectors.toList());
        Budget budget = new Budget(o.limitBytes);
        byte[] first = render(selected, o.timestamps, budget);

        if (!o.follow || log.ended(run) || budget.exhausted()) {
            return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain")
                    .setBody(new okio.Buffer().write(first));
        }
        Socket socket = ConnectionTracking.currentSocket();
        if (socket == null) {
            return waitThenAnswer(log, run, first, seen, o, budget);
        }
        return stream(socket, log, run, first, seen, o, budget);
    }

    /** The kubelet's words for the common reasons a container has not started. */
    private static String waitingText(String reason) {
        if (reason == null) {
            return "ContainerCreating";
        }
        return switch (reason) {
            case "ErrImagePull" -> "image can't be pulled";
            case "ImagePullBackOff" -> "trying and failing to pull image";
            default -> reason;
        };
    }

    private MockResponse stream(Socket socket, ContainerLog log, Run run, byte[] first, int seen, Options o,
            Budget budget) {
        openStreams.incrementAndGet();
        try {
            OutputStream out = socket.getOutputStream();
            String head = "HTTP/1.1 200 OK\r\n"
                    + "Content-Type: text/plain\r\n"
                    + "Transfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            chunk(out, first);
            while (!budget.exhausted() && !closed) {
                boolean more = log.awaitMore(run, seen, 250);
                List<Line> next = log.linesFrom(run, seen);
                seen += next.size();
                chunk(out, render(next, o.timestamps, budget));
                if (more && next.isEmpty() && log.ended(run)) {
                    break;
                }
                if (!more && clientGone(socket)) {
                    return new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST);
                }
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            // The client went away: nothing more to write.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            openStreams.decrementAndGet();
        }
        // The response is written: MockWebServer must close the connection without writing.
        return new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST);
    }

    /** Fallback without access to the connection: answer once the container run has ended. */
    private MockResponse waitThenAnswer(ContainerLog log, Run run, byte[] first, int seen, Options o, Budget budget) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(first);
        try {
            while (!budget.exhausted() && !closed) {
                boolean more = log.awaitMore(run, seen, 250);
                List<Line> next = log.linesFrom(run, seen);
                seen += next.size();
                all.writeBytes(render(next, o.timestamps, budget));
                if (more && next.isEmpty() && log.ended(run)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain")
                .setBody(new okio.Buffer().write(all.toByteArray()));
    }

    /**
     * Whether the client closed the connection: it sends nothing more on it while waiting for this
     * response, so a read that returns end-of-stream (rather than timing out) means it is gone.
     */
    private static boolean clientGone(Socket socket) {
        try {
            int old = socket.getSoTimeout();
            socket.setSoTimeout(1);
            try {
                InputStream in = socket.getInputStream();
                return in.read() < 0;
            } finally {
                socket.setSoTimeout(old);
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static void chunk(OutputStream out, byte[] data) throws IOException {
        if (data.length == 0) {
            return;
        }
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static byte[] render(List<Line> lines, boolean timestamps, Budget budget) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Line l : lines) {
            if (budget.exhausted()) {
                break;
            }
            String s = (timestamps ? TIMESTAMP.format(l.time()) + " " : "") + l.text() + "\n";
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            int n = budget.take(bytes.length);
            b.write(bytes, 0, n);
        }
        return b.toByteArray();
    }

    /** What is left of {@code limitBytes}; the kubelet cuts the line that crosses the limit. */
    private static final class Budget {
        private long left;

        Budget(long limit) {
            left = limit < 0 ? Long.MAX_VALUE : limit;
        }

        int take(int want) {
            int n = (int) Math.min(want, left);
            left -= n;
            return n;
        }

        boolean exhausted() {
            return left <= 0;
        }
    }

    private record Options(boolean follow, boolean timestamps, Instant since, long tailLines, long limitBytes) {
        static Options parse(HttpUrl url) {
            Instant since = null;
            String sinceSeconds = url.queryParameter("sinceSeconds");
            if (sinceSeconds != null) {
                long s = parseLong("sinceSeconds", sinceSeconds);
                if (s < 1) {
                    throw new IllegalArgumentException("sinceSeconds: Invalid value: " + s
                            + ": must be greater than 0");
                }
                since = Instant.now().minusSeconds(s);
            }
            String sinceTime = url.queryParameter("sinceTime");
            if (sinceTime != null) {
                if (sinceSeconds != null) {
                    throw new IllegalArgumentException("at most one of `sinceTime` or `sinceSeconds` may be specified");
                }
                try {
                    // The API server forwards sinceTime to the kubelet formatted as RFC 3339 without
                    // fractions: a real cluster filters with whole seconds.
                    since = OffsetDateTime.parse(sinceTime).toInstant().truncatedTo(ChronoUnit.SECONDS);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("sinceTime: Invalid value: \"" + sinceTime + "\"");
                }
            }
            long tail = url.queryParameter("tailLines") == null ? -1
                    : parseLong("tailLines", url.queryParameter("tailLines"));
            long limit = url.queryParameter("limitBytes") == null ? -1
                    : parseLong("limitBytes", url.queryParameter("limitBytes"));
            if (url.queryParameter("limitBytes") != null && limit < 1) {
                throw new IllegalArgumentException("limitBytes: Invalid value: " + limit + ": must be greater than 0");
            }
            if (url.queryParameter("tailLines") != null && tail < 0) {
                throw new IllegalArgumentException("tailLines: Invalid value: " + tail
                        + ": must be greater than or equal to 0");
            }
            return new Options("true".equals(url.queryParameter("follow")), "true".equals(url.queryParameter("timestamps")),
                    since, tail, limit);
        }

        private static long parseLong(String name, String v) {
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ": Invalid value: \"" + v + "\"");
            }
        }
    }
}
