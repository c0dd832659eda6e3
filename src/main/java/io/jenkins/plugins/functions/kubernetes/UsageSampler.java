package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.ContainerMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetricsList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.jenkins.plugins.functions.observability.ResourceUsage;
import io.jenkins.plugins.functions.runtime.RunLabels;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Samples the CPU and memory the runs' pods use, where the cluster serves {@code metrics.k8s.io}
 * (metrics-server): every interval, one request per namespace that has runs in progress, whatever
 * their number (the list of the plugin's pods there, by label), shared by all of them; each run
 * adds up its pods' figures and keeps the peak and the mean ({@link ResourceUsage}). The API's
 * discovery is asked once; without metrics-server nothing more is sent, and each run says so once.
 *
 * <p>No thread waits: a tick on the engine's timer sends the requests through the HTTP client's
 * asynchronous API, and the answers are added up on the client's thread (a parse, no I/O).
 * metrics-server refreshes its figures every 15 seconds by default, Jenkins' default interval
 * ({@link FunctionEngine#DEFAULT_USAGE_INTERVAL}): a figure seen twice (same timestamp) counts
 * once, and a run shorter than that may get none.
 */
final class UsageSampler {

    private static final Logger LOGGER = Logger.getLogger(UsageSampler.class.getName());

    static final String GROUP_VERSION = "metrics.k8s.io/v1beta1";
    static final String ABSENT = "Resource usage is not sampled: the cluster does not serve " + GROUP_VERSION
            + " (no metrics-server)";

    private enum Discovery { UNKNOWN, ASKING, AVAILABLE, ABSENT }

    private final KubernetesClient client;
    private final ScheduledExecutorService timer;
    private final Map<String, Tracked> runs = new ConcurrentHashMap<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** Namespaces whose pod metrics this account may not read: not asked again. */
    private final Map<String, String> refused = new ConcurrentHashMap<>();
    private volatile Duration interval = Duration.ZERO;
    private volatile Discovery discovery = Discovery.UNKNOWN;
    private volatile String absentNote = ABSENT;
    private ScheduledFuture<?> tick;

    UsageSampler(KubernetesClient client, ScheduledExecutorService timer) {
        this.client = client;
        this.timer = timer;
    }

    /** How often to sample; zero (the default) turns sampling off (runs then record no usage). */
    void interval(Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException("usage interval: value '" + value + "' is not allowed: 0s or more");
        }
        boolean changed = !value.equals(interval);
        interval = value;
        if (changed) {
            restart();
        }
    }

    Duration interval() {
        return interval;
    }

    /** Starts sampling a run's pods; {@code notes} hears, once, why there will be no figures. */
    void track(RunRef ref, Consumer<String> notes) {
        if (interval.isZero()) {
            return;
        }
        Tracked t = new Tracked(ref, notes);
        runs.put(ref.runId(), t);
        if (discovery == Discovery.ABSENT) {
            t.note(absentNote);
        } else if (refused.containsKey(ref.namespace())) {
            t.note(refused.get(ref.namespace()));
        }
        ensureTicking();
    }

    /** Stops sampling a run; what its samples add up to, or null when it was not sampled (sampling off). */
    ResourceUsage finish(String runId) {
        Tracked t = runs.remove(runId);
        return t == null ? null : t.result();
    }

    /** The runs being sampled (for tests). */
    int tracked() {
        return runs.size();
    }

    synchronized void close() {
        if (tick != null) {
            tick.cancel(false);
            tick = null;
        }
        runs.clear();
    }

    private synchronized void ensureTicking() {
        if (tick == null && !interval.isZero()) {
            try {
                long every = interval.toMillis();
                tick = timer.scheduleWithFixedDelay(this::tick, 0, every, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                // the engine is closing
            }
        }
    }

    private synchronized void restart() {
        if (tick != null) {
            tick.cancel(false);
            tick = null;
        }
        if (!runs.isEmpty()) {
            ensureTicking();
        }
    }

    private void tick() {
        try {
            if (runs.isEmpty()) {
                synchronized (this) {
                    if (runs.isEmpty() && tick != null) {
                        tick.cancel(false); // no run: no tick, until the next run
                        tick = null;
                    }
                }
                return;
            }
            switch (discovery) {
                case UNKNOWN -> discover();
                case AVAILABLE -> sample();
                default -> {
                    // ASKING: wait for the answer; ABSENT: runs were told at track()
                }
            }
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "usage sampling failed", e);
        }
    }

    /** Asks the API discovery, once, whether {@code metrics.k8s.io} serves pods. */
    private void discover() {
        discovery = Discovery.ASKING;
        get("apis/" + GROUP_VERSION).whenComplete((response, error) -> {
            if (error != null || response.code() >= 500) {
                discovery = Discovery.UNKNOWN; // not an answer: ask again at the next tick
                return;
            }
            boolean pods = false;
            if (response.isSuccessful()) {
                APIResourceList list = parse(response.body(), APIResourceList.class);
                pods = list != null && list.getResources() != null
                        && list.getResources().stream().anyMatch(r -> "pods".equals(r.getName()));
            } else if (response.code() != 404) {
                absentNote = "Resource usage is not sampled: the cluster's API discovery of " + GROUP_VERSION
                        + " answered HTTP " + response.code();
            }
            if (pods) {
                discovery = Discovery.AVAILABLE;
                sample();
            } else {
                discovery = Discovery.ABSENT;
                runs.values().forEach(t -> t.note(absentNote));
            }
        });
    }

    /** One list per namespace with runs, unless the previous one has not been answered yet. */
    private void sample() {
        Map<String, List<Tracked>> byNamespace = new HashMap<>();
        for (Tracked t : runs.values()) {
            byNamespace.computeIfAbsent(t.ref.namespace(), k -> new ArrayList<>()).add(t);
        }
        for (String ns : byNamespace.keySet()) {
            if (refused.containsKey(ns) || !inFlight.add(ns)) {
                continue;
            }
            get("apis/" + GROUP_VERSION + "/namespaces/" + encode(ns) + "/pods?labelSelector="
                    + encode(RunLabels.MANAGED_SELECTOR)).whenComplete((response, error) -> {
                        inFlight.remove(ns);
                        if (error != null) {
                            return; // the next tick asks again
                        }
                        if (response.code() == 401 || response.code() == 403) {
                            String note = "Resource usage is not sampled: the plugin's account may not list"
                                    + " pods.metrics.k8s.io in namespace '" + ns + "' (HTTP " + response.code()
                                    + "); see docs/observability.md";
                            refused.put(ns, note);
                            runs.values().stream().filter(t -> t.ref.namespace().equals(ns)).forEach(t -> t.note(note));
                            return;
                        }
                        if (!response.isSuccessful()) {
                            return;
                        }
                        PodMetricsList list = parse(response.body(), PodMetricsList.class);
                        if (list != null && list.getItems() != null) {
                            deliver(ns, list.getItems());
                        }
                    });
        }
    }

    /** Hands each run of the namespace its pods' figures: by the run-id label, else by the workload's name. */
    private void deliver(String namespace, List<PodMetrics> items) {
        Map<Tracked, List<PodMetrics>> byRun = new HashMap<>();
        List<Tracked> inNamespace = runs.values().stream().filter(t -> t.ref.namespace().equals(namespace)).toList();
        for (PodMetrics pod : items) {
            Tracked owner = ownerOf(pod, namespace, inNamespace);
            if (owner != null) {
                byRun.computeIfAbsent(owner, k -> new ArrayList<>()).add(pod);
            }
        }
        byRun.forEach(Tracked::sample);
    }

    private Tracked ownerOf(PodMetrics pod, String namespace, List<Tracked> inNamespace) {
        Map<String, String> labels = pod.getMetadata() == null ? null : pod.getMetadata().getLabels();
        String runId = labels == null ? null : labels.get(RunLabels.RUN_ID);
        if (runId != null) {
            Tracked t = runs.get(runId);
            return t != null && t.ref.namespace().equals(namespace) ? t : null;
        }
        // metrics-server without the pods' labels: the pod's name starts with its workload's
        String name = pod.getMetadata() == null ? null : pod.getMetadata().getName();
        Tracked best = null;
        for (Tracked t : inNamespace) {
            if (name != null && name.startsWith(t.ref.name() + "-")
                    && (best == null || t.ref.name().length() > best.ref.name().length())) {
                best = t;
            }
        }
        return best;
    }

    private java.util.concurrent.CompletableFuture<HttpResponse<String>> get(String path) {
        String base = client.getMasterUrl().toString();
        HttpClient http = client.getHttpClient();
        return http.sendAsync(http.newHttpRequestBuilder()
                .uri(URI.create((base.endsWith("/") ? base : base + "/") + path)).build(), String.class);
    }

    private <T> T parse(String body, Class<T> type) {
        try {
            return body == null ? null : client.getKubernetesSerialization().unmarshal(body, type);
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "unreadable " + type.getSimpleName(), e);
            return null;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** One run's samples: the sum over its pods at each sample, its peak and its running total. */
    static final class Tracked {
        private final RunRef ref;
        private final Consumer<String> notes;
        private final Map<String, String> lastTimestamp = new HashMap<>();
        private int samples;
        private long cpuPeak;
        private long cpuSum;
        private long memoryPeak;
        private long memorySum;
        private String note;

        Tracked(RunRef ref, Consumer<String> notes) {
            this.ref = ref;
            this.notes = notes;
        }

        void note(String text) {
            synchronized (this) {
                if (note != null) {
                    return;
                }
                note = text;
            }
            notes.accept(text);
        }

        /** One list's figures of the run's pods; nothing when none of them is newer than the last seen. */
        synchronized void sample(List<PodMetrics> pods) {
            boolean fresh = false;
            long cpu = 0;
            long memory = 0;
            for (PodMetrics pod : pods) {
                String name = pod.getMetadata().getName();
                String stamp = pod.getTimestamp();
                if (stamp == null || !stamp.equals(lastTimestamp.put(name, stamp))) {
                    fresh = true;
                }
                for (ContainerMetrics c : pod.getContainers() == null ? List.<ContainerMetrics>of() : pod.getContainers()) {
                    Map<String, Quantity> usage = c.getUsage() == null ? Map.of() : c.getUsage();
                    cpu += millicores(usage.get("cpu"));
                    memory += bytes(usage.get("memory"));
                }
            }
            if (!fresh) {
                return;
            }
            samples++;
            cpuPeak = Math.max(cpuPeak, cpu);
            memoryPeak = Math.max(memoryPeak, memory);
            cpuSum += cpu;
            memorySum += memory;
        }

        synchronized ResourceUsage result() {
            if (samples == 0) {
                return ResourceUsage.none(note != null ? note : "Resource usage: no sample, metrics-server had no"
                        + " figures for the run's pods while it ran (it has none for a pod's first 15 seconds or so)");
            }
            return new ResourceUsage(samples, cpuPeak, Math.round((double) cpuSum / samples), memoryPeak,
                    Math.round((double) memorySum / samples), note);
        }

        private static long millicores(Quantity q) {
            return q == null ? 0 : Quantity.getAmountInBytes(q).multiply(BigDecimal.valueOf(1000))
                    .setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        }

        private static long bytes(Quantity q) {
            return q == null ? 0 : Quantity.getAmountInBytes(q).setScale(0, java.math.RoundingMode.HALF_UP)
                    .longValueExact();
        }
    }
}
