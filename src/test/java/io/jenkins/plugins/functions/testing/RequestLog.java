package io.jenkins.plugins.functions.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The HTTP requests the simulated API server received, counted where they arrive (one entry per
 * request line, a watch counts once, when it is opened; a followed log once).
 *
 * <p>Only requests from clients other than the simulator are recorded: the simulator's own client
 * sends the header {@value ClusterSimulator#SIMULATOR_HEADER}{@code : true} and is only counted in
 * {@link #simulatorTotal()}.
 *
 * <p>Path patterns ({@link #count(String, String)}): {@code *} stands for one path segment (no
 * {@code /}), {@code **} for any number of characters. A pattern without {@code ?} is matched
 * against the path without its query; with {@code ?}, each {@code name=value} after it must be
 * among the request's query parameters ({@code count("GET", "/api/v1/namespaces/*}{@code
 * /pods?watch=true")}).
 */
public final class RequestLog {

    /** One request: {@code path} without, {@code query} (or null) the part after {@code ?}. */
    public record Entry(Instant time, String method, String path, String query) {
        /** The request line as sent: {@code GET /api/v1/namespaces/default/pods?watch=true}. */
        public String line() {
            return method + " " + path + (query == null ? "" : "?" + query);
        }

        @Override
        public String toString() {
            return line();
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    private final AtomicInteger simulator = new AtomicInteger();

    void record(String method, String pathAndQuery, boolean fromSimulator) {
        if (fromSimulator) {
            simulator.incrementAndGet();
            return;
        }
        int q = pathAndQuery.indexOf('?');
        Entry e = new Entry(Instant.now(), method, q < 0 ? pathAndQuery : pathAndQuery.substring(0, q),
                q < 0 ? null : pathAndQuery.substring(q + 1));
        synchronized (entries) {
            entries.add(e);
        }
    }

    /** Requests from clients other than the simulator. */
    public int total() {
        synchronized (entries) {
            return entries.size();
        }
    }

    /** Requests with this method ({@code *}: any) and path pattern, see the class comment. */
    public int count(String method, String pathPattern) {
        return (int) entries().stream().filter(matcher(method, pathPattern)).count();
    }

    /** The requests with this method and path pattern. */
    public List<Entry> matching(String method, String pathPattern) {
        return entries().stream().filter(matcher(method, pathPattern)).toList();
    }

    /** Every recorded request, oldest first. */
    public List<Entry> entries() {
        synchronized (entries) {
            return new ArrayList<>(entries);
        }
    }

    /** The recorded request lines, oldest first: {@code "POST /apis/batch/v1/namespaces/default/jobs"}. */
    public List<String> lines() {
        return entries().stream().map(Entry::line).toList();
    }

    /** Requests the simulator itself sent (controllers, kubelet, garbage collector). */
    public int simulatorTotal() {
        return simulator.get();
    }

    /** Forgets everything recorded so far. */
    public void reset() {
        synchronized (entries) {
            entries.clear();
        }
        simulator.set(0);
    }

    static Predicate<Entry> matcher(String method, String pathPattern) {
        int q = pathPattern.indexOf('?');
        Pattern path = glob(q < 0 ? pathPattern : pathPattern.substring(0, q));
        List<String> params = q < 0 ? List.of() : List.of(pathPattern.substring(q + 1).split("&"));
        return e -> ("*".equals(method) || e.method().equalsIgnoreCase(method))
                && path.matcher(e.path()).matches()
                && params.stream().allMatch(p -> e.query() != null && List.of(e.query().split("&")).contains(p));
    }

    private static Pattern glob(String g) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            if (c == '*') {
                if (i + 1 < g.length() && g.charAt(i + 1) == '*') {
                    re.append(".*");
                    i++;
                } else {
                    re.append("[^/]*");
                }
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    @Override
    public String toString() {
        return String.join("\n", lines());
    }
}
