package io.jenkins.plugins.functions.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.mockwebserver.MockResponse;

/**
 * The simulated cluster's metrics-server: the {@code metrics.k8s.io/v1beta1} API with pod metrics,
 * served by the simulator's dispatcher once {@link ClusterSimulator#serveMetrics} installs it.
 * Without it the cluster has no metrics-server, as many do: discovery of the group and every
 * request under it answer 404, as an API server without the APIService does.
 *
 * <p>What it serves, as metrics-server does: the discovery document ({@code pods}, {@code nodes});
 * lists of {@code PodMetrics} per namespace (label selectors with {@code key=value} requirements)
 * and single pods; one entry per pod whose phase is {@code Running}, with the pod's labels, a
 * {@code timestamp} (the time of the figures, truncated to the {@link #resolution}: asking twice
 * within it gives the same figures and time, like metrics-server between two scrapes), a window of
 * the resolution, and each running container's usage: CPU in nanocores ({@code 250000000n}), memory
 * in kibibytes ({@code 12288Ki}), the units metrics-server writes.
 *
 * <p>The usage of a container is what {@link Usage} says for it, from its pod's labels and its name:
 * tests choose constant figures, or figures that change with time (for peaks and means).
 */
public final class MetricsServer {

    /** What one container uses now. */
    public record Figures(long cpuMillicores, long memoryBytes) {
    }

    /** The figures of a container of a pod, at a time. */
    @FunctionalInterface
    public interface Usage {
        /**
         * @param labels    the pod's labels
         * @param container the container's name
         * @param at        the time of the figures
         */
        Figures of(Map<String, String> labels, String container, Instant at);
    }

    static final String GROUP_PATH = "/apis/metrics.k8s.io/v1beta1";

    private final Usage usage;
    private final Function<String, JsonNode> store;
    private final AtomicInteger lists = new AtomicInteger();
    private volatile Duration resolution = Duration.ofMillis(100);

    MetricsServer(Usage usage, Function<String, JsonNode> store) {
        this.usage = Objects.requireNonNull(usage, "usage");
        this.store = store;
    }

    /** Every container uses the same figures, always. */
    public static Usage constant(long cpuMillicores, long memoryBytes) {
        return (labels, container, at) -> new Figures(cpuMillicores, memoryBytes);
    }

