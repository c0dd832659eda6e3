package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.runtime.RunLabels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * selector {@code app.kubernetes.io/managed-by=function-runtimes}, in parallel.
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

    /** Lists the live services of the given namespaces, waiting at most {@code timeout} in all. */
    public static Listing list(KubernetesClient client, Collection<String> namespaces, Duration timeout) {
        Map<String, CompletableFuture<List<LiveService>>> pending = new LinkedHashMap<>();
        for (String ns : new TreeSet<>(namespaces)) {
            try {
                pending.put(ns, CompletableFuture.supplyAsync(() -> listNamespace(client, ns), LISTS));
            } catch (RejectedExecutionException e) {
                pending.put(ns, CompletableFuture.failedFuture(new IllegalStateException("too many listings at once")));
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<LiveService> services = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        pending.forEach((ns, future) -> {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                services.addAll(future.get(left, TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                future.cancel(true);
                errors.add("namespace " + ns + ": no answer within " + timeout.toSeconds() + "s");
            } catch (ExecutionException e) {
                errors.add("namespace " + ns + ": " + FunctionEngine.describe(e.getCause() == null ? e : e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                errors.add("namespace " + ns + ": interrupted");
            }
        });
        services.sort(Comparator.comparing(LiveService::namespace).thenComparing(LiveService::name));
        return new Listing(services, errors);
    }

    /**
     * The live service of that name in a namespace if the run that serves it is {@code runId},
     * else null: a stop acts on what the page showed, not on a newer version served meanwhile.
     */
    public static LiveService find(KubernetesClient client, String namespace, String name, String runId,
            Duration timeout) {
        CompletableFuture<LiveService> found = CompletableFuture.supplyAsync(() -> {
            Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
            if (d == null || !isOurs(d) || !runId.equals(label(d, RunLabels.RUN_ID))) {
                return null;
            }
            Service s = client.services().inNamespace(namespace).withName(name).get();
            return of(d, s != null && isOurs(s) ? s : null);
        }, LISTS);
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
            String action = label(d, RunLabels.ACTION);
            if (ActionKind.SERVE.id().equals(action) || ActionKind.DEPLOY.id().equals(action)) {
                out.add(of(d, services.get(d.getMetadata().getName())));
            }
        }
        return out;
    }

    private static LiveService of(Deployment d, Service service) {
        String ns = d.getMetadata().getNamespace();
        int replicas = d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        int ready = d.getStatus() == null || d.getStatus().getReadyReplicas() == null ? 0
                : d.getStatus().getReadyReplicas();
        String url = service == null ? null : ServiceRun.urlOf(List.of(service), ns);
        return new LiveService(ns, d.getMetadata().getName(), label(d, RunLabels.FUNCTION), label(d, RunLabels.VERSION),
                label(d, RunLabels.RUNTIME), label(d, RunLabels.ACTION), label(d, RunLabels.RUN_ID), replicas, ready,
                url, d.getMetadata().getAnnotations());
    }

    private static boolean isOurs(HasMetadata o) {
        return RunLabels.MANAGER.equals(label(o, RunLabels.MANAGED_BY));
    }

    private static String label(HasMetadata o, String key) {
        Map<String, String> labels = o.getMetadata().getLabels();
        return labels == null ? null : labels.get(key);
    }
}
