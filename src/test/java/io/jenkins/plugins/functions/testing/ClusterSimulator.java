package io.jenkins.plugins.functions.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.mockwebserver.MockWebServer;

/**
 * A Kubernetes cluster for tests, without a cluster: fabric8's {@code kubernetes-server-mock} in
 * CRUD mode (a real HTTP API server on 127.0.0.1, so real fabric8 clients talk to it) plus a
 * simulation of what the cluster's controllers and kubelet do with what is stored there.
 *
 * <pre>{@code
 * try (ClusterSimulator sim = ClusterSimulator.start()) {
 *     sim.onImage("registry.example/fn:*", PodBehavior.succeed().logs("a", "b").runFor(Duration.ofMillis(50)));
 *     KubernetesClient k = sim.client();
 *     k.batch().v1().jobs().resource(job).create();
 *     ...
 * }
 * }</pre>
 *
 * <h2>What is simulated</h2>
 * <ul>
 *   <li>The API server's additions to the CRUD store ({@link SimulatorDispatcher}): create-time
 *       validation of names and labels and defaulting ({@link ApiDefaults}, including a Service's
 *       {@code clusterIP}), pod logs ({@link LogEndpoint}), 404 for unknown subresources.
 *   <li>The kubelet of one node {@value Kubelet#NODE_NAME} ({@link Kubelet}): every pod's
 *       lifecycle, per container, from the {@link PodBehavior} chosen for its image
 *       ({@link #onImage}), else from its {@code sh -c} script for busybox/alpine images
 *       ({@link ShellScript}), else {@link PodBehavior#succeed()} ({@link
 *       PodBehavior#longRunning()} for {@code restartPolicy: Always}).
 *   <li>The Job controller ({@link JobController}), the Deployment and ReplicaSet controllers
 *       ({@link DeploymentController}), the garbage collector and propagation policies ({@link
 *       GarbageCollector}), the TTL-after-finished controller.
 *   <li>Optionally a metrics-server ({@link #serveMetrics}, {@link MetricsServer}): {@code
 *       metrics.k8s.io} discovery and the pod metrics of running pods; without it (the default) that
 *       API answers 404, as on a cluster without metrics-server.
 * </ul>
 * All of it runs on one daemon thread ({@link ControlLoop}; a second one only writes log lines at
 * their times), driven by watches the simulator's own client keeps open on pods, Jobs, Deployments
 * and ReplicaSets, and by timers; nothing polls. Every change goes through the API, so clients
 * watching or informing see real events. A node and the {@code default} namespace exist from the
 * start.
 *
 * <p>Not simulated: Events ({@code v1/Event}), Endpoints/EndpointSlices, resource accounting on
 * the node (a pod is unschedulable only if its behaviour says so), StatefulSets, DaemonSets,
 * CronJobs, and readiness/liveness probes themselves (a behaviour says when a container is ready).
 * Each controller's own limits are listed on its class.
 *
 * <h2>Time</h2>
 * Behaviour durations are wall-clock. Durations that Kubernetes specs express in seconds
 * ({@code activeDeadlineSeconds}, {@code ttlSecondsAfterFinished}, {@code progressDeadlineSeconds},
 * {@code minReadySeconds}, back-offs, {@code sleep} in scripts) are in <em>spec seconds</em>, one
 * real second unless {@link #specSecond(Duration)} scales them (e.g. to 10 ms for fast tests).
 *
 * <h2>Limitations of the mock API server (fabric8 6.10 CRUD mode), found by reading its source</h2>
 * <ul>
 *   <li>Status: {@code PUT/PATCH .../status} changes only the status (the simulator writes status
 *       that way). For built-in kinds the CRUD store would also take the status from a write to the
 *       main resource; the simulator's dispatcher keeps the stored one instead, as a real API server
 *       does. Custom resources keep the CRUD behaviour (status subresource only if registered).
 *   <li>Patches: JSON Patch and JSON Merge Patch only; strategic merge and server-side apply are
 *       answered 415.
 *   <li>Label selectors: {@code =}, {@code ==}, {@code !=}, {@code key} and {@code !key}; set-based
 *       requirements ({@code in}, {@code notin}) are ignored, so such a query matches more than it
 *       should; of several requirements on the same key only one is applied. Field selectors only
 *       match {@code metadata.name} and {@code metadata.namespace}.
 *   <li>Watches ignore {@code resourceVersion}: a new watch first gets an {@code ADDED} event for
 *       every existing match, then live events; no bookmarks. Informers cope (they see updates).
 *   <li>Deletion is immediate (no graceful termination; objects with finalizers get a {@code
 *       deletionTimestamp} and go when the last finalizer is removed). The CRUD store ignores
 *       propagation: the garbage collector here implements it, see {@link GarbageCollector}.
 *   <li>{@code generation} increases on any change outside metadata and status; {@code
 *       resourceVersion} is one global counter.
 * </ul>
 *
 * <h2>Lists</h2>
 * Lists with {@code limit} are paginated ({@code continue}, {@code remainingItemCount}) by the
 * simulator's dispatcher, see {@link SimulatorDispatcher}.
 *
 * <h2>Logs</h2>
 * Followed logs ({@code follow=true}) really stream: lines reach the client as the container writes
 * them and the response ends when the container run ends. MockWebServer 3.12 can only send
 * complete bodies, so the simulator writes that response itself on the connection (see {@link
 * ConnectionTracking}); should the connection not be available, it falls back to answering once
 * the run has ended. Parameters and error answers: see {@link LogEndpoint}. Note that fabric8's
 * {@code getLog()} and {@code watchLog()} first wait up to 5 s for the pod to be ready or finished
 * unless {@code withReadyWaitTimeout(0)} is given; that is the client's doing, on a real cluster too.
 *
 * <h2>Requests</h2>
 * {@link #requests()} counts, at the server, every request from clients other than the simulator's
 * own (which identifies itself with the header {@value #SIMULATOR_HEADER}); see {@link RequestLog}.
 *
 * <h2>Status timestamps</h2>
 * Times in statuses and conditions have whole seconds, as a real API server serializes them, so
 * two of them can be equal for a run shorter than a second; log line timestamps are exact.
 */
