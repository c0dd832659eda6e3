package io.jenkins.plugins.functions.bench;

import io.jenkins.plugins.functions.testing.RequestLog;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Groups API requests by their shape: method, path with the namespace and object names replaced
 * by placeholders, and the names of the query parameters ({@code watch} and {@code follow} with
 * their values, since they change what a request is).
 */
final class RequestShapes {

    private RequestShapes() {
    }

    static String shape(String method, String path, String query) {
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i >= 1 && "namespaces".equals(segments[i - 1])) {
                segments[i] = "{ns}";
            } else if (i >= 3 && "namespaces".equals(segments[i - 3])) {
                segments[i] = "{name}";
            }
        }
        StringBuilder shape = new StringBuilder(method).append(' ').append(String.join("/", segments));
        if (query != null && !query.isEmpty()) {
            String params = Arrays.stream(query.split("&"))
                    .map(p -> {
                        int eq = p.indexOf('=');
                        String key = eq < 0 ? p : p.substring(0, eq);
                        return key.equals("watch") || key.equals("follow") ? p : key;
                    })
                    .sorted()
                    .distinct()
                    .collect(Collectors.joining("&"));
            shape.append('?').append(params);
        }
        return shape.toString();
    }

    static String shape(RequestLog.Entry e) {
        return shape(e.method(), e.path(), e.query());
    }

    /**
     * The Job a request is about, by name: {@code .../jobs/{job}}, or a pod of it ({@code
     * .../pods/{job}-xxxxx...}, or a pod list with {@code fieldSelector=metadata.name=...}, as
     * fabric8 reads a pod before its log); null for requests about no one object (create, list,
     * watch).
     */
    static String jobOf(RequestLog.Entry e) {
        String[] segments = e.path().split("/");
        for (int i = 0; i + 1 < segments.length; i++) {
            if (i >= 2 && "namespaces".equals(segments[i - 2])) {
                if ("jobs".equals(segments[i])) {
                    return segments[i + 1];
                }
                if ("pods".equals(segments[i])) {
                    return jobOfPod(segments[i + 1]);
                }
            }
        }
        if (e.path().endsWith("/pods") && e.query() != null) {
            for (String param : e.query().split("&")) {
                String decoded = URLDecoder.decode(param, StandardCharsets.UTF_8);
                if (decoded.startsWith("fieldSelector=metadata.name=")) {
                    return jobOfPod(decoded.substring("fieldSelector=metadata.name=".length()));
                }
            }
        }
        return null;
    }

    /** A Job's pod is named {@code <job>-<5 characters>}. */
    private static String jobOfPod(String pod) {
        int dash = pod.lastIndexOf('-');
        return dash < 0 ? pod : pod.substring(0, dash);
    }

    /** How many requests of each shape, most frequent first (ties by shape). */
    static Map<String, Integer> breakdown(Collection<RequestLog.Entry> entries) {
        Map<String, Integer> counts = new TreeMap<>();
        for (RequestLog.Entry e : entries) {
            counts.merge(shape(e), 1, Integer::sum);
        }
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }
}
