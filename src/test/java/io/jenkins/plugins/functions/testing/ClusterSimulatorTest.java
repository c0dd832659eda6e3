package io.jenkins.plugins.functions.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulation's Job, pod and garbage collection behaviour, checked through the fabric8 client
 * only (state read back from the API, as the plugin would see it).
 */
class ClusterSimulatorTest {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    ClusterSimulator sim;
    KubernetesClient k;

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        k = sim.client();
    }

    @AfterEach
    void stop() {
        try {
            assertThat(sim.errors()).as("failures inside the simulation").isEmpty();
        } finally {
            sim.close();
        }
    }

    // ------------------------------------------------------------------ Jobs

    @Test
    void jobPodSucceedsWithLogsAndJsonTerminationMessage() {
        sim.onImage("registry.example/fn:*", PodBehavior.succeed()
                .logs("starting", "working", "done")
                .runFor(Duration.ofMillis(150))
                .terminationMessage("{\"result\":42}"));
        k.batch().v1().jobs().resource(job("calc", "registry.example/fn:1.0")).create();

        Job job = awaitJob("calc", j -> hasCondition(j, "Complete"));
        assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
        assertThat(job.getStatus().getFailed()).isNull();
        assertThat(job.getStatus().getActive()).isNull();
        assertThat(job.getStatus().getStartTime()).isNotNull();
        assertThat(job.getStatus().getCompletionTime()).isNotNull();
        assertThat(condition(job, "Complete").getStatus()).isEqualTo("True");

        Pod pod = onlyPodOf("calc");
        assertThat(pod.getMetadata().getName()).matches("calc-[a-z0-9]{5}");
        assertThat(pod.getMetadata().getLabels())
                .containsEntry("job-name", "calc")
                .containsEntry("controller-uid", job.getMetadata().getUid())
                .containsEntry("app", "calc");
        OwnerReference owner = pod.getMetadata().getOwnerReferences().get(0);
        assertThat(owner.getKind()).isEqualTo("Job");
        assertThat(owner.getUid()).isEqualTo(job.getMetadata().getUid());
        assertThat(owner.getController()).isTrue();
        assertThat(owner.getBlockOwnerDeletion()).isTrue();
        assertThat(pod.getSpec().getNodeName()).isEqualTo("sim-node");
        assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
        ContainerStateTerminated t = terminated(pod);
        assertThat(t.getExitCode()).isZero();
        assertThat(t.getReason()).isEqualTo("Completed");
        assertThat(t.getMessage()).isEqualTo("{\"result\":42}");
        assertThat(t.getStartedAt()).isNotNull();
        assertThat(t.getFinishedAt()).isGreaterThanOrEqualTo(t.getStartedAt());

        assertThat(k.pods().withName(pod.getMetadata().getName()).getLog()).isEqualTo("starting\nworking\ndone\n");
    }

    @Test
    void aBusyKubeletReportsTheContainersEndAfterItsLog() {
        sim.onImage("fn:late", PodBehavior.succeed().logs("one", "two").runFor(Duration.ofMillis(100))
                .terminalStatusLag(Duration.ofSeconds(2)));
        k.batch().v1().jobs().resource(job("late", "fn:late")).create();
        String pod = awaitPods("late", pods -> pods.size() == 1 && "Running".equals(pods.get(0).getStatus().getPhase()))
                .get(0).getMetadata().getName();

        // the container exited: its whole log is there while the pod's status still says Running
        await(() -> k.pods().withName(pod).getLog(), log -> log.equals("one\ntwo\n"));
        assertThat(k.pods().withName(pod).get().getStatus().getPhase()).isEqualTo("Running");

        Pod ended = await(() -> k.pods().withName(pod).get(), p -> "Succeeded".equals(p.getStatus().getPhase()));
        assertThat(terminated(ended).getExitCode()).isZero();
        awaitJob("late", j -> hasCondition(j, "Complete"));
    }

    @Test
    void nonZeroExitFailsTheJobWithoutRetryWhenBackoffLimitIsZero() {
        sim.onImage("fn:fail", PodBehavior.fail(3).log("boom").runFor(Duration.ofMillis(30)));
        k.batch().v1().jobs().resource(job("failing", "fn:fail")).create();

        Job job = awaitJob("failing", j -> hasCondition(j, "Failed"));
        assertThat(condition(job, "Failed").getReason()).isEqualTo("BackoffLimitExceeded");
        assertThat(job.getStatus().getFailed()).isEqualTo(1);
        assertThat(job.getStatus().getSucceeded()).isNull();
        assertThat(job.getStatus().getCompletionTime()).isNull();
        Pod pod = onlyPodOf("failing");
        assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
        assertThat(terminated(pod).getExitCode()).isEqualTo(3);
        assertThat(terminated(pod).getReason()).isEqualTo("Error");
        assertThat(podsOf("failing")).hasSize(1);
    }

    @Test
    void backoffLimitRetriesWithNewPods() {
        sim.specSecond(Duration.ofMillis(2)); // the pod failure back-off is 10 spec seconds, doubling
        sim.onImage("fn:flaky", PodBehavior.fail(1));
        Job spec = job("flaky", "fn:flaky");
        spec.getSpec().setBackoffLimit(2);
        k.batch().v1().jobs().resource(spec).create();

        Job job = awaitJob("flaky", j -> hasCondition(j, "Failed"));
        assertThat(job.getStatus().getFailed()).isEqualTo(3);
        assertThat(podsOf("flaky")).hasSize(3).allSatisfy(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Failed"));
    }

    @Test
    void oomKilledContainer() {
        sim.onImage("fn:hungry", PodBehavior.succeed().runFor(Duration.ofMillis(20)).oomKilled());
        k.batch().v1().jobs().resource(job("hungry", "fn:hungry")).create();

        awaitJob("hungry", j -> hasCondition(j, "Failed"));
        Pod pod = onlyPodOf("hungry");
        assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
        assertThat(terminated(pod).getReason()).isEqualTo("OOMKilled");
        assertThat(terminated(pod).getExitCode()).isEqualTo(137);
    }

    @Test
    void activeDeadlineExceededFailsTheJobAndKillsItsPod() {
        sim.specSecond(Duration.ofMillis(100));
        sim.onImage("fn:slow", PodBehavior.succeed().log("still going").runForever());
        Job spec = job("slow", "fn:slow");
        spec.getSpec().setActiveDeadlineSeconds(3L); // 300 ms here
        k.batch().v1().jobs().resource(spec).create();
        awaitPods("slow", pods -> pods.size() == 1 && "Running".equals(pods.get(0).getStatus().getPhase()));

        Job job = awaitJob("slow", j -> hasCondition(j, "Failed"));
        JobCondition failed = condition(job, "Failed");
        assertThat(failed.getReason()).isEqualTo("DeadlineExceeded");
        assertThat(failed.getMessage()).isEqualTo("Job was active longer than specified deadline");
        assertThat(job.getStatus().getFailed()).isEqualTo(1);
        assertThat(job.getStatus().getActive()).isNull();
        awaitPods("slow", List::isEmpty); // killed: deleted, as the Job controller does
    }

    @Test
    void ttlSecondsAfterFinishedDeletesTheJobAndItsPods() {
        sim.specSecond(Duration.ofMillis(20));
        Job spec = job("short-lived", "fn:anything");
        spec.getSpec().setTtlSecondsAfterFinished(5); // 100 ms here
        k.batch().v1().jobs().resource(spec).create();
        awaitJob("short-lived", j -> hasCondition(j, "Complete"));
        assertThat(podsOf("short-lived")).hasSize(1);

        await(() -> k.batch().v1().jobs().withName("short-lived").get(), j -> j == null);
        awaitPods("short-lived", List::isEmpty);
    }

    @Test
    void anInformerSeesEveryTransitionOfAJobsPod() {
        sim.onImage("fn:observed", PodBehavior.succeed().pendingFor(Duration.ofMillis(50)).runFor(Duration.ofMillis(100)));
        List<String> phases = new CopyOnWriteArrayList<>();
        try (SharedIndexInformer<Pod> informer = k.pods().withLabel("job-name", "observed")
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod pod) {
                        record(pod);
                    }

                    @Override
                    public void onUpdate(Pod oldPod, Pod newPod) {
                        record(newPod);
                    }

                    @Override
                    public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                        phases.add("deleted");
                    }

                    private void record(Pod pod) {
                        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
                        if (phase != null && (phases.isEmpty() || !phases.get(phases.size() - 1).equals(phase))) {
                            phases.add(phase);
                        }
                    }
                })) {
            k.batch().v1().jobs().resource(job("observed", "fn:observed")).create();
            await(() -> phases, p -> p.contains("Succeeded"));
            k.batch().v1().jobs().withName("observed").delete();
            await(() -> phases, p -> p.contains("deleted"));
        }
        assertThat(phases).containsExactly("Pending", "Running", "Succeeded", "deleted");
    }

    // ------------------------------------------------------------------ pods

    @Test
    void imagePullFailureShowsErrImagePullThenImagePullBackOff() {
        sim.onImage("registry.example/missing:1", PodBehavior.succeed().pendingFor(Duration.ofMillis(50)).imagePullFails());
        List<String> reasons = new CopyOnWriteArrayList<>();
        try (Watch w = k.pods().withName("puller").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                ContainerStatus s = containerStatus(pod);
                if (s != null && s.getState().getWaiting() != null) {
                    String r = s.getState().getWaiting().getReason();
                    if (reasons.isEmpty() || !reasons.get(reasons.size() - 1).equals(r)) {
                        reasons.add(r);
                    }
                }
            }

            @Override
            public void onClose(WatcherException cause) {}
        })) {
            k.pods().resource(pod("puller", "registry.example/missing:1")).create();
            await(() -> reasons, r -> r.contains("ImagePullBackOff"));
        }
        assertThat(reasons).containsSubsequence("ContainerCreating", "ErrImagePull", "ImagePullBackOff");

        Pod pod = k.pods().withName("puller").get();
        assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
        assertThat(containerStatus(pod).getState().getWaiting().getMessage())
                .isEqualTo("Back-off pulling image \"registry.example/missing:1\"");
        // fabric8 waits up to 5 s for a pod to be ready before reading its log, unless told otherwise.
        assertThatThrownBy(() -> k.pods().withName("puller").withReadyWaitTimeout(0).getLog())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(400);
                    assertThat(e.getStatus().getMessage()).isEqualTo(
                            "container \"main\" in pod \"puller\" is waiting to start: trying and failing to pull image");
                });
    }

    @Test
    void unschedulablePodStaysPending() throws InterruptedException {
        String message = "0/3 nodes are available: 3 Insufficient nvidia.com/gpu.";
        sim.onImage("fn:gpu", PodBehavior.succeed().unschedulable(message));
        k.pods().resource(pod("gpu", "fn:gpu")).create();

        Pod pod = await(() -> k.pods().withName("gpu").get(), p -> podCondition(p, "PodScheduled") != null);
        PodCondition scheduled = podCondition(pod, "PodScheduled");
        assertThat(scheduled.getStatus()).isEqualTo("False");
        assertThat(scheduled.getReason()).isEqualTo("Unschedulable");
        assertThat(scheduled.getMessage()).isEqualTo(message);
        Thread.sleep(200);
        pod = k.pods().withName("gpu").get();
        assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
        assertThat(pod.getSpec().getNodeName()).isNull();
        assertThat(pod.getStatus().getContainerStatuses()).isNullOrEmpty();
        assertThat(k.pods().withName("gpu").withReadyWaitTimeout(0).getLog()).isEmpty(); // no node: the API server sends nothing
    }

    @Test
    void logsOfAContainerThatHasNotStartedAreRefusedLikeTheKubeletDoes() {
        sim.onImage("fn:slow-pull", PodBehavior.succeed().pendingFor(Duration.ofSeconds(30)));
        k.pods().resource(pod("slow-pull", "fn:slow-pull")).create();
        await(() -> k.pods().withName("slow-pull").get(), p -> containerStatus(p) != null);

        assertThatThrownBy(() -> k.pods().withName("slow-pull").withReadyWaitTimeout(0).getLog())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(400);
                    assertThat(e.getStatus().getMessage()).isEqualTo(
                            "container \"main\" in pod \"slow-pull\" is waiting to start: ContainerCreating");
                });
    }

    @Test
    void podReadinessConditions() {
        sim.onImage("fn:server", PodBehavior.longRunning().readyAfter(Duration.ofMillis(200)));
        Pod spec = pod("server", "fn:server");
        k.pods().resource(spec).create();

        Pod running = await(() -> k.pods().withName("server").get(),
                p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()));
        assertThat(containerStatus(running).getState().getRunning().getStartedAt()).isNotNull();
        assertThat(containerStatus(running).getReady()).isFalse();
        assertThat(podCondition(running, "Ready").getStatus()).isEqualTo("False");

        Pod ready = await(() -> k.pods().withName("server").get(), JobController::isReady);
        assertThat(containerStatus(ready).getReady()).isTrue();
        assertThat(podCondition(ready, "ContainersReady").getStatus()).isEqualTo("True");
        assertThat(ready.getStatus().getPodIP()).startsWith("10.244.");
    }

    // ------------------------------------------------------------------ garbage collection

    @Test
    void deletingAJobCascadesToItsPodsAndOwnedSecret() {
        sim.onImage("fn:forever", PodBehavior.longRunning());
        Job job = k.batch().v1().jobs().resource(job("owner", "fn:forever")).create();
        awaitPods("owner", pods -> pods.size() == 1);
        k.secrets().resource(new SecretBuilder().withNewMetadata().withName("owner-input")
                .addNewOwnerReference().withApiVersion("batch/v1").withKind("Job").withName("owner")
                .withUid(job.getMetadata().getUid()).withController(true).endOwnerReference()
                .endMetadata().addToStringData("input", "{}").build()).create();
        Secret unrelated = k.secrets().resource(new SecretBuilder().withNewMetadata().withName("unrelated")
                .endMetadata().addToStringData("x", "y").build()).create();

        k.batch().v1().jobs().withName("owner").delete(); // fabric8 sends propagationPolicy=Background

        awaitPods("owner", List::isEmpty);
        await(() -> k.secrets().withName("owner-input").get(), s -> s == null);
        assertThat(k.secrets().withName(unrelated.getMetadata().getName()).get()).isNotNull();
        assertThat(k.batch().v1().jobs().withName("owner").get()).isNull();
    }

    @Test
    void orphanPropagationKeepsDependentsAndRemovesTheirOwnerReference() {
        sim.onImage("fn:forever", PodBehavior.longRunning());
        k.batch().v1().jobs().resource(job("orphaner", "fn:forever")).create();
        Pod before = awaitPods("orphaner",
                pods -> pods.size() == 1 && "Running".equals(pods.get(0).getStatus().getPhase())).get(0);

        k.batch().v1().jobs().withName("orphaner").withPropagationPolicy(DeletionPropagation.ORPHAN).delete();

        Pod after = await(() -> k.pods().withName(before.getMetadata().getName()).get(),
                p -> p.getMetadata().getOwnerReferences() == null || p.getMetadata().getOwnerReferences().isEmpty());
        assertThat(after.getStatus().getPhase()).isEqualTo("Running");
    }

    @Test
    void deletingAJobWithoutPolicyOrphansItsPodsAsTheRealApiServerDoes() throws Exception {
        sim.onImage("fn:forever", PodBehavior.longRunning());
        k.batch().v1().jobs().resource(job("legacy", "fn:forever")).create();
        Pod before = awaitPods("legacy", pods -> pods.size() == 1).get(0);

        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(sim.url() + "apis/batch/v1/namespaces/default/jobs/legacy")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);

        await(() -> k.pods().withName(before.getMetadata().getName()).get(),
                p -> p.getMetadata().getOwnerReferences() == null || p.getMetadata().getOwnerReferences().isEmpty());
        assertThat(k.batch().v1().jobs().withName("legacy").get()).isNull();
    }

    // ------------------------------------------------------------------ API server additions

    @Test
    void serviceGetsAClusterIp() {
        Service s = k.services().resource(new ServiceBuilder().withNewMetadata().withName("fn-svc").endMetadata()
                .withNewSpec().addToSelector("app", "fn").addNewPort().withPort(80).endPort().endSpec().build()).create();
        assertThat(s.getSpec().getClusterIP()).matches("10\\.96\\.\\d+\\.\\d+");
        assertThat(k.services().withName("fn-svc").get().getSpec().getClusterIP()).isEqualTo(s.getSpec().getClusterIP());
        assertThat(s.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(s.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(80);
    }

    @Test
    void writingTheMainResourceKeepsTheStatusAsARealApiServerDoes() {
        k.batch().v1().jobs().resource(job("kept", "fn:1")).create();
        Job done = awaitJob("kept", j -> hasCondition(j, "Complete"));

        done.getMetadata().getLabels().put("touched", "yes"); // PUT with a stale, then an absent status
        done.getStatus().setSucceeded(99);
        k.batch().v1().jobs().resource(done).update();
        Job relabelled = k.batch().v1().jobs().withName("kept").get();
        assertThat(relabelled.getMetadata().getLabels()).containsEntry("touched", "yes");
        assertThat(relabelled.getStatus().getSucceeded()).isEqualTo(1);

        k.batch().v1().jobs().withName("kept").edit(j -> {
            j.getMetadata().getLabels().put("again", "yes");
            j.setStatus(null);
            return j;
        });
        assertThat(k.batch().v1().jobs().withName("kept").get().getStatus().getSucceeded()).isEqualTo(1);
    }

    @Test
    void invalidNamesAreRejectedAsByTheApiServer() {
        assertThatThrownBy(() -> k.batch().v1().jobs().resource(job("Not_Valid", "fn:1")).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
        Job tooLong = job("j".repeat(64), "fn:1");
        assertThatThrownBy(() -> k.batch().v1().jobs().resource(tooLong).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
    }

    // ------------------------------------------------------------------ helpers

    static Job job(String name, String image) {
        return new JobBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withNewTemplate()
                .withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .addNewContainer().withName("main").withImage(image).endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    static Pod pod(String name, String image) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("main").withImage(image).endContainer()
                .endSpec().build();
    }

    Job awaitJob(String name, Predicate<Job> condition) {
        return await(() -> k.batch().v1().jobs().withName(name).get(), j -> j != null && condition.test(j));
    }

    List<Pod> podsOf(String job) {
        return k.pods().withLabel("job-name", job).list().getItems();
    }

    Pod onlyPodOf(String job) {
        List<Pod> pods = podsOf(job);
        assertThat(pods).hasSize(1);
        return pods.get(0);
    }

    List<Pod> awaitPods(String job, Predicate<List<Pod>> condition) {
        return await(() -> podsOf(job), condition);
    }

    /** Polls (every 20 ms) until the value satisfies the condition; fails after {@link #TIMEOUT}. */
    static <T> T await(Supplier<T> value, Predicate<T> condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            last = value.get();
            if (condition.test(last)) {
                return last;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("condition not met within " + TIMEOUT + "; last value: " + last);
    }

    static boolean hasCondition(Job j, String type) {
        return condition(j, type) != null && "True".equals(condition(j, type).getStatus());
    }

    static JobCondition condition(Job j, String type) {
        if (j.getStatus() == null || j.getStatus().getConditions() == null) {
            return null;
        }
        return j.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    static PodCondition podCondition(Pod p, String type) {
        if (p == null || p.getStatus() == null || p.getStatus().getConditions() == null) {
            return null;
        }
        return p.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    static ContainerStatus containerStatus(Pod p) {
        if (p == null || p.getStatus() == null || p.getStatus().getContainerStatuses() == null
                || p.getStatus().getContainerStatuses().isEmpty()) {
            return null;
        }
        return p.getStatus().getContainerStatuses().get(0);
    }

    static ContainerStateTerminated terminated(Pod p) {
        return containerStatus(p).getState().getTerminated();
    }
}
