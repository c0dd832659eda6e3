package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.WorkloadOutputs;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The start of one {@code serve} or {@code deploy} run: follows its Deployment's rollout through
 * the shared {@link RunWatcher} until it is available, and its pods for the reasons a rollout
 * never gets there (a crash loop, an image that cannot be pulled, no node). While the first pod
 * starts, its log is copied, so a service that fails to come up shows why in the build log.
 *
 * <p>When the rollout is available the start ends with state RUNNING and the engine stops
 * following the run: the service outlives the build until it is stopped. If the rollout fails, a
 * Deployment this run created is deleted; one it updated (a new version of a running service) is
 * left as Kubernetes leaves it, still serving from its previous ReplicaSet.
 */
final class ServiceRun extends ReadinessRun<Deployment> {

    /** Restarts after which a crash-looping container is judged broken, not slow. */
    static final int CRASH_LOOP_RESTARTS = 3;

    /** The Service's in-cluster URL; for a resumed run, read again before its watch starts. */
    private volatile String url;

    private LogFollower.Follow follow;
    private String followedPod;
    /** Whether the plan gave the Deployment ConfigMaps (a python function's code): see {@link #ownsConfigMaps()}. */
    private boolean ownsConfigMaps;

    ServiceRun(FunctionEngine engine, RunRef ref, RunListener listener, Duration readyTimeout, String url,
               RunState initial) {
        super(engine, ref, listener, readyTimeout, initial);
        this.url = url;
    }

    /**
     * The plan gives the Deployment ConfigMaps, named after their content: once the rollout is
     * available, those no longer mounted are deleted. Only then, so that serving a container
     * function costs no request for it.
     */
    synchronized ServiceRun ownsConfigMaps() {
        ownsConfigMaps = true;
        return this;
    }

    /** The in-cluster URL of the plan's Service ({@code http://name.namespace.svc:port}), or null. */
    static String urlOf(List<HasMetadata> objects, String namespace) {
        for (HasMetadata object : objects) {
            if (object instanceof Service service && service.getSpec() != null && service.getSpec().getPorts() != null
                    && !service.getSpec().getPorts().isEmpty()) {
                ServicePort port = service.getSpec().getPorts().get(0);
                return "http://" + service.getMetadata().getName() + "." + namespace + ".svc:" + port.getPort();
            }
        }
        return null;
    }


    // ---- creation ----

    /** The Deployment was created, or updated in place (a new version of a running service). */
    @Override
    public synchronized void created(boolean updated) {
        startWaiting(updated, (updated ? "Updated " : "Created ") + ref + (updated ? ": rolling forward" : ""));
    }

    /**
     * Re-attached after a restart: whether this run created the Deployment is not known any
     * more, so a failure leaves it in place rather than deleting what may be serving.
     */
    /** The URL of the resumed service's Service (read off the caller's thread), or null without one. */
    void serviceUrl(String value) {
        this.url = value;
    }

    @Override
    public synchronized void resumed() {
        waitAgain("Waiting again for the rollout of " + ref);
    }

    // ---- events ----

    @Override
    public synchronized void onDeployment(Deployment deployment, boolean deleted) {
        workloadEvent(deployment, deleted, " was deleted before it became available");
    }

    @Override
    void changed(Deployment deployment) {
        Optional<DeploymentCondition> stalled = condition(deployment, "Progressing")
                .filter(c -> "False".equals(c.getStatus()) && "ProgressDeadlineExceeded".equals(c.getReason()));
        if (stalled.isPresent()) {
            fail("ProgressDeadlineExceeded", "the rollout made no progress: " + stalled.get().getMessage());
        } else if (available(deployment)) {
            ready(deployment);
        }
    }