public final class ClusterSimulator implements TestCluster {

    /** The header the simulator's own client sends, so that its requests are not counted. */
    public static final String SIMULATOR_HEADER = "X-Simulator";
    /** The namespace clients work in by default. */
    public static final String NAMESPACE = "default";

    private static final Logger LOG = Logger.getLogger(ClusterSimulator.class.getName());
    /** MockWebServer logs every request at INFO; kept here so the level set below sticks. */
    private static final Logger MOCK_WEB_SERVER_LOG = Logger.getLogger(MockWebServer.class.getName());

    static {
        MOCK_WEB_SERVER_LOG.setLevel(Level.WARNING);
    }

    private final RequestLog requests = new RequestLog();
    private final ControlLoop loop = new ControlLoop("cluster-simulator");
    private final Map<String, PodBehavior> behaviors = new LinkedHashMap<>();
    private final List<KubernetesClient> clients = new CopyOnWriteArrayList<>();
    private final List<Consumer<PodStatusWrite>> statusListeners = new CopyOnWriteArrayList<>();
    private final List<Watch> watches = new ArrayList<>();
    private final KubernetesMockServer server;
    private final SimulatorDispatcher dispatcher;
    private final ConnectionTracking.Factory sockets = ConnectionTracking.serverSocketFactory();
    private final LogEndpoint logEndpoint;
    private final KubernetesClient simulatorClient;
    private final Kubelet kubelet;
    private final JobController jobs;
    private final DeploymentController deployments;
    private final GarbageCollector garbageCollector;
    private volatile Duration specSecond = Duration.ofSeconds(1);
    private volatile KubernetesClient client;
    private volatile boolean closed;

