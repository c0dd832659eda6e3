package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.runtime.RunLabels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How the engine removes what runs left in the cluster: a run's workload when it ends or is
 * aborted, a served function's Deployment or custom resource when it is stopped (a start of it
 * still under way is ended first), and the code ConfigMaps a service no longer mounts after a
 * roll forward. Everything a workload owns goes with it, by background propagation.
 */
final class WorkloadRemoval {

    private static final Logger LOGGER = Logger.getLogger(WorkloadRemoval.class.getName());

    private final KubernetesClient client;
    private final ApiRequests api;
    /** The engine's worker pool: stopping services and the clean-ups use fabric8's blocking calls. */
    private final ExecutorService workers;
    /** The engine's run in progress of a run id, or null. */
    private final Function<String, ActiveRun> runs;
    /** Clean-ups of unmounted code queued or under way. */
    private final AtomicInteger pendingCleanups = new AtomicInteger();

    WorkloadRemoval(KubernetesClient client, ApiRequests api, ExecutorService workers,
                    Function<String, ActiveRun> runs) {
        this.client = client;
        this.api = api;
        this.workers = workers;
        this.runs = runs;
    }

    /** Deletes a workload and, by background propagation, everything it owns. */
    CompletableFuture<Void> deleteWorkload(RunRef ref, RunListener listener) {
        CompletableFuture<Boolean> deleted;
        try {
            deleted = api.delete(Workloads.typeOf(ref), ref.namespace(), ref.name());
        } catch (RuntimeException e) {
            deleted = CompletableFuture.failedFuture(e);
        }
        return deleted.handle((found, error) -> {
            if (error == null) {
                listener.onEvent("Deleted " + ref);
            } else {
                listener.onEvent("Could not delete " + ref + " (its ttlSecondsAfterFinished removes it later): "
                        + FunctionEngine.describe(RunCreation.unwrap(error)));
            }
            return null;
        });
    }

    /**
     * Stops a served or deployed function: deletes its Deployment (its Service, ConfigMaps and
     * Secrets go with it, being owned by it) and ends a start of it still under way. Harmless
     * when nothing of that name is running.
     *
     * @return what was stopped, so the caller can mark the runs that started it
     */
    CompletableFuture<List<StoppedService>> stopService(String namespace, String functionName) {
        return CompletableFuture.supplyAsync(() -> {
            List<StoppedService> stopped = new ArrayList<>();
            for (var deployment : client.apps().deployments().inNamespace(namespace)
                    .withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                    .withLabel(RunLabels.FUNCTION, RunLabels.labelValue(functionName)).list().getItems()) {
                Map<String, String> labels = deployment.getMetadata().getLabels();
                String runId = labels == null ? null : labels.get(RunLabels.RUN_ID);
                ActiveRun starting = runId == null ? null : runs.apply(runId);
                if (starting != null) {
                    starting.stop("stopped by stopFunction");
                }
                client.apps().deployments().inNamespace(namespace).withName(deployment.getMetadata().getName())
                        .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
                stopped.add(new StoppedService(namespace, deployment.getMetadata().getName(), runId,
                        deployment.getMetadata().getAnnotations()));
            }
            stopped.addAll(stopCustomResources(namespace, functionName));
            return stopped;
        }, workers);
    }

    /**
     * After a service's rollout is available: deletes the ConfigMaps its Deployment owns and no
     * longer mounts (the code of versions it rolled forward from, see {@link UnmountedConfigMaps}),
     * on the worker pool. Best effort: what cannot be listed or deleted stays until the service
     * is stopped.
     */
    void deleteUnmountedConfigMaps(RunRef ref) {
        pendingCleanups.incrementAndGet();
        try {
            workers.execute(() -> {
                try {
                    List<String> deleted = UnmountedConfigMaps.delete(client, ref.namespace(), ref.name());
                    if (!deleted.isEmpty()) {
                        LOGGER.log(Level.FINE, "deleted the ConfigMaps {0} that {1} no longer mounts",
                                new Object[] {deleted, ref});
                    }
                } catch (RuntimeException e) {
                    LOGGER.log(Level.FINE, "could not delete the ConfigMaps " + ref + " no longer mounts: "
                            + FunctionEngine.describe(e), e);
                } finally {
                    pendingCleanups.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException closing) {
            pendingCleanups.decrementAndGet();
            // the engine is closing: the ConfigMaps go when the service is stopped
        }
    }

    /** Clean-ups of unmounted code queued or under way: tests wait for none before changing the cluster. */
    int pendingCleanups() {
        return pendingCleanups.get();
    }

    /** Deletes the custom resources (KubeAI Models) that serve a function; none when their CRD is absent. */
    private List<StoppedService> stopCustomResources(String namespace, String functionName) {
        List<StoppedService> stopped = new ArrayList<>();
        for (CustomWorkload custom : Workloads.CUSTOM_WORKLOADS) {
            if (!Workloads.installed(client, custom)) {
                continue;
            }
            for (var resource : client.genericKubernetesResources(custom.context()).inNamespace(namespace)
                    .withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                    .withLabel(RunLabels.FUNCTION, RunLabels.labelValue(functionName)).list().getItems()) {
                Map<String, String> labels = resource.getMetadata().getLabels();
                String runId = labels == null ? null : labels.get(RunLabels.RUN_ID);
                ActiveRun starting = runId == null ? null : runs.apply(runId);
                if (starting != null) {
                    starting.stop("stopped by stopFunction");
                }
                client.genericKubernetesResources(custom.context()).inNamespace(namespace)
                        .withName(resource.getMetadata().getName())
                        .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
                stopped.add(new StoppedService(namespace, resource.getMetadata().getName(), runId,
                        resource.getMetadata().getAnnotations()));
            }
        }
        return stopped;
    }
}
