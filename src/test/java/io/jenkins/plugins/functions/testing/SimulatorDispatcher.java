package io.jenkins.plugins.functions.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.internal.MockDispatcher;
import io.fabric8.mockwebserver.internal.SimpleRequest;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;
import okio.Buffer;

/**
 * The simulated API server's front door: fabric8's CRUD dispatcher (behind the expectations
 * {@code KubernetesMockServer} records for {@code /} and {@code /version}, exactly as {@code
 * KubernetesMixedDispatcher} does), plus what a real API server does that it does not:
 * <ul>
 *   <li>counts requests ({@link RequestLog});
 *   <li>serves pod logs ({@link LogEndpoint}) and refuses other subresources it does not know
 *       (the CRUD dispatcher would otherwise treat {@code /pods/x/exec} as a query matching
 *       every stored object);
 *   <li>validates and defaults created objects ({@link ApiDefaults});
 *   <li>keeps the stored status when a built-in kind with a status subresource is written through
 *       its main resource (the CRUD dispatcher would take the request's);
 *   <li>tells the garbage collector which objects a request removed and with which propagation
 *       policy ({@code propagationPolicy} / {@code orphanDependents} from the query or the
 *       {@code DeleteOptions} body; the CRUD dispatcher ignores both), including objects removed
 *       later, when their last finalizer goes;
 *   <li>answers SelfSubjectAccessReviews from the same {@code forbid} rules that refuse requests
 *       ({@link AccessReviews});
 *   <li>paginates lists that ask for it ({@code limit}, {@code continue}), as the API server does:
 *       items in key order (namespace, then name), {@code metadata.continue} and {@code
 *       remainingItemCount} while more remain. Unlike a real server the pages are not a snapshot:
 *       an object created behind the last returned key after the first page shows on a later page.
 * </ul>
 */
final class SimulatorDispatcher extends Dispatcher {

    /** A removed object, as it was stored, and the propagation policy asked for (null: none). */
    record Removal(JsonNode object, String propagationPolicy) {}

    private static final Pattern RESOURCE = Pattern.compile(
            "^/(?:api/(?<coreVersion>v1)|apis/(?<group>[^/]+)/(?<version>[^/]+))"
                    + "(?:/namespaces/(?<namespace>[^/]+))?/(?<plural>[^/]+)(?:/(?<name>[^/]+))?(?:/(?<sub>[^/]+))?/?$");
    private static final Set<String> CRUD_SUBRESOURCES = Set.of("status", "scale");
    /** Built-in kinds whose status is a subresource: writes to the main resource leave it alone. */
    private static final Set<String> STATUS_SUBRESOURCE = Set.of("pods", "services", "jobs", "cronjobs", "deployments",
            "replicasets", "statefulsets", "daemonsets", "persistentvolumeclaims", "namespaces", "nodes",
            "replicationcontrollers", "horizontalpodautoscalers", "poddisruptionbudgets", "ingresses");
    private static final Set<String> STATUS_SUBRESOURCE_GROUPS = Set.of("apps", "batch", "autoscaling", "policy",
            "networking.k8s.io");

    private final Map<ServerRequest, Queue<ServerResponse>> expectations;
    private final MockDispatcher mockDispatcher;
    private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
    private final RequestLog requests;
    private final LogEndpoint logs;
    private final ApiDefaults defaults = new ApiDefaults();
    private final Consumer<Removal> removals;
    private final Runnable onEachRequest;
    /** Requests answered 403 Forbidden, as RBAC would: {@link RequestLog} patterns by method. */
    private final java.util.List<java.util.function.Predicate<RequestLog.Entry>> forbidden =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Gates that hold matching client requests until a test decides ({@link RequestGate}). */
    private final java.util.List<RequestGate> gates = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The cluster's metrics-server, null when it has none (the default): see {@link MetricsServer}. */
    private volatile MetricsServer metricsServer;
    /** Propagation policies of deletions that wait for finalizers, by uid. */

    private final Map<String, String> pendingPolicies = new ConcurrentHashMap<>();

    SimulatorDispatcher(Map<ServerRequest, Queue<ServerResponse>> expectations, RequestLog requests, LogEndpoint logs,
            Consumer<Removal> removals, Runnable onEachRequest) {
        this.expectations = expectations;
        this.mockDispatcher = new MockDispatcher(expectations);
        this.requests = requests;
        this.logs = logs;
        this.removals = removals;
        this.onEachRequest = onEachRequest;
    }

    /** Holds the next client requests with this method and path pattern until the gate is decided. */
    RequestGate gate(String method, String pathPattern,
                     java.util.function.Predicate<JsonNode> when) {
        RequestGate gate = new RequestGate(RequestLog.matcher(method, pathPattern), when);
        gates.add(gate);
        return gate;
    }