    /**
     * How often metrics-server refreshes its figures (its {@code --metric-resolution}, 15 s on a
     * real cluster; 100 ms here unless set).
     */
    public MetricsServer resolution(Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("resolution must be positive");
        }
        this.resolution = value;
        return this;
    }

    /** How many pod metrics lists it answered (for tests of the sampling's cost). */
    public int lists() {
        return lists.get();
    }

    /** Whether a path is the metrics API's. */
    static boolean handles(String path) {
        return path.equals(GROUP_PATH) || path.startsWith(GROUP_PATH + "/");
    }

    /** Without a metrics-server: what an API server answers under a group it does not serve. */
    static MockResponse absent() {
        return ApiStatus.response(404, "NotFound", "the server could not find the requested resource");
    }

    MockResponse serve(String method, String pathAndQuery) {
        if (!"GET".equals(method)) {
            return ApiStatus.response(405, "MethodNotAllowed", "the server does not allow this method on the"
                    + " requested resource");
        }
        HttpUrl url = HttpUrl.parse("http://localhost" + pathAndQuery);
        String path = url == null ? pathAndQuery : url.encodedPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.equals(GROUP_PATH)) {
            return json(discovery());
        }
        String[] parts = path.substring(GROUP_PATH.length() + 1).split("/");
        if (parts.length >= 3 && parts[0].equals("namespaces") && parts[2].equals("pods")) {
            String namespace = parts[1];
            if (parts.length == 3) {
                lists.incrementAndGet();
                return json(list(namespace, url == null ? null : url.queryParameter("labelSelector")));
            }
            if (parts.length == 4) {
                JsonNode pod = store.apply("/api/v1/namespaces/" + namespace + "/pods/" + parts[3]);
                if (pod == null || !running(pod)) {
                    return ApiStatus.response(404, "NotFound", "podmetrics.metrics.k8s.io \"" + namespace + "/"
                            + parts[3] + "\" not found");
                }
                return json(metrics(pod, now()));
            }
        }
        return absent();
    }

    private static ObjectNode discovery() {
        ObjectNode d = Serialization.jsonMapper().createObjectNode();
        d.put("kind", "APIResourceList");
        d.put("apiVersion", "v1");
        d.put("groupVersion", "metrics.k8s.io/v1beta1");
        ArrayNode resources = d.putArray("resources");
        for (String[] r : new String[][] {{"nodes", "NodeMetrics", "false"}, {"pods", "PodMetrics", "true"}}) {
            ObjectNode o = resources.addObject();
            o.put("name", r[0]);
            o.put("singularName", "");
            o.put("namespaced", Boolean.parseBoolean(r[2]));
            o.put("kind", r[1]);
            o.putArray("verbs").add("get").add("list");
        }
        return d;
    }

    private ObjectNode list(String namespace, String selector) {
        Map<String, String> required = requirements(selector);
        Instant at = now();
        ObjectNode list = Serialization.jsonMapper().createObjectNode();
        list.put("kind", "PodMetricsList");
        list.put("apiVersion", "metrics.k8s.io/v1beta1");
        list.putObject("metadata");
        ArrayNode items = list.putArray("items");
        JsonNode pods = store.apply("/api/v1/namespaces/" + namespace + "/pods");
        for (JsonNode pod : pods == null ? Serialization.jsonMapper().createArrayNode() : pods.path("items")) {
            if (running(pod) && matches(pod.path("metadata").path("labels"), required)) {
                items.add(metrics(pod, at));
            }
        }
        return list;
    }

    private ObjectNode metrics(JsonNode pod, Instant at) {
        Map<String, String> labels = new LinkedHashMap<>();
        pod.path("metadata").path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        ObjectNode m = Serialization.jsonMapper().createObjectNode();
        m.put("kind", "PodMetrics");
        m.put("apiVersion", "metrics.k8s.io/v1beta1");
        ObjectNode meta = m.putObject("metadata");
        meta.put("name", pod.path("metadata").path("name").asText());
        meta.put("namespace", pod.path("metadata").path("namespace").asText());
        meta.put("creationTimestamp", at.toString());
        ObjectNode l = meta.putObject("labels");
        labels.forEach(l::put);
        m.put("timestamp", at.toString());
        m.put("window", resolution.toMillis() >= 1000 ? resolution.toSeconds() + "s" : resolution.toMillis() + "ms");
        ArrayNode containers = m.putArray("containers");
        for (JsonNode status : pod.path("status").path("containerStatuses")) {
            if (!status.path("state").has("running")) {
                continue;
            }
            String name = status.path("name").asText();
            Figures f = usage.of(labels, name, at);
            ObjectNode c = containers.addObject();
            c.put("name", name);
            ObjectNode u = c.putObject("usage");
            u.put("cpu", f.cpuMillicores() * 1_000_000 + "n");
            u.put("memory", f.memoryBytes() % 1024 == 0 ? f.memoryBytes() / 1024 + "Ki" : f.memoryBytes() + "");
        }
        return m;
    }

    private Instant now() {
        long step = resolution.toMillis();
        long ms = System.currentTimeMillis();
        return Instant.ofEpochMilli(ms - ms % step);
    }

    private static boolean running(JsonNode pod) {
        return "Running".equals(pod.path("status").path("phase").asText())
                && !pod.path("metadata").hasNonNull("deletionTimestamp");
    }

    private static Map<String, String> requirements(String selector) {
        Map<String, String> required = new LinkedHashMap<>();
        if (selector == null || selector.isBlank()) {
            return required;
        }
        for (String part : selector.split(",")) {
            String[] kv = part.split("==?", 2);
            if (kv.length == 2) {
                required.put(kv[0].trim(), kv[1].trim());
            }
        }
        return required;
    }

    private static boolean matches(JsonNode labels, Map<String, String> required) {
        for (Map.Entry<String, String> r : required.entrySet()) {
            if (!r.getValue().equals(labels.path(r.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    private static MockResponse json(JsonNode body) {
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                .setBody(Serialization.asJson(body));
    }
}
