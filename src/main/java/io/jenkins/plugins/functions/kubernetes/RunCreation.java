package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunLabels;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Creates one run's objects: the workload first, then the others, owned by it, in plan order;
 * then tells the run. Each create is one asynchronous POST ({@link ApiRequests}) in a create slot
 * of the engine's {@link RequestSlots}: no thread waits on it, so a burst of runs is created as
 * many at a time as the slots allow. Only a name that is taken already (a repeated start of the
 * same run, a service served again) needs a sequence of calls (get, then update); that rare case
 * runs on the engine's worker pool with fabric8's own blocking calls.
 *
 * <p>Steps follow one another through their futures, never at once: the fields need no lock.
 */
final class RunCreation {

    private static final Logger LOGGER = Logger.getLogger(RunCreation.class.getName());

    private final KubernetesClient client;
    private final ApiRequests api;
    private final Executor workers;
    private final Plan plan;
    private final ActiveRun run;
    private final String namespace;
    /** What this run created or updated, undone if a later step fails. */
    private final List<HasMetadata> done = new ArrayList<>();
    /** The workload's name was taken: a repeated start taken over, or a service's new version. */
    private boolean existed;
    /** The version of a service this run replaced, if any. */
    private HasMetadata replaced;

    /** Whether the engine is closing: its controller stops, and a failure is not this run's end. */
    private final java.util.function.BooleanSupplier stopping;

    private RunCreation(KubernetesClient client, ApiRequests api, Executor workers, Plan plan, ActiveRun run,
                        java.util.function.BooleanSupplier stopping) {
        this.stopping = stopping;
        this.client = client;
        this.api = api;
        this.workers = workers;
        this.plan = plan;
        this.run = run;
        this.namespace = plan.namespace();
    }

    /** Starts creating; returns at once. The run hears {@code created} or {@code createFailed}. */
    static void start(KubernetesClient client, ApiRequests api, Executor workers, Plan plan, ActiveRun run,
                      java.util.function.BooleanSupplier stopping) {
        new RunCreation(client, api, workers, plan, run, stopping).createWorkload();
    }

    private void createWorkload() {
        HasMetadata workload = plan.workload();
        orIfTaken(api.create(workload, namespace, false), this::takeOverWorkload, created -> done.add(created))
                .thenCompose(created -> createOthers(owner(created), 0))
                .thenRun(this::finished)
                .whenComplete((v, error) -> {
                    if (error != null) {
                        failed(unwrap(error));
                    }
                });
    }

