package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.WorkloadOutputs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The services and deployments the plugin started that are live in a cluster, read by the
 * plugin's labels: per namespace, one list of Deployments and one of Services, both with the
 * selector {@code app.kubernetes.io/managed-by=function-runtimes}, in parallel; and, when API
 * discovery (one request per listing) finds the CRD of a custom workload kind the engine knows
 * (KubeAI's {@code Model}, {@link CustomWorkload}), one list of those per namespace too.
 *
 * <p>Bounded: the whole listing waits at most its timeout; a namespace that did not answer in
 * time (or refused) is reported as an error and the others are shown. A page render never waits
 * longer than that, whatever the API server does.
 */
public final class ServiceCatalog {

    private static final AtomicInteger THREADS = new AtomicInteger();
    /**
     * At most 4 requests in flight for all pages together; more wait in a bounded queue within
     * their caller's timeout. A full queue is refused (never run on the caller's thread, which
     * would wait without a limit).
     */
    private static final ExecutorService LISTS = lists();

    private static ExecutorService lists() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(256),
                r -> {
                    Thread t = new Thread(r, "function-runtimes-services-" + THREADS.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private ServiceCatalog() {
    }

    /**
     * What a listing found.
     *
     * @param services the live services, by namespace and name
     * @param errors   one sentence per namespace that could not be read
     */
    public record Listing(List<LiveService> services, List<String> errors) {
        public Listing {
            services = List.copyOf(services);
            errors = List.copyOf(errors);
        }
    }

    /**
     * Lists the live services of the given namespaces, waiting at most {@code timeout} in all:
     * per namespace the Deployments (with their Services) and, when API discovery finds their CRD,
     * the custom workloads (KubeAI Models). A kind whose CRD is absent is not listed and is no
     * error; a kind that cannot be listed in a namespace is named as an error and that namespace's
     * Deployments are still shown.
     */
    public static Listing list(KubernetesClient client, Collection<String> namespaces, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<CustomWorkload, CompletableFuture<Boolean>> discovered = new LinkedHashMap<>();
        for (CustomWorkload custom : namespaces.isEmpty() ? List.<CustomWorkload>of()
                : Workloads.CUSTOM_WORKLOADS) {
            discovered.put(custom, submit(() -> Workloads.installed(client, custom)));
        }
        Map<String, CompletableFuture<List<LiveService>>> pending = new LinkedHashMap<>();
        Set<String> sorted = new TreeSet<>(namespaces);
        for (String ns : sorted) {
            pending.put("namespace " + ns, submit(() -> listNamespace(client, ns)));
        }
        List<LiveService> services = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        // One discovery per kind and listing; its kind is listed only where it is installed.
        discovered.forEach((custom, discovery) -> {
            Boolean installed = await(discovery, deadline, timeout, custom.plural() + "." + custom.group()
                    + " (API discovery)", errors);
            if (Boolean.TRUE.equals(installed)) {
                for (String ns : sorted) {
                    pending.put("namespace " + ns + ", " + custom.kind() + "s",
                            submit(() -> listCustom(client, custom, ns)));
                }
            }
        });
        pending.forEach((what, future) -> {
            List<LiveService> found = await(future, deadline, timeout, what, errors);
            if (found != null) {
                services.addAll(found);
            }
        });
        services.sort(Comparator.comparing(LiveService::namespace).thenComparing(LiveService::name)
                .thenComparing(LiveService::kind));
        return new Listing(services, errors);
    }

    private static <T> CompletableFuture<T> submit(java.util.function.Supplier<T> task) {
        try {
            return CompletableFuture.supplyAsync(task, LISTS);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("too many listings at once"));
        }
    }

    /** The future's value within what is left of the deadline, else null and an error naming {@code what}. */
    private static <T> T await(CompletableFuture<T> future, long deadline, Duration timeout, String what,
            List<String> errors) {
        try {
            long left = Math.max(0, deadline - System.nanoTime());
            return future.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            errors.add(what + ": no answer within " + timeout.toSeconds() + "s");
        } catch (ExecutionException e) {
            errors.add(what + ": " + FunctionEngine.describe(e.getCause() == null ? e : e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            errors.add(what + ": interrupted");
        }
        return null;
    }

    /**
     * The live service of that name in a namespace if the run that serves it is {@code runId},
     * else null: a stop acts on what the page showed, not on a newer version served meanwhile.
     * Looks for a Deployment first, then for the custom workloads whose CRD is installed.
     */
    public static LiveService find(KubernetesClient client, String namespace, String name, String runId,
            Duration timeout) {
        CompletableFuture<LiveService> found = submit(() -> {
            Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
            if (d != null && isOurs(d) && runId.equals(label(d, RunLabels.RUN_ID))) {
                Service s = client.services().inNamespace(namespace).withName(name).get();
                return of(d, s != null && isOurs(s) ? s : null);
            }
            for (CustomWorkload custom : Workloads.CUSTOM_WORKLOADS) {
                if (!Workloads.installed(client, custom)) {
                    continue;
                }
                GenericKubernetesResource r = client.genericKubernetesResources(custom.context())
                        .inNamespace(namespace).withName(name).get();
                if (r != null && isOurs(r) && runId.equals(label(r, RunLabels.RUN_ID))) {
                    return of(custom, r);
                }
            }
            return null;
        });
        try {
            return found.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            found.cancel(true);
            throw new IllegalStateException("namespace " + namespace + ": no answer within " + timeout.toSeconds()
                    + "s");
        } catch (ExecutionException e) {
            throw new IllegalStateException(FunctionEngine.describe(e.getCause() == null ? e : e.getCause()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static List<LiveService> listNamespace(KubernetesClient client, String ns) {
        List<Deployment> deployments = client.apps().deployments().inNamespace(ns)
                .withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER).list().getItems();
        if (deployments.isEmpty()) {
            return List.of();
        }
        Map<String, Service> services = new HashMap<>();
        for (Service s : client.services().inNamespace(ns).withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER).list()
                .getItems()) {
            services.put(s.getMetadata().getName(), s);
        }
        List<LiveService> out = new ArrayList<>();
        for (Deployment d : deployments) {
            if (isServiceAction(d)) {
                out.add(of(d, services.get(d.getMetadata().getName())));
            }
        }
        return out;
    }

    /** The custom workloads of a kind (KubeAI Models) the plugin started in a namespace: one list request. */
    private static List<LiveService> listCustom(KubernetesClient client, CustomWorkload custom, String ns) {
        List<LiveService> out = new ArrayList<>();
        for (GenericKubernetesResource r : client.genericKubernetesResources(custom.context()).inNamespace(ns)
                .withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER).list().getItems()) {
            if (isServiceAction(r)) {
                out.add(of(custom, r));
            }
        }
        return out;
    }

    private static boolean isServiceAction(HasMetadata o) {
        String action = label(o, RunLabels.ACTION);
        return ActionKind.SERVE.id().equals(action) || ActionKind.DEPLOY.id().equals(action);
    }

    private static LiveService of(Deployment d, Service service) {
        String ns = d.getMetadata().getNamespace();
        int replicas = d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        int ready = d.getStatus() == null || d.getStatus().getReadyReplicas() == null ? 0
                : d.getStatus().getReadyReplicas();
        String url = outputUrl(d);
        if (url == null) {
            url = service == null ? null : ServiceRun.urlOf(List.of(service), ns);
        }
        return new LiveService(ns, d.getMetadata().getName(), "Deployment", label(d, RunLabels.FUNCTION),
                label(d, RunLabels.VERSION), label(d, RunLabels.RUNTIME), label(d, RunLabels.ACTION),
                label(d, RunLabels.RUN_ID), replicas, ready, url, d.getMetadata().getAnnotations());
    }

    private static LiveService of(CustomWorkload custom, GenericKubernetesResource r) {
        CustomWorkload.Replicas replicas = custom.replicas().apply(r);
        return new LiveService(r.getMetadata().getNamespace(), r.getMetadata().getName(), custom.kind(),
                label(r, RunLabels.FUNCTION), label(r, RunLabels.VERSION), label(r, RunLabels.RUNTIME),
                label(r, RunLabels.ACTION), label(r, RunLabels.RUN_ID), replicas.asked(), replicas.ready(),
                outputUrl(r), r.getMetadata().getAnnotations());
    }

    /** The endpoint its runtime wrote ({@code functions.jenkins.io/output.url}), else null. */
    private static String outputUrl(HasMetadata o) {
        Object url = WorkloadOutputs.read(o).get("url");
        return url instanceof String s && !s.isBlank() ? s : null;
    }

    private static boolean isOurs(HasMetadata o) {
        return RunLabels.MANAGER.equals(label(o, RunLabels.MANAGED_BY));
    }

    private static String label(HasMetadata o, String key) {
        Map<String, String> labels = o.getMetadata().getLabels();
        return labels == null ? null : labels.get(key);
    }
}
