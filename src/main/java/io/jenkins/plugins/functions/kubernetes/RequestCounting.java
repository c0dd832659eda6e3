package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.impl.KubernetesClientImpl;
import java.net.URI;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Counts an engine's requests to the Kubernetes API by verb, and the answers with an error
 * status, in its {@link EngineMetrics}: an interceptor of fabric8's HTTP client, so the requests
 * fabric8 sends on its own (informers' lists and watches, their re-lists) count too.
 *
 * <p>The engine's client is a client derived from the one it is given ({@link #instrument}): the
 * same connection pool, configuration and authentication, plus this interceptor. The client it
 * was given (perhaps the kubernetes plugin's, shared with agents) is left as it is, so only the
 * engine's own requests are counted.
 */
final class RequestCounting implements Interceptor {

    private static final Logger LOGGER = Logger.getLogger(RequestCounting.class.getName());
    static final String NAME = "function-runtimes-metrics";

    private final Supplier<EngineMetrics> metrics;

    RequestCounting(Supplier<EngineMetrics> metrics) {
        this.metrics = metrics;
    }

    /**
     * A client that counts its requests: derived from {@code client} (sharing its HTTP connection
     * pool; never close it, that would close the shared pool), its informers dispatching on
     * {@code executor}. The client itself when it cannot be derived (another HTTP client
     * implementation): nothing is counted then.
     */
    static KubernetesClient instrument(KubernetesClient client, Supplier<EngineMetrics> metrics, Executor executor) {
        try {
            HttpClient http = client.getHttpClient().newBuilder()
                    .addOrReplaceInterceptor(NAME, new RequestCounting(metrics)).build();
            return new KubernetesClientImpl(http, client.getConfiguration(), () -> executor,
                    client.getKubernetesSerialization());
        } catch (RuntimeException | LinkageError e) {
            LOGGER.log(Level.FINE, "cannot count the requests of " + client.getMasterUrl(), e);
            return client;
        }
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        EngineMetrics m = metrics.get();
        if (m.enabled()) {
            m.request(verb(request.method(), request.uri()));
        }
    }

    /*
     * Error statuses are counted in afterFailure, not in after: fabric8 calls after() on a branch
     * of the response's future that the caller does not wait for, so a caller could see a refused
     * request before it was counted. afterFailure is in the chain the caller waits on.
     */
    @Override
    public CompletableFuture<Boolean> afterFailure(HttpRequest.Builder builder, HttpResponse<?> response,
            RequestTags tags) {
        countError(response);
        return CompletableFuture.completedFuture(false);
    }

    @Override
    public CompletableFuture<Boolean> afterFailure(BasicBuilder builder, HttpResponse<?> response, RequestTags tags) {
        countError(response);
        return CompletableFuture.completedFuture(false);
    }

    private void countError(HttpResponse<?> response) {
        EngineMetrics m = metrics.get();
        if (m.enabled() && response != null && response.code() >= 400) {
            HttpRequest request = response.request();
            m.error(request == null ? "unknown" : verb(request.method(), request.uri()), response.code());
        }
    }

    /**
     * The Kubernetes verb of a request: {@code watch} ({@code watch=true}), {@code list} (a
     * collection), {@code get} (an object, a subresource such as a log, discovery), {@code create},
     * {@code update}, {@code patch}, {@code delete}.
     */
    static String verb(String method, URI uri) {
        String m = method == null ? "GET" : method.toUpperCase(Locale.ROOT);
        switch (m) {
            case "POST":
                return "create";
            case "PUT":
                return "update";
            case "PATCH":
                return "patch";
            case "DELETE":
                return "delete";
            case "GET":
                break;
            default:
                return m.toLowerCase(Locale.ROOT);
        }
        String query = uri == null ? null : uri.getRawQuery();
        if (query != null && isWatch(query)) {
            return "watch";
        }
        return isCollection(uri == null ? "" : uri.getRawPath()) ? "list" : "get";
    }

    /** Whether a query asks for a watch ({@code watch=true} or {@code watch=1} among its parameters). */
    private static boolean isWatch(String query) {
        for (String p : query.split("&")) {
            if (p.equals("watch=true") || p.equals("watch=1")) {
                return true;
            }
        }
        return false;
    }

    /** Whether a path names a collection ({@code .../namespaces/ns/pods}) rather than an object or discovery. */
    static boolean isCollection(String path) {
        String[] all = path.replaceAll("^/+|/+$", "").split("/");
        int start;
        if (all.length >= 2 && all[0].equals("api")) {
            start = 2; // api/v1
        } else if (all.length >= 3 && all[0].equals("apis")) {
            start = 3; // apis/<group>/<version>
        } else {
            return false; // /version, /api, /apis: discovery
        }
        int n = all.length - start;
        if (n >= 3 && all[start].equals("namespaces")) {
            n -= 2; // namespaces/<ns>/...
        }
        return n == 1;
    }
}