    /** The objects after the workload, one after the other, from {@code index} in the plan. */
    private CompletableFuture<Void> createOthers(OwnerReference owner, int index) {
        List<HasMetadata> objects = plan.objects();
        for (int i = index; i < objects.size(); i++) {
            HasMetadata object = objects.get(i);
            if (object == plan.workload()) {
                continue;
            }
            // Owned by the workload: deleting it garbage-collects them. Created after it, so a
            // refused workload, an abort or a crash in between never leaves an unowned object
            // (a run's credentials Secret above all; see runtime.CredentialEnv).
            object.getMetadata().setOwnerReferences(List.of(owner));
            int next = i + 1;
            return orIfTaken(api.create(object, namespace, true), () -> updateOwn(object), done::add)
                    .thenCompose(created -> createOthers(owner, next));
        }
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The created object, or when its name was taken (HTTP 409) what {@code ifTaken} makes of it on
     * the worker pool; {@code created} notes an object this run created (or updated).
     */
    private CompletableFuture<HasMetadata> orIfTaken(CompletableFuture<? extends HasMetadata> create,
            Supplier<HasMetadata> ifTaken, java.util.function.Consumer<HasMetadata> created) {
        return create.<CompletableFuture<HasMetadata>>handle((object, error) -> {
            if (error == null) {
                created.accept(object);
                return CompletableFuture.<HasMetadata>completedFuture(object);
            }
            Throwable cause = unwrap(error);
            if (cause instanceof KubernetesClientException k && k.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                return CompletableFuture.supplyAsync(ifTaken, workers);
            }
            return CompletableFuture.failedFuture(cause);
        }).thenCompose(f -> f);
    }

    /** The workload's name is taken (blocking; on the worker pool). */
    private HasMetadata takeOverWorkload() {
        existed = true;
        HasMetadata workload = plan.workload();
        if (Workloads.isService(run.ref()) || Workloads.customWorkload(workload) != null) {
            // A service of that name is running: this run is its new version. Replacing the
            // Deployment rolls its pods forward; the old ones go when the new are ready.
            // (A custom resource's controller does the same with its own workload.)
            HasMetadata previous = resource(workload).get();
            HasMetadata updated = resource(workload).update();
            replaced = previous;
            return updated;
        }
        // Same deterministic name: a repeated start of the same run. Take it over.
        return resource(workload).get();
    }

    /**
     * An object of the run whose name is taken: updated when it is this plugin's (a repeated start,
     * a service served again). One the plugin did not create (a team's own Secret or Service) is
     * never replaced: the run fails instead. Blocking; on the worker pool.
     */
    private HasMetadata updateOwn(HasMetadata object) {
        HasMetadata current = client.resource(object).inNamespace(namespace).get();
        Map<String, String> labels = current == null ? null : current.getMetadata().getLabels();
        if (current != null && (labels == null || !RunLabels.MANAGER.equals(labels.get(RunLabels.MANAGED_BY)))) {
            throw new KubernetesClientException(object.getKind() + " " + namespace + "/"
                    + object.getMetadata().getName() + " exists and was not created by function-runtimes;"
                    + " it is not replaced");
        }
        HasMetadata updated = client.resource(object).inNamespace(namespace).update();
        done.add(updated);
        return updated;
    }

    private static OwnerReference owner(HasMetadata workload) {
        return new OwnerReferenceBuilder()
                .withApiVersion(workload.getApiVersion()).withKind(workload.getKind())
                .withName(workload.getMetadata().getName()).withUid(workload.getMetadata().getUid())
                .withBlockOwnerDeletion(true).withController(false).build();
    }

    /** Every object exists: the run waits for its workload now. */
    private void finished() {
        run.created(existed);
        if (replaced != null) {
            Map<String, String> labels = replaced.getMetadata().getLabels();
            String previousRun = labels == null ? null : labels.get(RunLabels.RUN_ID);
            if (previousRun != null && !previousRun.equals(run.ref().runId())) {
                run.listenerFor().onReplaced(previousRun, replaced.getMetadata().getAnnotations() == null
                        ? Map.of() : replaced.getMetadata().getAnnotations());
            }
        }
    }

    private void failed(Throwable error) {
        LOGGER.log(Level.FINE, "creating " + run.ref() + " failed", error);
        if (stopping.getAsBoolean()) {
            // The controller stops (its requests were cut): what was created stays, and the next
            // controller finds it through the run's record and takes it up or undoes it.
            return;
        }
        // Ended first: the deletes below must not be reported as someone deleting the run's Job.
        run.createFailed("CreateFailed", "the cluster refused " + run.ref() + ": " + FunctionEngine.describe(error));
        for (HasMetadata object : done) {
            String what = object.getKind() + " " + object.getMetadata().getName();
            try {
                api.delete(ApiRequests.Type.of(object), namespace, object.getMetadata().getName())
                        .whenComplete((deleted, cleanup) -> {
                            if (cleanup != null) {
                                LOGGER.log(Level.WARNING, "could not delete " + what + " after a failed create",
                                        unwrap(cleanup));
                            }
                        });
            } catch (RuntimeException cleanup) {
                LOGGER.log(Level.WARNING, "could not delete " + what + " after a failed create", cleanup);
            }
        }
    }

    /**
     * The API handle of an object to get or update: custom resources through fabric8's generic
     * resource API with their known plural (no discovery request per call), others by their type.
     */
    private Resource<? extends HasMetadata> resource(HasMetadata object) {
        CustomWorkload custom = Workloads.customWorkload(object);
        if (custom != null && object instanceof GenericKubernetesResource generic) {
            return client.genericKubernetesResources(custom.context()).inNamespace(namespace).resource(generic);
        }
        return client.resource(object).inNamespace(namespace);
    }

    static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