    /** From now on, serves the {@code metrics.k8s.io} API with this metrics-server (null: none). */
    void metricsServer(MetricsServer value) {
        metricsServer = value;
    }

    /** From now on, answers requests with this method and path pattern with 403 Forbidden. */
    void forbid(String method, String pathPattern) {
        forbidden.add(RequestLog.matcher(method, pathPattern));
    }

    /** The stored object at {@code path} (no query), or null; reads the store directly, no HTTP. */
    JsonNode get(String path) {
        MockResponse r = crud.handleGet(path);
        if (!r.getStatus().contains(" 200 ")) {
            return null;
        }
        return parse(r);
    }

    /** How many of the next client watches that resume from a resourceVersion get 410 Gone. */
    private final java.util.concurrent.atomic.AtomicInteger expiredWatches = new java.util.concurrent.atomic.AtomicInteger();

    /** The next {@code count} watches of clients (not the simulator's) are answered 410 Gone. */
    void expireWatches(int count) {
        expiredWatches.set(count);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        onEachRequest.run();
        String method = request.getMethod();
        String pathAndQuery = request.getPath();
        boolean fromSimulator = "true".equalsIgnoreCase(request.getHeader(ClusterSimulator.SIMULATOR_HEADER));
        requests.record(method, pathAndQuery, fromSimulator);
        if (!fromSimulator && "GET".equals(method) && pathAndQuery.contains("watch=true")
                && pathAndQuery.contains("resourceVersion=") && expiredWatches.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return expiredWatch(request);
        }

        if (!gates.isEmpty() && !fromSimulator) {
            int q0 = pathAndQuery.indexOf('?');
            RequestLog.Entry entry = new RequestLog.Entry(java.time.Instant.now(), method,
                    q0 < 0 ? pathAndQuery : pathAndQuery.substring(0, q0), q0 < 0 ? null : pathAndQuery.substring(q0 + 1));
            String objectOfRequest = entry.path().endsWith("/log")
                    ? entry.path().substring(0, entry.path().length() - 4) : entry.path();
            for (RequestGate gate : gates) {
                if (gate.matches(entry, () -> get(objectOfRequest))) {
                    MockResponse refused = gate.hold();
                    if (refused != null) {
                        return refused;
                    }
                }
            }
        }
        if (!forbidden.isEmpty() && !"true".equalsIgnoreCase(request.getHeader(ClusterSimulator.SIMULATOR_HEADER))) {
            int q0 = pathAndQuery.indexOf('?');
            RequestLog.Entry entry = new RequestLog.Entry(java.time.Instant.now(), method,
                    q0 < 0 ? pathAndQuery : pathAndQuery.substring(0, q0), q0 < 0 ? null : pathAndQuery.substring(q0 + 1));
            if (forbidden.stream().anyMatch(f -> f.test(entry))) {
                return ApiStatus.response(403, "Forbidden", "forbidden: User \"system:serviceaccount:default:test\""
                        + " cannot " + method.toLowerCase(java.util.Locale.ROOT) + " " + entry.path()
                        + " (simulated RBAC refusal)");
            }
        }
        if (AccessReviews.isReview(method, pathAndQuery)) {
            return AccessReviews.answer(request, forbidden); // RBAC as the forbid rules have it
        }
        int q0 = pathAndQuery.indexOf('?');
        if (MetricsServer.handles(q0 < 0 ? pathAndQuery : pathAndQuery.substring(0, q0))) {
            MetricsServer m = metricsServer;
            return m == null ? MetricsServer.absent() : m.serve(method, pathAndQuery);
        }
        Queue<ServerResponse> expected = expectations.get(new SimpleRequest(HttpMethod.valueOf(method), pathAndQuery));
        if (expected != null && !expected.isEmpty()) {
            return mockDispatcher.dispatch(request);
        }
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        Matcher m = RESOURCE.matcher(path);
        if (!m.matches()) {
            return crud.dispatch(request);
        }
        String sub = m.group("sub");
        String plural = m.group("plural");
        String name = m.group("name");
        String namespace = m.group("namespace");
        String group = m.group("group");
        if (sub != null) {
            if ("log".equals(sub) && "pods".equals(plural) && group == null && "GET".equals(method)) {
                return logs.serve(namespace, name, pathAndQuery);
            }
            if (!CRUD_SUBRESOURCES.contains(sub)) {
                return ApiStatus.response(404, "NotFound", "the server could not find the requested resource");
            }
        }
        String objectPath = name == null ? null : path.substring(0, path.length() - (sub == null ? 0 : sub.length() + 1));
        if ("GET".equals(method) && name == null) {
            HttpUrl url = HttpUrl.parse("http://localhost" + pathAndQuery);
            if (url != null && url.queryParameter("limit") != null && !"true".equals(url.queryParameter("watch"))) {
                return paginate(request, url);
            }
        }
        switch (method) {
            case "POST":
                return name == null ? create(request, group, plural) : crud.dispatch(request);
            case "DELETE":
                return delete(request, path, objectPath);
            case "PUT":
            case "PATCH":
                return update(request, objectPath, sub == null && hasStatusSubresource(group, plural));
            default:
                return crud.dispatch(request);
        }
    }

