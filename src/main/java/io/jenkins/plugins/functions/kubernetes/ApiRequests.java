package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.net.HttpURLConnection;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The engine's create and delete requests, sent asynchronously through fabric8's {@link HttpClient}
 * (its authentication, TLS, retries and timeouts apply, as to fabric8's own calls), each in a slot
 * of the engine's {@link RequestSlots}.
 *
 * <p>Why not fabric8's {@code resource(o).create()}: in 6.10 every such call is asynchronous
 * underneath too (an okhttp dispatcher thread carries it) and the caller's thread only waits for
 * it, so a create cost two threads. Here it costs the dispatcher's one, and the engine's limit on
 * requests under way can be twice as high for the same threads (docs/performance.md).
 *
 * <p>Only what the engine's hot path needs: POST of a typed object (or of a known custom resource),
 * DELETE by name with a propagation policy. Failures are fabric8's {@link KubernetesClientException}
 * with the API server's {@link Status}, as fabric8's calls report them.
 */
final class ApiRequests {

    /** Where objects of one kind live in the API: {@code apiVersion} and resource (plural) name. */
    record Type(String apiVersion, String plural) {

        /** The type of an object: its API version and its class's plural, or a known custom resource's. */
        static Type of(HasMetadata object) {
            CustomWorkload custom = Workloads.customWorkload(object);
            if (custom != null) {
                return new Type(custom.apiVersion(), custom.plural());
            }
            if (object instanceof GenericKubernetesResource) {
                throw new IllegalArgumentException("no known resource type for " + object.getApiVersion() + " "
                        + object.getKind());
            }
            return new Type(object.getApiVersion(), PLURALS.computeIfAbsent(object.getClass(), HasMetadata::getPlural));
        }

        /** fabric8 finds a class's plural by reflection and rules each time: once per class here. */
        private static final Map<Class<?>, String> PLURALS = new ConcurrentHashMap<>();
    }

    private final KubernetesClient client;
    private final RequestSlots slots;

    ApiRequests(KubernetesClient client, RequestSlots slots) {
        this.client = client;
        this.slots = slots;
    }

    /**
     * Creates {@code object} in {@code namespace}: completes with the object the API server stored,
     * or exceptionally with a {@link KubernetesClientException} (409 when the name is taken).
     *
     * @param next whether this continues work under way (a run's second object): it goes first
     */
    <T extends HasMetadata> CompletableFuture<T> create(T object, String namespace, boolean next) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) object.getClass();
        Type where = Type.of(object);
        KubernetesSerialization json = client.getKubernetesSerialization();
        java.util.function.Supplier<CompletableFuture<T>> post = () -> {
            HttpClient http = client.getHttpClient();
            HttpRequest request = withTimeout(http.newHttpRequestBuilder()
                    .uri(collection(where, namespace))
                    .post("application/json", json.asJson(inNamespace(object, namespace)))).build();
            return http.sendAsync(request, String.class).thenApply(response -> {
                if (!response.isSuccessful()) {
                    throw failure(response, json);
                }
                return json.unmarshal(response.body(), type);
            });
        };
        return next ? slots.submitNext(RequestSlots.Kind.CREATE, post) : slots.submit(RequestSlots.Kind.CREATE, post);
    }

    /**
     * Deletes the object {@code name} of {@code type} with background propagation (its dependents
     * are garbage-collected): completes with true when it was deleted, false when it was not there,
     * or exceptionally with a {@link KubernetesClientException}. It is part of a run's end.
     */
    CompletableFuture<Boolean> delete(Type type, String namespace, String name) {
        KubernetesSerialization json = client.getKubernetesSerialization();
        return slots.submit(RequestSlots.Kind.END, () -> {
            HttpClient http = client.getHttpClient();
            DeleteOptions options = new DeleteOptions();
            options.setApiVersion("v1");
            options.setKind("DeleteOptions");
            options.setPropagationPolicy(DeletionPropagation.BACKGROUND.toString());
            HttpRequest request = withTimeout(http.newHttpRequestBuilder()
                    .uri(collection(type, namespace) + "/" + encode(name))
                    .delete("application/json", json.asJson(options))).build();
            return http.sendAsync(request, String.class).thenApply(response -> {
                if (response.code() == HttpURLConnection.HTTP_NOT_FOUND) {
                    return false;
                }
                if (!response.isSuccessful()) {
                    throw failure(response, json);
                }
                return true;
            });
        });
    }

    /** fabric8's own calls time out after the configured request timeout: these do as well. */
    private HttpRequest.Builder withTimeout(HttpRequest.Builder builder) {
        int timeout = client.getConfiguration().getRequestTimeout();
        return timeout > 0 ? builder.timeout(timeout, TimeUnit.MILLISECONDS) : builder;
    }

    /** The URL of a namespace's collection of a type, e.g. {@code .../apis/batch/v1/namespaces/ns/jobs}. */
    String collection(Type type, String namespace) {
        String base = client.getMasterUrl().toString();
        if (!base.endsWith("/")) {
            base += "/";
        }
        String root = type.apiVersion().contains("/") ? "apis/" : "api/";
        return base + root + type.apiVersion() + "/namespaces/" + encode(namespace) + "/" + type.plural();
    }

    /** The object as the API server must receive it: in the namespace of the request, as fabric8 would send it. */
    private <T extends HasMetadata> T inNamespace(T object, String namespace) {
        if (namespace.equals(object.getMetadata().getNamespace())) {
            return object;
        }
        T copy = client.getKubernetesSerialization().clone(object);
        copy.getMetadata().setNamespace(namespace);
        return copy;
    }

    /** A refused request as fabric8 reports it: the API server's Status, or one made of the code. */
    static KubernetesClientException failure(HttpResponse<String> response, KubernetesSerialization json) {
        Status status = null;
        String body = response.body();
        if (body != null && body.startsWith("{")) {
            try {
                status = json.unmarshal(body, Status.class);
            } catch (RuntimeException notAStatus) {
                status = null;
            }
        }
        if (status == null || status.getMessage() == null) {
            status = new StatusBuilder().withCode(response.code())
                    .withMessage("HTTP " + response.code() + " " + response.message()).build();
        } else if (status.getCode() == null) {
            status.setCode(response.code());
        }
        return new KubernetesClientException(status);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
