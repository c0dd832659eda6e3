package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.jenkins.plugins.functions.runtime.RunLabels;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells waiting runs what happens to their Jobs, Deployments and Pods.
 *
 * <p>One Job, one Deployment and one Pod informer per namespace, selecting every object this plugin
 * manages ({@link RunLabels#MANAGED_SELECTOR}), are shared by all runs in that namespace: a
 * thousand concurrent runs cost two watches, not a thousand, and no thread each. Events are
 * dispatched to the run named by the object's {@link RunLabels#RUN_ID} label. fabric8's informers
 * re-list and re-watch on their own after a disconnect or a {@code 410 Gone}, and deliver the
 * re-listed state as updates, so a completion that happened while the watch was down is not lost.
 */
public final class RunWatcher implements AutoCloseable {

    private static final Logger LOGGER = Logger.getLogger(RunWatcher.class.getName());

    /** What a run wants to hear. Called on the informer's thread: keep it short, never block. */
    public interface Observer {
        default void onJob(Job job, boolean deleted) {
        }

        void onPod(Pod pod, boolean deleted);

        default void onDeployment(Deployment deployment, boolean deleted) {
        }

        /** A custom resource of the run (a KubeAI Model) changed; see {@link CustomWorkload}. */
        default void onCustomResource(GenericKubernetesResource resource, boolean deleted) {
        }
    }

    private final KubernetesClient client;
    private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
    private final Map<String, Observer> observers = new ConcurrentHashMap<>();

    public RunWatcher(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Registers a run's observer and replays what the informers already know about the run, so a
     * run registered after its objects changed (a resumed run) still sees their current state.
     *
     * @return completes when the namespace's informers have synced
     */
    public CompletableFuture<Void> register(String namespace, String runId, Observer observer) {
        return register(namespace, runId, observer, false);
    }

    /**
     * As {@link #register(String, String, Observer)}; with {@code deployments} the namespace's
     * Deployments are watched too. That informer starts with the first service run in the
     * namespace, so installations that only run jobs need no permission on Deployments.
     */
    public CompletableFuture<Void> register(String namespace, String runId, Observer observer, boolean deployments) {
        observers.put(runId, observer);
        Namespace ns = namespaces.computeIfAbsent(namespace, Namespace::new);
        CompletableFuture<Void> synced = deployments ? ns.synced.thenCompose(v -> ns.deploymentsSynced()) : ns.synced;
        return synced.thenRun(() -> ns.replay(runId, observer));
    }

    /**
     * As {@link #register(String, String, Observer)}, for a run whose workload is a custom
     * resource: the namespace's resources of that kind are watched too, by one informer per kind
     * and namespace shared by every such run (started with the first).
     */
    public CompletableFuture<Void> register(String namespace, String runId, Observer observer, CustomWorkload custom) {
        observers.put(runId, observer);
        Namespace ns = namespaces.computeIfAbsent(namespace, Namespace::new);
        return ns.synced.thenCompose(v -> ns.customSynced(custom)).thenRun(() -> ns.replay(runId, observer));
    }

    /** Drops a namespace's informers (they failed to start), so the next run tries again. */
    public void forgetNamespace(String namespace) {
        Namespace ns = namespaces.remove(namespace);
        if (ns != null) {
            ns.close();
        }
    }

    public void unregister(String runId) {
        observers.remove(runId);
    }

    /** How many runs are registered (for tests and the benchmark). */
    public int registered() {
        return observers.size();
    }

    /** How many namespaces are watched. */
    public int namespaces() {
        return namespaces.size();
    }

    @Override
    public void close() {
        namespaces.values().forEach(Namespace::close);
        namespaces.clear();
        observers.clear();
    }

    /** Informer index by run id: a resumed run finds its objects without scanning the cache. */
    private static final String BY_RUN = "run-id";

    private static List<String> runIdIndex(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        String runId = labels == null ? null : labels.get(RunLabels.RUN_ID);
        return runId == null ? List.of() : List.of(runId);
    }

    private void dispatch(HasMetadata object, boolean deleted) {
        Map<String, String> labels = object.getMetadata().getLabels();
        String runId = labels == null ? null : labels.get(RunLabels.RUN_ID);
        Observer observer = runId == null ? null : observers.get(runId);
        if (observer == null) {
            return;
        }
        try {
            if (object instanceof Job job) {
                observer.onJob(job, deleted);
            } else if (object instanceof Pod pod) {
                observer.onPod(pod, deleted);
            } else if (object instanceof Deployment deployment) {
                observer.onDeployment(deployment, deleted);
            } else if (object instanceof GenericKubernetesResource resource) {
                observer.onCustomResource(resource, deleted);
            }
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "run " + runId + " failed to handle an event", e);
        }
    }

    private final class Namespace {
        private final SharedIndexInformer<Job> jobs;
        private final SharedIndexInformer<Pod> pods;
        private final String name;
        private SharedIndexInformer<Deployment> deployments;
        private CompletableFuture<Void> deploymentsSynced;
        /** Informers of custom resources by {@code apiVersion/kind}, each started with the first run of its kind. */
        private final Map<String, SharedIndexInformer<GenericKubernetesResource>> customs = new java.util.LinkedHashMap<>();
        private final Map<String, CompletableFuture<Void>> customsSynced = new java.util.HashMap<>();
        private final CompletableFuture<Void> synced;

        Namespace(String name) {
            Handler<Job> jobHandler = new Handler<>();
            this.name = name;
            Handler<Pod> podHandler = new Handler<>();
            // resync 0: the cache is never replayed wholesale; updates come from the watch.
            jobs = client.batch().v1().jobs().inNamespace(name)
                    .withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER).runnableInformer(0);
            jobs.addIndexers(Map.of(BY_RUN, RunWatcher::runIdIndex));
            jobs.addEventHandler(jobHandler);
            pods = client.pods().inNamespace(name)
                    .withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER).runnableInformer(0);
            pods.addIndexers(Map.of(BY_RUN, RunWatcher::runIdIndex));
            pods.addEventHandler(podHandler);
            synced = CompletableFuture.allOf(jobs.start().toCompletableFuture(), pods.start().toCompletableFuture());
        }

        synchronized CompletableFuture<Void> deploymentsSynced() {
            if (deployments == null) {
                deployments = client.apps().deployments().inNamespace(name)
                        .withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER).runnableInformer(0);
                deployments.addIndexers(Map.of(BY_RUN, RunWatcher::runIdIndex));
                deployments.addEventHandler(new Handler<>());
                deploymentsSynced = deployments.start().toCompletableFuture();
            }
            return deploymentsSynced;
        }

        synchronized CompletableFuture<Void> customSynced(CustomWorkload custom) {
            String key = custom.apiVersion() + "/" + custom.kind();
            if (!customs.containsKey(key)) {
                SharedIndexInformer<GenericKubernetesResource> informer = client.genericKubernetesResources(
                        custom.context()).inNamespace(name).withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                        .runnableInformer(0);
                informer.addIndexers(Map.of(BY_RUN, RunWatcher::runIdIndex));
                informer.addEventHandler(new Handler<>());
                customs.put(key, informer);
                customsSynced.put(key, informer.start().toCompletableFuture());
            }
            return customsSynced.get(key);
        }

        void replay(String runId, Observer observer) {
            for (Job job : jobs.getIndexer().byIndex(BY_RUN, runId)) {
                observer.onJob(job, false);
            }
            for (Pod pod : pods.getIndexer().byIndex(BY_RUN, runId)) {
                observer.onPod(pod, false);
            }
            SharedIndexInformer<Deployment> d;
            synchronized (this) {
                d = deployments;
            }
            if (d != null) {
                for (Deployment deployment : d.getIndexer().byIndex(BY_RUN, runId)) {
                    observer.onDeployment(deployment, false);
                }
            }
            List<SharedIndexInformer<GenericKubernetesResource>> c;
            synchronized (this) {
                c = List.copyOf(customs.values());
            }
            for (SharedIndexInformer<GenericKubernetesResource> informer : c) {
                for (GenericKubernetesResource resource : informer.getIndexer().byIndex(BY_RUN, runId)) {
                    observer.onCustomResource(resource, false);
                }
            }
        }

        synchronized void close() {
            jobs.close();
            pods.close();
            if (deployments != null) {
                deployments.close();
            }
            customs.values().forEach(SharedIndexInformer::close);
        }
    }

    private final class Handler<T extends HasMetadata> implements ResourceEventHandler<T> {
        @Override
        public void onAdd(T obj) {
            dispatch(obj, false);
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            dispatch(newObj, false);
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            dispatch(obj, true);
        }
    }
}
