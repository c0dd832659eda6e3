package io.jenkins.plugins.functions.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * SelfSubjectAccessReviews, answered as the simulated RBAC would answer the request they describe:
 * a review of {@code delete} on {@code jobs} in {@code functions} is denied exactly when
 * {@code DELETE /apis/batch/v1/namespaces/functions/jobs/<name>} would get 403 from a
 * {@link ClusterSimulator#forbid} rule. So a test states what the account may not do once, and
 * both the requests and the reviews follow it.
 */
final class AccessReviews {

    static final String PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

    /** The API version of the groups the plugin uses; the core group is {@code /api/v1}. */
    private static final Map<String, String> VERSIONS = Map.of("batch", "v1", "apps", "v1", "kubeai.org", "v1");

    private AccessReviews() {
    }

    static boolean isReview(String method, String path) {
        return "POST".equals(method) && PATH.equals(path);
    }

    /** The review back, with {@code status.allowed} (and a reason when denied). */
    static MockResponse answer(RecordedRequest request, List<Predicate<RequestLog.Entry>> forbidden) {
        JsonNode review;
        try {
            review = Serialization.jsonMapper().readTree(request.getBody().readUtf8());
        } catch (java.io.IOException e) {
            return ApiStatus.response(400, "BadRequest", "not a SelfSubjectAccessReview: " + e.getMessage());
        }
        JsonNode attributes = review.path("spec").path("resourceAttributes");
        RequestLog.Entry described = described(attributes);
        boolean allowed = described != null && forbidden.stream().noneMatch(f -> f.test(described));
        ObjectNode answer = ((ObjectNode) review.deepCopy());
        answer.put("apiVersion", "authorization.k8s.io/v1").put("kind", "SelfSubjectAccessReview");
        ObjectNode status = answer.putObject("status");
        status.put("allowed", allowed);
        if (!allowed) {
            status.put("reason", described == null ? "unknown verb" : "simulated RBAC: " + described.line());
        }
        return new MockResponse().setResponseCode(201).setHeader("Content-Type", "application/json")
                .setBody(answer.toString());
    }

    /** The request a review's attributes stand for; null for a verb the simulator does not map. */
    private static RequestLog.Entry described(JsonNode a) {
        String group = a.path("group").asText("");
        String resource = a.path("resource").asText("");
        String sub = a.path("subresource").asText("");
        String namespace = a.path("namespace").asText("");
        String base = group.isEmpty() ? "/api/v1" : "/apis/" + group + "/" + VERSIONS.getOrDefault(group, "v1");
        String collection = base + (namespace.isEmpty() ? "" : "/namespaces/" + namespace) + "/" + resource;
        String one = collection + "/" + (a.path("name").asText("").isEmpty() ? "x" : a.path("name").asText())
                + (sub.isEmpty() ? "" : "/" + sub);
        return switch (a.path("verb").asText("").toLowerCase(Locale.ROOT)) {
            case "get" -> entry("GET", one, null);
            case "list" -> entry("GET", collection, null);
            case "watch" -> entry("GET", collection, "watch=true");
            case "create" -> entry("POST", sub.isEmpty() ? collection : one, null);
            case "update" -> entry("PUT", one, null);
            case "patch" -> entry("PATCH", one, null);
            case "delete" -> entry("DELETE", one, null);
            default -> null;
        };
    }

    private static RequestLog.Entry entry(String method, String path, String query) {
        return new RequestLog.Entry(Instant.now(), method, path, query);
    }
}
