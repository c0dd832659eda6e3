package io.jenkins.plugins.functions.testing;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher.Action;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.jenkins.plugins.functions.testing.PodLogs.ContainerLog;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The simulated kubelet of the one simulated node: runs every pod it sees through the lifecycle its
 * containers' {@link PodBehavior}s describe, and writes the pod status the way a kubelet does,
 * through the API ({@code PUT .../pods/{name}/status}), so that watchers see each transition.
 *
 * <p>Lifecycle of a pod:
 * <ol>
 *   <li>Unschedulable (first container's behaviour): {@code Pending}, {@code
 *       PodScheduled=False/Unschedulable} with the message; nothing else ever happens.
 *   <li>Scheduled: {@code spec.nodeName} is set, {@code Pending} with {@code PodScheduled},
 *       {@code Initialized}, {@code PodReadyToStartContainers} true; init containers are
 *       terminated {@code Completed} at once; each container waits in {@code ContainerCreating}
 *       for its {@link PodBehavior#pendingFor}.
 *   <li>Image pull failure: the container waits with {@code ErrImagePull}, 50 ms later {@code
 *       ImagePullBackOff}, for ever.
 *   <li>Running: {@code state.running.startedAt}; ready at once or after {@link
 *       PodBehavior#readyAfter} (or never), then {@code ContainersReady} and {@code Ready}.
 *   <li>Terminated: exit code, reason {@code Completed}/{@code Error}/{@code OOMKilled}, message
 *       (the termination message, or with {@code FallbackToLogsOnError} the log's tail after a
 *       failure); restarted per {@code restartPolicy} after a back-off spent waiting in
 *       {@code CrashLoopBackOff} (10 spec seconds doubling, capped at 300, or the behaviour's).
 *   <li>Phase from the containers as Kubernetes computes it ({@code Pending} while a container has
 *       never started, {@code Running}, {@code Succeeded}, {@code Failed}).
 * </ol>
 * A pod's own {@code activeDeadlineSeconds} kills its containers (exit 137) and fails it with
 * reason {@code DeadlineExceeded}. A pod marked for deletion (finalizers) has its containers
 * killed; a deleted pod simply stops (there is no graceful termination: the CRUD store removes it
 * at once). Timestamps in the status have whole seconds, as a real API server serializes them;
 * log line times are exact.
 */
final class Kubelet {

    static final String NODE_NAME = "sim-node";
    static final String HOST_IP = "172.18.0.2";
    static final Duration IMAGE_PULL_BACKOFF_AFTER = Duration.ofMillis(50);

    private final KubernetesClient client;
    private final ControlLoop loop;
    private final BiFunction<Container, String, PodBehavior> behaviors;
    private final Supplier<Duration> specSecond;
    private final Consumer<ClusterSimulator.PodStatusWrite> statusWritten;
    private final Map<String, PodRun> runs = new HashMap<>(); // by uid, loop thread only
    private final Map<String, PodLogs> logs = new ConcurrentHashMap<>(); // by namespace/name
    private int nextIp = 10;
    /** What a container of an image does to the world outside the cluster when it starts; by image. */
    private volatile java.util.function.Function<String, ClusterSimulator.ContainerAction> startActions = image -> null;

    Kubelet(KubernetesClient client, ControlLoop loop, BiFunction<Container, String, PodBehavior> behaviors,
            Supplier<Duration> specSecond, Consumer<ClusterSimulator.PodStatusWrite> statusWritten) {
        this.client = client;
        this.loop = loop;
        this.behaviors = behaviors;
        this.specSecond = specSecond;
        this.statusWritten = statusWritten;
    }

    void startActions(java.util.function.Function<String, ClusterSimulator.ContainerAction> actions) {
        this.startActions = actions;
    }

    /**
     * A container's environment as the real kubelet resolves it: plain values, and secretKeyRefs
     * read from the Secret in the pod's namespace (base64-decoded); a missing one is left out.
     */
    private Map<String, String> resolvedEnv(String namespace, Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (io.fabric8.kubernetes.api.model.EnvVar e : c.getEnv() == null ? List.<io.fabric8.kubernetes.api.model.EnvVar>of()
                : c.getEnv()) {
            if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                io.fabric8.kubernetes.api.model.Secret secret = client.secrets().inNamespace(namespace)
                        .withName(e.getValueFrom().getSecretKeyRef().getName()).get();
                String data = secret == null || secret.getData() == null ? null
                        : secret.getData().get(e.getValueFrom().getSecretKeyRef().getKey());
                if (data != null) {
                    env.put(e.getName(), new String(java.util.Base64.getDecoder().decode(data), StandardCharsets.UTF_8));
                }
            } else if (e.getValue() != null) {
                env.put(e.getName(), e.getValue());
            }
        }
        return env;
    }

    /** The logs of the pod currently stored under that name, or null; any thread. */
    PodLogs logs(String namespace, String name) {
        return logs.get(namespace + "/" + name);
    }

    /** Stops every pod's followers (the simulator is closing). */
    void close() {
        logs.values().forEach(PodLogs::gone);
    }

    /** A watch event for a pod; on the loop thread. */
    void onPod(Action action, Pod pod) {
        String uid = pod.getMetadata().getUid();
        PodRun run = runs.get(uid);
        switch (action) {
            case ADDED, MODIFIED -> {
                if (run == null) {
                    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
                    if (pod.getMetadata().getDeletionTimestamp() == null && !"Succeeded".equals(phase)
                            && !"Failed".equals(phase)) {
                        start(pod);
                    }
                } else {
                    run.observe(pod);
                    if (pod.getMetadata().getDeletionTimestamp() != null && !run.killed) {
                        run.kill(null, null);
                    }
                }
            }
            case DELETED -> {
                if (run != null) {
                    run.stop();
                    runs.remove(uid);
                    logs.remove(run.key(), run.logs);
                }
            }
            default -> { }
        }
    }

    private void start(Pod pod) {
        PodRun run = new PodRun(pod);
        runs.put(run.uid, run);
        logs.put(run.key(), run.logs);
        run.begin(pod);
    }

    static String time(Instant t) {
        return t == null ? null : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private enum State { WAITING, RUNNING, TERMINATED }

    /** What a container run ended with. */
    private record Termination(int exitCode, String reason, String message, Instant startedAt, Instant finishedAt,
            String containerId) {
        ContainerState toState() {
            return new ContainerStateBuilder().withNewTerminated()
                    .withExitCode(exitCode).withReason(reason).withMessage(message)
                    .withStartedAt(time(startedAt)).withFinishedAt(time(finishedAt)).withContainerID(containerId)
                    .endTerminated().build();
        }
    }

    private record Condition(String status, String reason, String message, Instant since) {}

    /** One pod on the node. All methods run on the loop thread. */
    private final class PodRun {
        final String namespace;
        final String name;
        final String uid;
        final String restartPolicy;
        final PodLogs logs;
        final List<ContainerRun> containers = new ArrayList<>();
        /** Init containers, name to image: they complete at once (their behaviours are not simulated). */
        final Map<String, String> initContainers = new LinkedHashMap<>();
        final List<ScheduledFuture<?>> timers = new ArrayList<>();
        final Map<String, Condition> conditions = new LinkedHashMap<>();
        boolean scheduled;
        boolean stopped;
        boolean killed;
        String unschedulable;
        Instant startTime;
        String podIp;
        String reason;
        String message;
        boolean forcedFailed;
        /** The newest version of the pod seen (watch events, own writes): status writes start from it. */
        Pod lastSeen;

        PodRun(Pod pod) {
            namespace = pod.getMetadata().getNamespace();
            name = pod.getMetadata().getName();
            uid = pod.getMetadata().getUid();
            restartPolicy = Objects.requireNonNullElse(pod.getSpec().getRestartPolicy(), "Always");
            logs = new PodLogs(namespace, name, uid);
            if (pod.getSpec().getInitContainers() != null) {
                for (Container c : pod.getSpec().getInitContainers()) {
                    initContainers.put(c.getName(), c.getImage());
                }
            }
            for (Container c : pod.getSpec().getContainers()) {
                containers.add(new ContainerRun(this, c, behaviors.apply(c, restartPolicy)));
            }
        }

        String key() {
            return namespace + "/" + name;
        }

        void observe(Pod pod) {
            if (lastSeen == null || resourceVersion(pod) > resourceVersion(lastSeen)) {
                lastSeen = pod;
            }
        }

        private static long resourceVersion(Pod p) {
            try {
                return Long.parseLong(p.getMetadata().getResourceVersion());
            } catch (NumberFormatException e) {
                return Long.MAX_VALUE;
            }
        }

        void begin(Pod pod) {
            lastSeen = pod;
            unschedulable = containers.isEmpty() ? null : containers.get(0).behavior.unschedulableMessage();
            if (unschedulable != null) {
                setCondition("PodScheduled", "False", "Unschedulable", unschedulable);
                writeStatus();
                return;
            }
            if (pod.getSpec().getNodeName() == null) {
                bindToNode();
            }
            scheduled = true;
            logs.scheduled(true);
            startTime = Instant.now();
            podIp = "10.244.0." + (nextIp++ % 250 + 2);
            setCondition("PodReadyToStartContainers", "True", null, null);
            setCondition("Initialized", "True", null, null);
            setCondition("PodScheduled", "True", null, null);
            for (String init : initContainers.keySet()) {
                ContainerLog l = logs.add(init);
                l.start();
                l.end();
            }
            for (ContainerRun c : containers) {
                c.log.waiting("ContainerCreating");
                after(c.behavior.pendingDuration(), c::pulled);
            }
            Long deadline = pod.getSpec().getActiveDeadlineSeconds();
            if (deadline != null) {
                after(specSecond.get().multipliedBy(deadline), () -> kill("DeadlineExceeded",
                        "Pod was active on the node longer than the specified deadline"));
            }
            updateReadiness();
            writeStatus();
        }

        /** What the scheduler's binding does: sets {@code spec.nodeName}. */
        private void bindToNode() {
            try {
                observe(client.pods().inNamespace(namespace).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"nodeName\":\"" + NODE_NAME + "\"}}"));
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        }

        void after(Duration delay, Runnable task) {
            if (delay.isZero()) {
                task.run();
                return;
            }
            ScheduledFuture<?> f = loop.schedule(delay, () -> {
                if (!stopped) {
                    task.run();
                }
            });
            if (f != null) {
                timers.add(f);
            }
            timers.removeIf(ScheduledFuture::isDone);
        }

        /** Kills every container (deadline, deletion); with a reason, the pod fails. */
        void kill(String reason, String message) {
            String phase = phase();
            if (phase.equals("Succeeded") || phase.equals("Failed")) {
                return; // finished before: nothing to kill, and the deadline no longer applies
            }
            killed = true;
            if (reason != null) {
                this.reason = reason;
                this.message = message;
                forcedFailed = true;
            }
            for (ContainerRun c : containers) {
                if (c.state == State.RUNNING) {
                    c.terminate(137, "Error", false);
                } else if (c.state == State.WAITING) {
                    c.cancelTimers();
                }
            }
            timers.forEach(t -> t.cancel(false));
            updateReadiness();
            writeStatus();
        }

        void stop() {
            stopped = true;
            timers.forEach(t -> t.cancel(false));
            for (ContainerRun c : containers) {
                c.cancelTimers();
                if (c.writer != null) {
                    c.writer.finish(false);
                }
            }
            logs.gone();
        }

        void setCondition(String type, String status, String reason, String message) {
            Condition old = conditions.get(type);
            Instant since = old != null && old.status().equals(status) ? old.since() : Instant.now();
            conditions.put(type, new Condition(status, reason, message, since));
        }

        String phase() {
            if (!scheduled) {
                return "Pending";
            }
            if (forcedFailed) {
                return "Failed";
            }
            int waiting = 0;
            int running = 0;
            int stopped = 0;
            int succeeded = 0;
            for (ContainerRun c : containers) {
                switch (c.state) {
                    case RUNNING -> running++;
                    case TERMINATED -> {
                        stopped++;
                        if (c.terminated.exitCode() == 0) {
                            succeeded++;
                        }
                    }
                    case WAITING -> {
                        if (c.lastTerminated != null) {
                            stopped++;
                        } else {
                            waiting++;
                        }
                    }
                }
            }
            if (waiting > 0) {
                return "Pending";
            }
            if (running > 0) {
                return "Running";
            }
            if ("Always".equals(restartPolicy)) {
                return "Running";
            }
            if (stopped == succeeded) {
                return "Succeeded";
            }
            return "Never".equals(restartPolicy) ? "Failed" : "Running";
        }

        void updateReadiness() {
            String phase = phase();
            if (phase.equals("Succeeded") || phase.equals("Failed")) {
                setCondition("ContainersReady", "False", "PodCompleted", null);
                setCondition("Ready", "False", "PodCompleted", null);
                return;
            }
            List<String> unready = containers.stream().filter(c -> !(c.state == State.RUNNING && c.ready))
                    .map(c -> c.name).toList();
            if (unready.isEmpty()) {
                setCondition("ContainersReady", "True", null, null);
                setCondition("Ready", "True", null, null);
            } else {
                String msg = "containers with unready status: [" + String.join(" ", unready) + "]";
                setCondition("ContainersReady", "False", "ContainersNotReady", msg);
                setCondition("Ready", "False", "ContainersNotReady", msg);
            }
        }

        PodStatus status(PodStatus current) {
            PodStatus s = new PodStatus();
            s.setQosClass(current == null ? null : current.getQosClass());
            s.setPhase(phase());
            List<PodCondition> conds = new ArrayList<>();
            for (String type : List.of("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady",
                    "PodScheduled")) {
                Condition c = conditions.get(type);
                if (c != null) {
                    PodCondition pc = new PodCondition();
                    pc.setType(type);
                    pc.setStatus(c.status());
                    pc.setReason(c.reason());
                    pc.setMessage(c.message());
                    pc.setLastTransitionTime(time(c.since()));
                    pc.setLastProbeTime(null);
                    conds.add(pc);
                }
            }
            s.setConditions(conds);
            if (!scheduled) {
                return s;
            }
            s.setReason(reason);
            s.setMessage(message);
            s.setHostIP(HOST_IP);
            s.setHostIPs(List.of(new HostIP(HOST_IP)));
            s.setPodIP(podIp);
            s.setPodIPs(List.of(new PodIP(podIp)));
            s.setStartTime(time(startTime));
            List<ContainerStatus> inits = new ArrayList<>();
            for (Map.Entry<String, String> init : initContainers.entrySet()) {
                inits.add(new ContainerStatusBuilder().withName(init.getKey()).withReady(true).withStarted(false)
                        .withRestartCount(0).withImage(init.getValue())
                        .withImageID(init.getValue() + "@sha256:" + sha256(init.getValue()))
                        .withState(new Termination(0, "Completed", null, startTime, startTime,
                                "containerd://" + sha256(uid + init.getKey())).toState())
                        .build());
            }
            if (!inits.isEmpty()) {
                s.setInitContainerStatuses(inits);
            }
            s.setContainerStatuses(containers.stream().map(ContainerRun::status).toList());
            return s;
        }

        void writeStatus() {
            loop.reconcile("pod-status/" + uid, this::doWriteStatus);
        }

        private void doWriteStatus() {
            if (stopped) {
                return;
            }
            // Starts from the newest version seen, so that usually one request does; reads the pod
            // again only when someone else changed it in between (409 Conflict).
            for (int attempt = 0; attempt < 5; attempt++) {
                Pod pod = lastSeen;
                if (pod == null) {
                    pod = client.pods().inNamespace(namespace).withName(name).get();
                    if (pod == null || !uid.equals(pod.getMetadata().getUid())) {
                        return;
                    }
                }
                PodStatus desired = status(pod.getStatus());
                if (desired.equals(pod.getStatus())) {
                    return;
                }
                pod.setStatus(desired);
                try {
                    Instant sent = Instant.now();
                    lastSeen = client.pods().inNamespace(namespace).resource(pod).updateStatus();
                    Instant written = Instant.now();
                    Map<String, String> labels = lastSeen.getMetadata().getLabels();
                    statusWritten.accept(new ClusterSimulator.PodStatusWrite(namespace, name,
                            labels == null ? Map.of() : Map.copyOf(labels), desired.getPhase(), sent, written));
                    return;
                } catch (KubernetesClientException e) {
                    lastSeen = null;
                    if (e.getCode() == 404) {
                        return;
                    }
                    if (e.getCode() != 409) {
                        throw e;
                    }
                }
            }
            throw new IllegalStateException("could not write the status of pod " + key() + " (conflicts)");
        }
    }

    /** One container of a pod, across its runs. */
    private final class ContainerRun {
        final PodRun pod;
        final String name;
        final String image;
        final String terminationMessagePolicy;
        final PodBehavior behavior;
        final Container spec;
        final ContainerLog log;
        final List<ScheduledFuture<?>> timers = new ArrayList<>();
        State state = State.WAITING;
        String waitingReason = "ContainerCreating";
        String waitingMessage;
        boolean ready;
        Instant startedAt;
        String containerId;
        LineWriter writer;
        Termination terminated;
        Termination lastTerminated;
        int restartCount;

        ContainerRun(PodRun pod, Container c, PodBehavior behavior) {
            this.pod = pod;
            this.name = c.getName();
            this.image = c.getImage();
            this.terminationMessagePolicy = c.getTerminationMessagePolicy();
            this.behavior = behavior;
            this.spec = c;
            this.log = pod.logs.add(c.getName());
        }

        void after(Duration delay, Runnable task) {
            ScheduledFuture<?> f = loop.schedule(delay, () -> {
                if (!pod.stopped) {
                    task.run();
                }
            });
            if (f != null) {
                timers.add(f);
            }
            timers.removeIf(ScheduledFuture::isDone);
        }

        void cancelTimers() {
            timers.forEach(t -> t.cancel(false));
            timers.clear();
        }

        /** The image is there (or not). */
        void pulled() {
            if (pod.killed) {
                return;
            }
            if (behavior.pullFails()) {
                String ref = image.contains("/") ? image : "docker.io/library/" + image;
                if (!ref.substring(ref.lastIndexOf('/')).contains(":") && !ref.contains("@")) {
                    ref += ":latest";
                }
                waiting("ErrImagePull", "rpc error: code = NotFound desc = failed to pull and unpack image \"" + ref
                        + "\": failed to resolve reference \"" + ref + "\": " + ref + ": not found");
                after(IMAGE_PULL_BACKOFF_AFTER, () -> waiting("ImagePullBackOff", "Back-off pulling image \"" + image + "\""));
                return;
            }
            run();
        }

        void waiting(String reason, String message) {
            state = State.WAITING;
            waitingReason = reason;
            waitingMessage = message;
            ready = false;
            log.waiting(reason);
            pod.updateReadiness();
            pod.writeStatus();
        }

        /** Starts a run of the container. */
        void run() {
            state = State.RUNNING;
            startedAt = Instant.now();
            containerId = "containerd://" + sha256(pod.uid + name + restartCount);
            waitingReason = null;
            waitingMessage = null;
            ready = false;
            log.start();
            ClusterSimulator.ContainerAction action = startActions.apply(image);
            if (action != null) {
                try {
                    action.run(resolvedEnv(pod.namespace, spec));
                } catch (Exception e) {
                    throw new IllegalStateException("the start action of " + image + " failed", e);
                }
            }
            writer = new LineWriter(behavior.timeline(), log, System.nanoTime());
            writer.writeDue();
            if (!behavior.readinessFails()) {
                if (behavior.readyDelay().isZero()) {
                    ready = true;
                } else {
                    after(behavior.readyDelay(), () -> {
                        if (state == State.RUNNING) {
                            ready = true;
                            pod.updateReadiness();
                            pod.writeStatus();
                        }
                    });
                }
            }
            if (!behavior.forever()) {
                after(behavior.runDuration(), () -> terminate(behavior.exit(),
                        behavior.oom() ? "OOMKilled" : behavior.exit() == 0 ? "Completed" : "Error", true));
            }
            pod.updateReadiness();
            pod.writeStatus();
        }

        /** Ends the run: on its own ({@code natural}: may be restarted) or killed. */
        void terminate(int exitCode, String reason, boolean natural) {
            if (state != State.RUNNING) {
                return;
            }
            // On its own, the container wrote everything before it exited; killed, it wrote no more.
            writer.finish(natural);
            cancelTimers();
            String message = behavior.message();
            if ((message == null || message.isEmpty()) && exitCode != 0
                    && "FallbackToLogsOnError".equals(terminationMessagePolicy)) {
                message = logTail();
            }
            log.end();
            terminated = new Termination(exitCode, reason, message, startedAt, Instant.now(), containerId);
            state = State.TERMINATED;
            ready = false;
            boolean restart = natural && !pod.killed
                    && ("Always".equals(pod.restartPolicy) || "OnFailure".equals(pod.restartPolicy) && exitCode != 0);
            if (restart) {
                lastTerminated = terminated;
                terminated = null;
                restartCount++;
                Duration base = behavior.restartBackoffOrNull() != null ? behavior.restartBackoffOrNull()
                        : specSecond.get().multipliedBy(10);
                Duration backoff = base.multipliedBy(1L << Math.min(restartCount - 1, 5));
                Duration cap = base.multipliedBy(30);
                if (backoff.compareTo(cap) > 0) {
                    backoff = cap;
                }
                state = State.WAITING;
                waitingReason = "CrashLoopBackOff";
                waitingMessage = "back-off " + human(backoff) + " restarting failed container=" + name + " pod="
                        + pod.name + "_" + pod.namespace + "(" + pod.uid + ")";
                log.waiting("CrashLoopBackOff");
                after(backoff, this::run);
            } else if (natural && !behavior.statusLagAtEnd().isZero()) {
                // A busy node: the end is in the log now, in the pod's status later.
                after(behavior.statusLagAtEnd(), () -> {
                    pod.updateReadiness();
                    pod.writeStatus();
                });
                return;
            }
            pod.updateReadiness();
            pod.writeStatus();
        }

        /** What {@code FallbackToLogsOnError} puts in the message: the last 80 lines, at most 2048 bytes. */
        private String logTail() {
            PodLogs.Run current = log.current();
            if (current == null) {
                return null;
            }
            List<PodLogs.Line> lines = log.linesFrom(current, 0);
            StringBuilder b = new StringBuilder();
            for (PodLogs.Line l : lines.subList(Math.max(0, lines.size() - 80), lines.size())) {
                b.append(l.text()).append('\n');
            }
            byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 2048) {
                return new String(bytes, bytes.length - 2048, 2048, StandardCharsets.UTF_8);
            }
            return b.length() == 0 ? null : b.toString();
        }

        ContainerStatus status() {
            ContainerStatusBuilder b = new ContainerStatusBuilder()
                    .withName(name)
                    .withImage(image)
                    .withImageID(containerId == null ? "" : image + "@sha256:" + sha256(image))
                    .withRestartCount(restartCount)
                    .withReady(state == State.RUNNING && ready)
                    .withStarted(state == State.RUNNING);
            if (containerId != null) {
                b.withContainerID(containerId);
            }
            switch (state) {
                case WAITING -> b.withState(new ContainerStateBuilder().withNewWaiting()
                        .withReason(waitingReason).withMessage(waitingMessage).endWaiting().build());
                case RUNNING -> b.withState(new ContainerStateBuilder().withNewRunning()
                        .withStartedAt(time(startedAt)).endRunning().build());
                case TERMINATED -> b.withState(terminated.toState());
            }
            b.withLastState(lastTerminated == null ? new ContainerState() : lastTerminated.toState());
            return b.build();
        }
    }

    /**
     * Writes one container run's lines at their times, on the loop's clock thread: memory only, so
     * log timestamps stay exact however busy the loop is with API calls.
     */
    private final class LineWriter {
        private final List<PodBehavior.TimedLine> timeline;
        private final ContainerLog log;
        private final long startedNanos;
        private int next;
        private boolean finished;
        private ScheduledFuture<?> timer;

        LineWriter(List<PodBehavior.TimedLine> timeline, ContainerLog log, long startedNanos) {
            this.timeline = timeline;
            this.log = log;
            this.startedNanos = startedNanos;
        }

        /** Writes the lines whose time has come, then waits for the next one: one timer at a time. */
        synchronized void writeDue() {
            if (finished) {
                return;
            }
            long elapsed = System.nanoTime() - startedNanos;
            while (next < timeline.size() && timeline.get(next).offset().toNanos() <= elapsed) {
                log.append(timeline.get(next++).text(), Instant.now());
            }
            if (next < timeline.size()) {
                timer = loop.onClock(Duration.ofNanos(timeline.get(next).offset().toNanos() - elapsed), this::writeDue);
            }
        }

        /** The run ended: writes what is left if {@code flush}, then nothing more. */
        synchronized void finish(boolean flush) {
            while (flush && next < timeline.size()) {
                log.append(timeline.get(next++).text(), Instant.now());
            }
            finished = true;
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    private static String human(Duration d) {
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + "s";
        }
        return d.toMillis() + "ms";
    }
}