    /**
     * What an API server does when a watch resumes from a version etcd has compacted away: it
     * accepts the watch and sends one ERROR event holding a 410 Status, then ends it. (It does not
     * refuse the handshake: clients treat a refused handshake as a network error and retry the
     * same version, and only the event makes an informer list again.)
     */
    private static MockResponse expiredWatch(RecordedRequest request) {
        String event = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old resource version\","
                + "\"reason\":\"Expired\",\"code\":410}}";
        if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            return new MockResponse().withWebSocketUpgrade(new okhttp3.WebSocketListener() {
                @Override
                public void onOpen(okhttp3.WebSocket webSocket, okhttp3.Response response) {
                    webSocket.send(event);
                    webSocket.close(1000, "watch expired");
                }
            });
        }
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                .setBody(event + "\n");
    }

    private static boolean hasStatusSubresource(String group, String plural) {
        return STATUS_SUBRESOURCE.contains(plural)
                && (group == null || STATUS_SUBRESOURCE_GROUPS.contains(group));
    }

    private MockResponse create(RecordedRequest request, String group, String plural) {
        JsonNode body;
        try {
            body = Serialization.jsonMapper().readTree(request.getBody().clone().readUtf8());
        } catch (IOException e) {
            return crud.dispatch(request); // let the CRUD dispatcher word the error
        }
        if (!(body instanceof ObjectNode obj)) {
            return crud.dispatch(request);
        }
        try {
            defaults.onCreate(group, plural, obj);
        } catch (ApiDefaults.Invalid e) {
            return ApiStatus.response(422, "Invalid", e.getMessage());
        }
        return crud.dispatch(withBody(request, obj));
    }

    /** The request with another body (the CRUD dispatcher reads the body from the request). */
    private static RecordedRequest withBody(RecordedRequest request, JsonNode body) {
        Socket socket = ConnectionTracking.currentSocket();
        if (socket == null) {
            return request; // cannot rebuild it: the request goes through unchanged
        }
        byte[] bytes = Serialization.asJson(body).getBytes(StandardCharsets.UTF_8);
        return new RecordedRequest(request.getRequestLine(), request.getHeaders(), request.getChunkSizes(), bytes.length,
                new Buffer().write(bytes), request.getSequenceNumber(), socket);
    }

    private MockResponse delete(RecordedRequest request, String path, String objectPath) {
        String policy = propagationPolicy(request);
        if (objectPath != null) {
            JsonNode before = get(objectPath);
            MockResponse response = crud.dispatch(request);
            if (before != null) {
                if (get(objectPath) == null) {
                    removals.accept(new Removal(before, policy));
                } else if (policy != null) {
                    pendingPolicies.put(before.path("metadata").path("uid").asText(), policy);
                }
            }
            return response;
        }
        // A collection: the CRUD dispatcher answers with the list of what matched.
        MockResponse response = crud.dispatch(request);
        JsonNode list = parse(response);
        if (list != null) {
            for (JsonNode item : list.path("items")) {
                String itemPath = path + "/" + item.path("metadata").path("name").asText();
                if (get(itemPath) == null) {
                    removals.accept(new Removal(item, policy));
                } else if (policy != null) {
                    pendingPolicies.put(item.path("metadata").path("uid").asText(), policy);
                }
            }
        }
        return response;
    }

    /**
     * Updates. For kinds with a status subresource, a write to the main resource keeps the stored
     * status, as on a real API server (the CRUD dispatcher would take the status from the request).
     * An update that removes the last finalizer of an object marked for deletion removes it.
     */
    private MockResponse update(RecordedRequest request, String objectPath, boolean keepStatus) {
        JsonNode before = objectPath == null ? null : get(objectPath);
        if (keepStatus && before != null) {
            request = keepingStatus(request, before);
        }
        MockResponse response = crud.dispatch(request);
        if (before != null && before.path("metadata").hasNonNull("deletionTimestamp") && get(objectPath) == null) {
            String uid = before.path("metadata").path("uid").asText();
            removals.accept(new Removal(before, pendingPolicies.remove(uid)));
        }
        return response;
    }

    private static RecordedRequest keepingStatus(RecordedRequest request, JsonNode stored) {
        JsonNode body;
        try {
            body = Serialization.jsonMapper().readTree(request.getBody().clone().readUtf8());
        } catch (IOException e) {
            return request;
        }
        if (body instanceof ObjectNode obj && "PUT".equals(request.getMethod())) {
            if (stored.has("status")) {
                obj.set("status", stored.get("status"));
            } else {
                obj.remove("status");
            }
            return withBody(request, obj);
        }
        if (body instanceof ObjectNode obj && obj.has("status")) { // merge patch
            obj.remove("status");
            return withBody(request, obj);
        }
        if (body instanceof com.fasterxml.jackson.databind.node.ArrayNode ops) { // JSON patch
            com.fasterxml.jackson.databind.node.ArrayNode kept = ops.arrayNode();
            for (JsonNode op : ops) {
                String path = op.path("path").asText();
                if (!path.equals("/status") && !path.startsWith("/status/")) {
                    kept.add(op);
                }
            }
            return kept.size() == ops.size() ? request : withBody(request, kept);
        }
        return request;
    }

    /**
     * A page of a list: the CRUD dispatcher answers with every match; the page is the {@code limit}
     * items after the key the {@code continue} token names (base64 of {@code namespace/name}).
     */
    private MockResponse paginate(RecordedRequest request, HttpUrl url) {
        long limit;
        try {
            limit = Long.parseLong(url.queryParameter("limit"));
        } catch (NumberFormatException e) {
            return ApiStatus.response(400, "BadRequest", "limit: Invalid value: " + url.queryParameter("limit"));
        }
        MockResponse full = crud.dispatch(request);
        JsonNode list = parse(full);
        if (limit <= 0 || !(list instanceof ObjectNode listObject) || !list.path("items").isArray()) {
            return full;
        }
        String after = null;
        String token = url.queryParameter("continue");
        if (token != null && !token.isEmpty()) {
            try {
                after = new String(java.util.Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return ApiStatus.response(400, "BadRequest", "continue key is not valid: " + token);
            }
        }
        java.util.List<JsonNode> items = new java.util.ArrayList<>();
        list.path("items").forEach(items::add);
        items.sort(java.util.Comparator.comparing(SimulatorDispatcher::key));
        String start = after;
        java.util.List<JsonNode> rest = items.stream().filter(i -> start == null || key(i).compareTo(start) > 0).toList();
        java.util.List<JsonNode> page = rest.subList(0, (int) Math.min(limit, rest.size()));
        com.fasterxml.jackson.databind.node.ArrayNode pageItems = listObject.arrayNode();
        page.forEach(pageItems::add);
        listObject.set("items", pageItems);
        ObjectNode meta = listObject.get("metadata") instanceof ObjectNode m ? m : listObject.putObject("metadata");
        meta.remove("continue");
        meta.remove("remainingItemCount");
        if (rest.size() > page.size()) {
            meta.put("continue", java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(key(page.get(page.size() - 1)).getBytes(StandardCharsets.UTF_8)));
            meta.put("remainingItemCount", rest.size() - page.size());
        }
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                .setBody(Serialization.asJson(listObject));
    }

    private static String key(JsonNode item) {
        return item.path("metadata").path("namespace").asText("") + "/" + item.path("metadata").path("name").asText("");
    }

    /** {@code Background}, {@code Foreground}, {@code Orphan} or null if the request names none. */
    static String propagationPolicy(RecordedRequest request) {
        HttpUrl url = HttpUrl.parse("http://localhost" + request.getPath());
        String policy = url == null ? null : url.queryParameter("propagationPolicy");
        String orphan = url == null ? null : url.queryParameter("orphanDependents");
        if (request.getBodySize() > 0) {
            try {
                JsonNode options = Serialization.jsonMapper().readTree(request.getBody().clone().readUtf8());
                if (options.hasNonNull("propagationPolicy")) {
                    policy = options.get("propagationPolicy").asText();
                }
                if (options.hasNonNull("orphanDependents")) {
                    orphan = options.get("orphanDependents").asText();
                }
            } catch (IOException | RuntimeException e) {
                // not DeleteOptions: no policy
            }
        }
        if (policy == null && orphan != null) {
            policy = Boolean.parseBoolean(orphan) ? "Orphan" : "Background";
        }
        return policy;
    }

    private static JsonNode parse(MockResponse r) {
        if (r.getBody() == null) {
            return null;
        }
        try {
            String s = r.getBody().clone().readUtf8();
            return s.isEmpty() ? null : Serialization.jsonMapper().readTree(s);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void shutdown() {
        logs.close();
    }
}
