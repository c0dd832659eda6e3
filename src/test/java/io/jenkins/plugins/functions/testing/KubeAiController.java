package io.jenkins.plugins.functions.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher.Action;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;

/**
 * A simulated KubeAI: its {@code Model} CRD ({@code models.kubeai.org}, version {@code v1},
 * namespaced, with a status subresource, as KubeAI's chart installs it), so that API discovery of
 * {@code kubeai.org/v1} lists {@code models}, and a controller that reports a Model's replicas in
 * {@code status.replicas.all} and {@code status.replicas.ready}, as KubeAI's does.
 *
 * <p>What it does with a Model ({@link Behavior}): {@code readyAfter(d)}: {@code spec.minReplicas}
 * replicas, all ready {@code d} after the Model was created or changed; {@code neverReady()}: the
 * replicas exist and never become ready (a model that cannot load). Model pods are not simulated:
 * KubeAI's pods carry its own labels, which the engine does not follow anyway.
 *
 * <p>Without {@link ClusterSimulator#installKubeAi}, the cluster has no KubeAI: discovery of
 * {@code kubeai.org/v1} answers 404, as a cluster without the CRD does.
 */
public final class KubeAiController {

    static final ResourceDefinitionContext MODELS = new ResourceDefinitionContext.Builder().withGroup("kubeai.org")
            .withVersion("v1").withKind("Model").withPlural("models").withNamespaced(true).build();

    /** What KubeAI does with every Model. */
    public record Behavior(Duration readyAfter) {
        /** Replicas ready this long after the Model was created or changed. */
        public static Behavior readyAfter(Duration d) {
            return new Behavior(Objects.requireNonNull(d));
        }

        /** Replicas that never become ready. */
        public static Behavior neverReady() {
            return new Behavior(null);
        }
    }

    private final KubernetesClient client;
    private final ControlLoop loop;
    private final Behavior behavior;
    private final Map<String, ScheduledFuture<?>> pending = new HashMap<>();

    KubeAiController(KubernetesClient client, ControlLoop loop, Behavior behavior) {
        this.client = client;
        this.loop = loop;
        this.behavior = behavior;
    }

    static CustomResourceDefinition crd() {
        return new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName("models.kubeai.org").endMetadata()
                .withNewSpec()
                    .withGroup("kubeai.org")
                    .withScope("Namespaced")
                    .withNewNames().withKind("Model").withListKind("ModelList").withPlural("models")
                        .withSingular("model").endNames()
                    .addNewVersion().withName("v1").withServed(true).withStorage(true)
                        .withNewSubresources().withNewStatus().endStatus().endSubresources()
                        .withNewSchema().withNewOpenAPIV3Schema().withType("object")
                            .withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
                    .endVersion()
                .endSpec()
                .build();
    }

    /** On the control loop: a Model was added, changed or deleted. */
    void onModel(Action action, GenericKubernetesResource model) {
        String key = model.getMetadata().getNamespace() + "/" + model.getMetadata().getName();
        ScheduledFuture<?> previous = pending.remove(key);
        if (previous != null) {
            previous.cancel(false);
        }
        if (action == Action.DELETED) {
            return;
        }
        long min = minReplicas(model);
        if (behavior.readyAfter() == null) {
            writeStatus(model, min, 0);
            return;
        }
        if (readyReplicas(model) >= min && allReplicas(model) == min) {
            return; // our own status write coming back
        }
        pending.put(key, loop.schedule(behavior.readyAfter(), () -> {
            pending.remove(key);
            GenericKubernetesResource current = client.genericKubernetesResources(MODELS)
                    .inNamespace(model.getMetadata().getNamespace()).withName(model.getMetadata().getName()).get();
            if (current != null) {
                writeStatus(current, minReplicas(current), minReplicas(current));
            }
        }));
    }

    private void writeStatus(GenericKubernetesResource model, long all, long ready) {
        if (allReplicas(model) == all && readyReplicas(model) == ready && status(model) != null) {
            return;
        }
        Map<String, Object> replicas = new LinkedHashMap<>();
        replicas.put("all", all);
        replicas.put("ready", ready);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("replicas", replicas);
        model.getAdditionalProperties().put("status", status);
        client.genericKubernetesResources(MODELS).inNamespace(model.getMetadata().getNamespace())
                .resource(model).updateStatus();
    }

    private static Map<?, ?> status(GenericKubernetesResource model) {
        return model.getAdditionalProperties().get("status") instanceof Map<?, ?> m ? m : null;
    }

    private static long minReplicas(GenericKubernetesResource model) {
        Object spec = model.getAdditionalProperties().get("spec");
        return spec instanceof Map<?, ?> m && m.get("minReplicas") instanceof Number n ? n.longValue() : 0;
    }

    private static long allReplicas(GenericKubernetesResource model) {
        Map<?, ?> status = status(model);
        return status != null && status.get("replicas") instanceof Map<?, ?> r && r.get("all") instanceof Number n
                ? n.longValue() : -1;
    }

    private static long readyReplicas(GenericKubernetesResource model) {
        Map<?, ?> status = status(model);
        return status != null && status.get("replicas") instanceof Map<?, ?> r && r.get("ready") instanceof Number n
                ? n.longValue() : -1;
    }
}