    private ClusterSimulator() {
        Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
        logEndpoint = new LogEndpoint(this::storedPod, (ns, name) -> kubelet().logs(ns, name));
        dispatcher = new SimulatorDispatcher(expectations, requests, logEndpoint,
                removal -> garbageCollector().removed(removal), this::forgetRecordedRequests);
        MockWebServer mockWebServer = new MockWebServer();
        mockWebServer.setServerSocketFactory(sockets);
        server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), mockWebServer, expectations,
                dispatcher, false);
        try {
            server.start(InetAddress.getByName("127.0.0.1"), 0);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        simulatorClient = createClient(true);
        kubelet = new Kubelet(simulatorClient, loop, this::behaviorFor, () -> specSecond, this::statusWritten);
        jobs = new JobController(simulatorClient, loop, () -> specSecond);
        deployments = new DeploymentController(simulatorClient, loop, () -> specSecond);
        garbageCollector = new GarbageCollector(simulatorClient, loop, dispatcher::get);
    }

    /**
     * Cuts every open connection to the API server, as a restart of the API server or a network
     * blink does: watches and followed logs break, and clients must reconnect.
     *
     * @return how many connections were cut
     */
    public int dropConnections() {
        return sockets.closeAll();
    }

    /**
     * Answers the next {@code count} watches of clients (not the simulator's own) that resume
     * from a resourceVersion with {@code 410 Gone}, as an API server does once etcd compacted
     * that version away: the client must list again.
     */
    public void expireWatches(int count) {
        dispatcher.expireWatches(count);
    }

    /** Starts the API server and the simulated cluster; {@link #close()} stops them. */
    public static ClusterSimulator start() {
        ClusterSimulator sim = new ClusterSimulator();
        try {
            sim.bootstrap();
        } catch (RuntimeException e) {
            sim.close();
            throw e;
        }
        return sim;
    }

    private void bootstrap() {
        simulatorClient.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                .endMetadata().build()).create();
        simulatorClient.nodes().resource(new NodeBuilder()
                .withNewMetadata().withName(Kubelet.NODE_NAME)
                .addToLabels("kubernetes.io/hostname", Kubelet.NODE_NAME)
                .addToLabels("kubernetes.io/os", "linux")
                .endMetadata()
                .withNewStatus()
                .addToCapacity("cpu", new Quantity("8"))
                .addToCapacity("memory", new Quantity("32Gi"))
                .addToCapacity("pods", new Quantity("110"))
                .addToAllocatable("cpu", new Quantity("8"))
                .addToAllocatable("memory", new Quantity("32Gi"))
                .addToAllocatable("pods", new Quantity("110"))
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
                .withMessage("kubelet is posting ready status").endCondition()
                .addNewAddress().withType("InternalIP").withAddress(Kubelet.HOST_IP).endAddress()
                .withNewNodeInfo().withKubeletVersion("v1.29.0").withContainerRuntimeVersion("containerd://1.7.0")
                .withOperatingSystem("linux").withArchitecture("amd64").endNodeInfo()
                .endStatus()
                .build()).create();
        // The watches are established when watch() returns, so no event is missed from here on.
        watches.add(simulatorClient.pods().inAnyNamespace().watch(onLoop((action, pod) -> {
            kubelet.onPod(action, pod);
            jobs.onPod(action, pod);
            deployments.onPod(action, pod);
        })));
        watches.add(simulatorClient.batch().v1().jobs().inAnyNamespace().watch(onLoop(jobs::onJob)));
        watches.add(simulatorClient.apps().deployments().inAnyNamespace().watch(onLoop(deployments::onDeployment)));
        watches.add(simulatorClient.apps().replicaSets().inAnyNamespace().watch(onLoop(deployments::onReplicaSet)));
    }

    private <T> Watcher<T> onLoop(BiConsumer<Watcher.Action, T> handler) {
        return new Watcher<>() {
            @Override
            public void eventReceived(Action action, T resource) {
                loop.execute(() -> handler.accept(action, resource));
            }

            @Override
            public void onClose(WatcherException cause) {
                if (!closed) {
                    LOG.log(Level.WARNING, "simulator watch closed", cause);
                }
            }
        };
    }

    private Kubelet kubelet() {
        return kubelet;
    }

    private GarbageCollector garbageCollector() {
        return garbageCollector;
    }

    /** MockWebServer keeps every request for {@code takeRequest()}; nobody takes them here. */
    private void forgetRecordedRequests() {
        try {
            while (server != null && server.takeRequest(0, TimeUnit.NANOSECONDS) != null) {
                // drop
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Pod storedPod(String namespace, String name) {
        JsonNode json = dispatcher.get("/api/v1/namespaces/" + namespace + "/pods/" + name);
        return json == null ? null : Serialization.jsonMapper().convertValue(json, Pod.class);
    }

    private KubernetesClient createClient(boolean simulator) {
        ConfigBuilder config = new ConfigBuilder(Config.empty())
                .withMasterUrl(url())
                .withNamespace(NAMESPACE)
                .withTrustCerts(true)
                .withHttp2Disable(true);
        if (simulator) {
            config.withCustomHeaders(Map.of(SIMULATOR_HEADER, "true"));
        }
        Config c = config.build();
        return server.createClient(b -> b.withConfig(c));
    }

    // ------------------------------------------------------------------ public API

    /** Followed log answers the server is still writing (one server thread each). */
    public int openLogStreams() {
        return logEndpoint.openStreams();
    }

    /** A client for the simulated cluster, namespace {@value #NAMESPACE}; shared, closed by {@link #close()}. */
    @Override
    public KubernetesClient client() {
        KubernetesClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = newClient();
                }
                c = client;
            }
        }
        return c;
    }

    /** A new client of its own (its requests are counted); closed by {@link #close()} if not before. */
    public KubernetesClient newClient() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        KubernetesClient c = createClient(false);
        clients.add(c);
        return c;
    }

    @Override
    public String namespace() {
        return NAMESPACE;
    }

    @Override
    public boolean isSimulated() {
        return true;
    }

    @Override
    public ClusterSimulator simulator() {
        return this;
    }

    /**
     * The API server's URL, e.g. for a kubeconfig. By address, not {@code localhost}: the server
     * listens on 127.0.0.1 only, and {@code localhost} may resolve to {@code ::1} first.
     */
    public String url() {
        return "http://127.0.0.1:" + server.getPort() + "/";
    }

    /** Requests received from clients other than the simulator. */
    public RequestLog requests() {
        return requests;
    }

    /**
     * A pod status the simulated kubelet wrote ({@code PUT .../pods/{name}/status}): which pod, its
     * labels, the phase written, when the request was sent and when the API server answered it.
     * Exact times, unlike the whole seconds inside the status; for measurements (the benchmark).
     */
    public record PodStatusWrite(String namespace, String name, Map<String, String> labels, String phase,
            Instant sent, Instant written) {
        /** Whether the phase written is {@code Succeeded} or {@code Failed}. */
        public boolean terminal() {
            return "Succeeded".equals(phase) || "Failed".equals(phase);
        }
    }

    /**
     * Calls {@code listener} after every pod status the kubelet wrote, on the simulation's thread:
     * it must be quick and must not call the API.
     */
    public ClusterSimulator onPodStatusWritten(Consumer<PodStatusWrite> listener) {
        statusListeners.add(Objects.requireNonNull(listener));
        return this;
    }

    private void statusWritten(PodStatusWrite write) {
        for (Consumer<PodStatusWrite> l : statusListeners) {
            l.accept(write);
        }
    }

    /**
     * The behaviour of containers with this image: an exact image reference, or a prefix ending
     * in {@code *} ({@code "registry.example/fn:*"}). Exact matches win over prefixes, longer
     * prefixes over shorter; a later registration of the same key replaces the earlier one.
     * Applies to pods created afterwards.
     */
    public ClusterSimulator onImage(String image, PodBehavior behavior) {
        synchronized (behaviors) {
            behaviors.put(Objects.requireNonNull(image), Objects.requireNonNull(behavior));
        }
        return this;
    }

    /**
     * What a container does outside the cluster when it starts, given its environment as the
     * kubelet resolves it (Secrets included): how a simulated pod reaches a real service of the
     * test, such as the artifact store ({@link S3TestServer}). Runs on the simulator's loop thread,
     * before the container's first line; keep it short.
     */
    @FunctionalInterface
    public interface ContainerAction {
        void run(Map<String, String> env) throws Exception;
    }

    private final Map<String, ContainerAction> startActions = new java.util.concurrent.ConcurrentHashMap<>();

    /** Runs the action when a container of exactly this image starts (see {@link ContainerAction}). */
    public ClusterSimulator onStart(String image, ContainerAction action) {
        startActions.put(Objects.requireNonNull(image), Objects.requireNonNull(action));
        kubelet.startActions(i -> i == null ? null : startActions.get(i));
        return this;
    }

    /**
     * How long a second written in a Kubernetes spec (and a script's {@code sleep 1}) lasts here;
     * default one second. Affects timers started afterwards.
     */
    public ClusterSimulator specSecond(Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("spec second must be positive");
        }
        specSecond = d;
        return this;
    }

    public Duration specSecond() {
        return specSecond;
    }

    /**
     * Refuses, from now on, the requests of clients other than the simulator with this method
     * ({@code *}: any) and path pattern ({@link RequestLog}) with 403 Forbidden, as a Role without
     * that verb would: {@code forbid("GET", "/api/v1/namespaces/*}{@code /secrets")}.
     */
    public ClusterSimulator forbid(String method, String pathPattern) {
        dispatcher.forbid(method, pathPattern);
        return this;
    }

    /**
     * Holds the next requests of clients other than the simulator with this method and path
     * pattern ({@link RequestLog}) at the server until the returned gate is opened or dropped: a
     * test puts a controller's death inside a create or a delete with it.
     */
    public RequestGate gate(String method, String pathPattern) {
        return dispatcher.gate(method, pathPattern, null);
    }

    /**
     * As {@link #gate(String, String)}, holding only requests whose object, as stored when the
     * request arrives, matches {@code when} (for a pod's log: the pod), e.g.
     * {@link RequestGate#terminated}: the reads after a container's end.
     */
    public RequestGate gate(String method, String pathPattern,
                            java.util.function.Predicate<com.fasterxml.jackson.databind.JsonNode> when) {
        return dispatcher.gate(method, pathPattern, when);
    }

    /**
     * Installs a simulated KubeAI: the {@code models.kubeai.org} CRD (so discovery of
     * {@code kubeai.org/v1} lists {@code models}) and a controller that reports each Model's replicas
     * as {@code behavior} says ({@link KubeAiController}). Without it, the cluster has no KubeAI.
     */
    public ClusterSimulator installKubeAi(KubeAiController.Behavior behavior) {
        simulatorClient.apiextensions().v1().customResourceDefinitions().resource(KubeAiController.crd()).create();
        KubeAiController controller = new KubeAiController(simulatorClient, loop, behavior);
        synchronized (watches) {
            watches.add(simulatorClient.genericKubernetesResources(KubeAiController.MODELS).inAnyNamespace()
                    .watch(onLoop(controller::onModel)));
        }
        return this;
    }

    /**
     * Installs a simulated metrics-server: from now on the cluster serves {@code metrics.k8s.io}
     * (discovery, and the pod metrics of running pods with the figures {@code usage} gives, see
     * {@link MetricsServer}). Without it (the default) the cluster has none: that API answers 404.
     */
    public MetricsServer serveMetrics(MetricsServer.Usage usage) {
        MetricsServer m = new MetricsServer(usage, dispatcher::get);
        dispatcher.metricsServer(m);
        return m;
    }

    /** Removes the metrics-server: {@code metrics.k8s.io} answers 404 again. */
    public ClusterSimulator stopServingMetrics() {
        dispatcher.metricsServer(null);
        return this;
    }

    /** Failures inside the simulation (a bug, or an API error it did not expect); tests may assert none. */
    public List<Throwable> errors() {
        return loop.errors();
    }

    /** The behaviour a container gets (see {@link #onImage}). */
    PodBehavior behaviorFor(Container container, String restartPolicy) {
        PodBehavior b = registered(container.getImage());
        if (b == null) {
            b = ShellScript.behaviorFor(container, specSecond);
        }
        if (b == null) {
            b = "Always".equals(restartPolicy) ? PodBehavior.longRunning() : PodBehavior.succeed();
        }
        return b;
    }

    private PodBehavior registered(String image) {
        if (image == null) {
            return null;
        }
        synchronized (behaviors) {
            PodBehavior exact = behaviors.get(image);
            if (exact != null) {
                return exact;
            }
            String best = null;
            for (String key : behaviors.keySet()) {
                if (key.endsWith("*") && image.startsWith(key.substring(0, key.length() - 1))
                        && (best == null || key.length() > best.length())) {
                    best = key;
                }
            }
            return best == null ? null : behaviors.get(best);
        }
    }

    /** Stops the simulation, closes every client it gave out and the API server. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Watch w : watches) {
            try {
                w.close();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "closing a watch", e);
            }
        }
        loop.close();
        if (kubelet != null) {
            kubelet.close();
        }
        logEndpoint.close();
        for (KubernetesClient c : clients) {
            c.close();
        }
        if (simulatorClient != null) {
            simulatorClient.close();
        }
        server.shutdown();
    }

    @Override
    public String toString() {
        return "ClusterSimulator " + url();
    }
}
