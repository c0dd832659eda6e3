package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A kind of custom resource the engine can follow as a run's workload, as it follows a Job or a
 * Deployment: where it lives in the API, how to read from its status whether it is ready, and
 * what to tell a user whose cluster does not have it. Custom resources are read and written as
 * fabric8 {@link GenericKubernetesResource}s, so the engine needs no model classes for them.
 *
 * @param group        the API group ({@code kubeai.org})
 * @param version      the API version ({@code v1})
 * @param kind         the kind ({@code Model})
 * @param plural       the resource's plural ({@code models})
 * @param readyTimeout how long a start waits for readiness when the step gives no timeout
 * @param missing      what to say when the API has no such resource (the CRD is not installed)
 * @param judge        reads an object's spec and status: ready, not yet, or failed
 * @param replicas     reads an object's replicas, asked for and ready, for the services page
 */
public record CustomWorkload(String group, String version, String kind, String plural, Duration readyTimeout,
                             String missing, Function<GenericKubernetesResource, Readiness> judge,
                             Function<GenericKubernetesResource, Replicas> replicas) {

    public CustomWorkload {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(plural, "plural");
        Objects.requireNonNull(readyTimeout, "readyTimeout");
        Objects.requireNonNull(missing, "missing");
        Objects.requireNonNull(judge, "judge");
        Objects.requireNonNull(replicas, "replicas");
    }

    /** {@code group/version}, as in an object's {@code apiVersion}. */
    public String apiVersion() {
        return group + "/" + version;
    }

    /** For fabric8's generic resource API: no discovery request per call. */
    public ResourceDefinitionContext context() {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                .withPlural(plural).withNamespaced(true).build();
    }

    /**
     * A custom resource's replicas, as the services page shows them.
     *
     * @param asked the replicas it asks for
     * @param ready the replicas ready now
     */
    public record Replicas(int asked, int ready) {
    }

    /**
     * What a custom resource's status says.
     *
     * @param state   whether it is ready, still coming up, or failed
     * @param reason  a short reason for a failure ({@code Failed}), else null
     * @param message for people: why it is not ready, or what failed
     * @param figures numbers worth reporting (replicas, readyReplicas), added to the outputs
     */
    public record Readiness(State state, String reason, String message, Map<String, Object> figures) {

        /** The three answers. */
        public enum State { READY, WAITING, FAILED }

        public Readiness {
            Objects.requireNonNull(state, "state");
            figures = figures == null ? Map.of() : Map.copyOf(figures);
        }

        public static Readiness ready(String message, Map<String, Object> figures) {
            return new Readiness(State.READY, null, message, figures);
        }

        public static Readiness waiting(String message) {
            return new Readiness(State.WAITING, null, message, Map.of());
        }

        public static Readiness failed(String reason, String message) {
            return new Readiness(State.FAILED, reason, message, Map.of());
        }
    }

    /**
     * KubeAI's {@code Model} ({@code kubeai.org/v1}): KubeAI's controller starts the model's
     * server pods itself and counts them in {@code status.replicas.all} and
     * {@code status.replicas.ready}. A model is ready when at least {@code spec.minReplicas} replicas
     * are (and at once when that is 0: it scales from zero on its first request). KubeAI reports
     * no failure in the status: a model that never becomes ready ends with the start's timeout.
     */
    public static final CustomWorkload KUBEAI_MODEL = new CustomWorkload("kubeai.org", "v1", "Model", "models",
            Duration.ofMinutes(30),
            "KubeAI is not installed in this cluster: the API has no kubeai.org/v1 'models' resource (the Model"
                    + " CRD). Install KubeAI (https://www.kubeai.org, helm install kubeai kubeai/kubeai) or ask the"
                    + " cluster's administrator to; nothing was created",
            CustomWorkload::kubeAiReadiness, CustomWorkload::kubeAiReplicas);

    /**
     * A Model's replicas: {@code spec.minReplicas} asked for (what KubeAI keeps running; it may
     * scale above), {@code status.replicas.ready} ready.
     */
    static Replicas kubeAiReplicas(GenericKubernetesResource model) {
        long min = number(model.getAdditionalProperties().get("spec"), "minReplicas", 0);
        Object status = model.getAdditionalProperties().get("status");
        long ready = number(status instanceof Map<?, ?> s ? s.get("replicas") : null, "ready", 0);
        return new Replicas((int) Math.min(Integer.MAX_VALUE, min), (int) Math.min(Integer.MAX_VALUE, ready));
    }

    static Readiness kubeAiReadiness(GenericKubernetesResource model) {
        long min = number(model.getAdditionalProperties().get("spec"), "minReplicas", 0);
        Object status = model.getAdditionalProperties().get("status");
        Object replicas = status instanceof Map<?, ?> s ? s.get("replicas") : null;
        long all = number(replicas, "all", 0);
        long ready = number(replicas, "ready", 0);
        Map<String, Object> figures = Map.of("replicas", all, "readyReplicas", ready);
        if (min == 0) {
            return Readiness.ready("minReplicas is 0: KubeAI starts a replica on the first request", figures);
        }
        if (ready >= min) {
            return Readiness.ready(ready + " of " + min + " replicas ready", figures);
        }
        return Readiness.waiting(ready + " of " + min + " replicas ready");
    }

    private static long number(Object map, String key, long otherwise) {
        if (map instanceof Map<?, ?> m && m.get(key) instanceof Number n) {
            return n.longValue();
        }
        return otherwise;
    }
}
