package io.jenkins.plugins.functions.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.functions.model.ActionKind;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The Kubernetes objects one run creates, in creation order, and which of them is the workload
 * whose status decides the run (the Job of a {@code job}, the Deployment of a {@code serve}).
 * Objects other than the workload are owned by it once it exists, so deleting the workload
 * garbage-collects them.
 *
 * @param request  the request this plan answers
 * @param objects  every object to create, the workload included, in creation order
 * @param workload the object whose status decides the run; one of {@code objects}
 */
public record Plan(RunRequest request, List<HasMetadata> objects, HasMetadata workload) {

    public Plan {
        Objects.requireNonNull(request, "request");
        objects = List.copyOf(objects);
        Objects.requireNonNull(workload, "workload");
        if (!objects.contains(workload)) {
            throw new IllegalArgumentException("the workload must be one of the plan's objects");
        }
    }

    public ActionKind action() {
        return request.action();
    }

    public String namespace() {
        return request.namespace();
    }

    /**
     * Names the objects, never their content: a plan may hold a Secret (a registry login, a
     * credential's value), which must not reach a log or an exception message through here.
     */
    @Override
    public String toString() {
        return "Plan[" + request + ", objects " + objects.stream()
                .map(o -> o.getKind() + " " + o.getMetadata().getName()).collect(Collectors.joining(", "))
                + ", workload " + workload.getKind() + " " + workload.getMetadata().getName() + "]";
    }

    /** What a Secret's values are replaced with in {@link #toYaml()}. */
    public static final String REDACTED = "<redacted>";

    /**
     * The objects as YAML documents, as {@code kubectl apply -f} would take them, except that the
     * values of Secrets (a run's credentials) are replaced by {@value #REDACTED}: this text is shown
     * and written to files ({@code function-runtimes render}).
     */
    public String toYaml() {
        return objects.stream()
                .map(Plan::redacted)
                .map(Serialization::asYaml)
                .map(doc -> doc.startsWith("---") ? doc : "---\n" + doc)
                .collect(Collectors.joining());
    }

    private static HasMetadata redacted(HasMetadata object) {
        if (!(object instanceof Secret secret)) {
            return object;
        }
        Map<String, String> keys = new TreeMap<>();
        if (secret.getData() != null) {
            secret.getData().keySet().forEach(k -> keys.put(k, REDACTED));
        }
        if (secret.getStringData() != null) {
            secret.getStringData().keySet().forEach(k -> keys.put(k, REDACTED));
        }
        return new SecretBuilder(secret).withData(null).withStringData(keys).build();
    }
}