    @Override
    public synchronized void onPod(Pod pod, boolean deleted) {
        if (finishing || deleted || pod.getStatus() == null) {
            return;
        }
        podSeen(pod);
        Optional<ContainerStatus> main = PodReading.container(pod, RunLabels.MAIN_CONTAINER);
        boolean running = PodReading.running(pod, RunLabels.MAIN_CONTAINER);
        String waiting = main.map(ContainerStatus::getState).map(s -> s.getWaiting())
                .map(w -> w.getReason()).orElse(null);
        int restarts = main.map(ContainerStatus::getRestartCount).orElse(0);
        if ("CrashLoopBackOff".equals(waiting) && restarts >= CRASH_LOOP_RESTARTS) {
            ContainerStateTerminated lastEnd = main.map(ContainerStatus::getLastState).map(s -> s.getTerminated())
                    .orElse(null);
            String said = lastEnd == null ? null : said(lastEnd.getMessage());
            fail("CrashLoopBackOff", "the container keeps exiting (" + restarts + " restarts"
                    + (lastEnd == null ? "" : ", last exit code " + lastEnd.getExitCode()
                    + (lastEnd.getReason() == null ? "" : " " + lastEnd.getReason())) + ")"
                    + (said == null ? "" : ": " + said));
            return;
        }
        if (running || "CrashLoopBackOff".equals(waiting)) {
            failFast.cancel();
            moveTo(RunState.RUNNING, null);
            if (followedPod == null && running) {
                // The first pod's log, until the rollout is available: why a service does not
                // come up is usually in there. Only when a live stream is free (LogLimits): a
                // service's start log is a help, not a record, so it is never polled.
                followedPod = pod.getMetadata().getName();
                if (engine.logStreams().acquireLive()) {
                    LogFollower.Follow f = engine.logStreams().follower().follow(ref.namespace(), followedPod,
                            RunLabels.MAIN_CONTAINER, cursor, true, line -> {
                                listener.onLog(line);
                                cursor = cursor.advance(line.time());
                            });
                    follow = f;
                    f.done().whenComplete((c, e) -> engine.logStreams().releaseLive());
                } else {
                    listener.onEvent("Not copying the log of pod " + followedPod + ": all "
                            + "live log streams are in use (kubectl logs " + followedPod + " -n " + ref.namespace() + ")");
                }
            }
            return;
        }
        moveTo(RunState.PENDING, null);
        failFast.judge(pod);
    }

    // ---- the end of the start ----

    private void ready(Deployment deployment) {
        finishing = true;
        cancelTimers();
        closeFollow();
        DeploymentStatus status = deployment.getStatus();
        Map<String, Object> outputs = new LinkedHashMap<>();
        if (url != null) {
            outputs.put("url", url);
        }
        outputs.put("deployment", ref.name());
        outputs.put("namespace", ref.namespace());
        outputs.put("replicas", status.getReplicas() == null ? 0 : status.getReplicas());
        outputs.put("readyReplicas", status.getReadyReplicas() == null ? 0 : status.getReadyReplicas());
        // What the runtime said its service offers (a model server's endpoint and model), on the Deployment
        outputs.putAll(WorkloadOutputs.read(deployment));
        Object shown = outputs.get("url");
        listener.onEvent(ref + " is available" + (shown == null ? "" : " at " + shown));
        RunOutcome result = new RunOutcome(RunState.RUNNING, null, "Available",
                "the service is available" + (shown == null ? "" : " at " + shown), outputs, Instant.now(), null);
        engine.forget(this);
        if (ownsConfigMaps && existedBefore) {
            // a roll forward, and no pod of an older version is left: the code ConfigMaps only
            // they mounted can go (a first serve has nothing older). Queued before the run ends,
            // so whoever sees the end also sees the clean-up pending.
            engine.removal().deleteUnmountedConfigMaps(ref);
        }
        listener.onComplete(result);
        outcome.complete(result);
    }

    @Override
    void cannotStart(String reason, String text) {
        fail(reason, "the pods could not start: " + text);
    }

    @Override
    String leftAsItWas() {
        return "; the Deployment is left as it was: its previous pods keep serving";
    }

    @Override
    String notReadyMessage() {
        return "not available after " + readyTimeout.toSeconds() + "s";
    }

    @Override
    void quiet() {
        cancelTimers();
        closeFollow();
    }

    private void closeFollow() {
        if (follow != null) {
            follow.close();
        }
    }



    /**
     * What a crashing container said as it ended, for the failure's message: the {@code error} of
     * its termination message (as the python runner writes it), else the message itself,
     * shortened; null when it said nothing.
     */
    static String said(String terminationMessage) {
        if (terminationMessage == null || terminationMessage.isBlank()) {
            return null;
        }
        Object error = Outputs.parse(terminationMessage).get("error");
        String text = error != null ? String.valueOf(error) : terminationMessage.strip();
        return text.length() > MAX_SAID ? text.substring(0, MAX_SAID - 3) + "..." : text;
    }

    private static final int MAX_SAID = 300;

    /** Rolled out: the controller saw this generation, every replica is updated and available, no old pod is left. */
    static boolean available(Deployment d) {
        DeploymentStatus status = d.getStatus();
        if (status == null) {
            return false;
        }
        Long generation = d.getMetadata().getGeneration();
        Long observed = status.getObservedGeneration();
        if (generation != null && (observed == null || observed < generation)) {
            return false;
        }
        int desired = d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        int updated = status.getUpdatedReplicas() == null ? 0 : status.getUpdatedReplicas();
        int availableReplicas = status.getAvailableReplicas() == null ? 0 : status.getAvailableReplicas();
        int total = status.getReplicas() == null ? 0 : status.getReplicas();
        return updated >= desired && availableReplicas >= desired && total <= updated;
    }

    private static Optional<DeploymentCondition> condition(Deployment d, String type) {
        if (d.getStatus() == null || d.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return d.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }
}
