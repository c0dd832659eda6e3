package io.jenkins.plugins.functions.testing;

import static io.jenkins.plugins.functions.testing.ClusterSimulatorTest.await;
import static io.jenkins.plugins.functions.testing.ClusterSimulatorTest.containerStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deployments, ReplicaSets and their pods. */
class ClusterSimulatorDeploymentTest {

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
            assertThat(sim.errors()).isEmpty();
        } finally {
            sim.close();
        }
    }

    static Deployment deployment(String name, String image, int replicas) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate()
                .withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().addNewContainer().withName("server").withImage(image).endContainer().endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    Deployment awaitDeployment(String name, Predicate<Deployment> condition) {
        return await(() -> k.apps().deployments().withName(name).get(), d -> d != null && condition.test(d));
    }

    static DeploymentCondition condition(Deployment d, String type) {
        if (d.getStatus() == null || d.getStatus().getConditions() == null) {
            return null;
        }
        return d.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    static boolean rolledOut(Deployment d) {
        DeploymentCondition p = condition(d, "Progressing");
        DeploymentCondition a = condition(d, "Available");
        return p != null && "NewReplicaSetAvailable".equals(p.getReason()) && a != null && "True".equals(a.getStatus())
                && Objects.equals(d.getStatus().getObservedGeneration(), d.getMetadata().getGeneration())
                && Objects.equals(d.getStatus().getUpdatedReplicas(), d.getSpec().getReplicas())
                && Objects.equals(d.getStatus().getReplicas(), d.getSpec().getReplicas())
                && Objects.equals(d.getStatus().getAvailableReplicas(), d.getSpec().getReplicas());
    }

    List<Pod> pods(String app) {
        return k.pods().withLabel("app", app).list().getItems();
    }

    List<ReplicaSet> replicaSets(String app) {
        return k.apps().replicaSets().withLabel("app", app).list().getItems();
    }

    @Test
    void rolloutToAvailableAndATemplateChangeRollsForward() {
        sim.onImage("web:*", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        k.apps().deployments().resource(deployment("web", "web:1", 2)).create();

        Deployment d = awaitDeployment("web", ClusterSimulatorDeploymentTest::rolledOut);
        assertThat(d.getStatus().getReadyReplicas()).isEqualTo(2);
        assertThat(condition(d, "Available").getReason()).isEqualTo("MinimumReplicasAvailable");
        List<ReplicaSet> sets = replicaSets("web");
        assertThat(sets).hasSize(1);
        ReplicaSet first = sets.get(0);
        String hash = first.getMetadata().getLabels().get("pod-template-hash");
        assertThat(first.getMetadata().getName()).isEqualTo("web-" + hash);
        assertThat(first.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo(d.getMetadata().getUid());
        assertThat(first.getSpec().getSelector().getMatchLabels()).containsEntry("pod-template-hash", hash);
        List<Pod> pods = pods("web");
        assertThat(pods).hasSize(2).allSatisfy(p -> {
            assertThat(p.getMetadata().getName()).matches("web-" + hash + "-[a-z0-9]{5}");
            assertThat(p.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo(first.getMetadata().getUid());
            assertThat(JobController.isReady(p)).isTrue();
            assertThat(p.getStatus().getPhase()).isEqualTo("Running");
        });

        k.apps().deployments().withName("web").edit(dep -> {
            dep.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("web:2");
            return dep;
        });

        Deployment updated = awaitDeployment("web", dep -> dep.getMetadata().getGeneration() == 2 && rolledOut(dep)
                && pods("web").size() == 2);
        assertThat(updated.getStatus().getObservedGeneration()).isEqualTo(2);
        List<ReplicaSet> after = replicaSets("web");
        assertThat(after).hasSize(2);
        ReplicaSet second = after.stream().filter(rs -> !rs.getMetadata().getUid().equals(first.getMetadata().getUid()))
                .findFirst().orElseThrow();
        assertThat(second.getMetadata().getName()).isNotEqualTo(first.getMetadata().getName()).startsWith("web-");
        assertThat(second.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "2");
        ReplicaSet old = k.apps().replicaSets().withName(first.getMetadata().getName()).get();
        assertThat(old.getSpec().getReplicas()).isZero();
        assertThat(pods("web")).hasSize(2).allSatisfy(p -> {
            assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("web:2");
            assertThat(p.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo(second.getMetadata().getUid());
        });
    }

    @Test
    void resendingTheSameTemplateWithoutDefaultsDoesNotRollOut() {
        k.apps().deployments().resource(deployment("same", "web:1", 1)).create();
        awaitDeployment("same", ClusterSimulatorDeploymentTest::rolledOut);

        k.apps().deployments().resource(deployment("same", "web:1", 1)).update(); // a PUT without the defaults

        assertThat(replicaSets("same")).hasSize(1);
        awaitDeployment("same", ClusterSimulatorDeploymentTest::rolledOut);
        assertThat(replicaSets("same")).hasSize(1);
    }

    @Test
    void scalingChangesTheNumberOfPods() {
        k.apps().deployments().resource(deployment("scaled", "web:1", 1)).create();
        awaitDeployment("scaled", ClusterSimulatorDeploymentTest::rolledOut);

        k.apps().deployments().withName("scaled").scale(3);
        awaitDeployment("scaled", d -> d.getSpec().getReplicas() == 3 && rolledOut(d));
        assertThat(pods("scaled")).hasSize(3);
        assertThat(replicaSets("scaled")).hasSize(1);

        k.apps().deployments().withName("scaled").scale(1);
        awaitDeployment("scaled", d -> d.getSpec().getReplicas() == 1 && rolledOut(d));
        await(() -> pods("scaled"), p -> p.size() == 1);
    }

    @Test
    void neverReadyPodsMissTheProgressDeadline() {
        sim.specSecond(Duration.ofMillis(50));
        sim.onImage("web:broken", PodBehavior.longRunning().neverReady());
        Deployment spec = deployment("stuck", "web:broken", 1);
        spec.getSpec().setProgressDeadlineSeconds(6); // 300 ms here
        k.apps().deployments().resource(spec).create();

        Deployment d = awaitDeployment("stuck", dep -> condition(dep, "Progressing") != null
                && "False".equals(condition(dep, "Progressing").getStatus()));
        assertThat(condition(d, "Progressing").getReason()).isEqualTo("ProgressDeadlineExceeded");
        assertThat(condition(d, "Available").getStatus()).isEqualTo("False");
        assertThat(d.getStatus().getAvailableReplicas()).isNull();
        assertThat(d.getStatus().getUnavailableReplicas()).isEqualTo(1);
        Pod pod = pods("stuck").get(0);
        assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
        assertThat(containerStatus(pod).getReady()).isFalse();
    }

    @Test
    void crashingPodsLoopWithIncreasingRestartCount() {
        sim.onImage("web:crash", PodBehavior.succeed().log("panic").runFor(Duration.ofMillis(20)).crashLoop()
                .restartBackoff(Duration.ofMillis(40)));
        k.apps().deployments().resource(deployment("crashy", "web:crash", 1)).create();

        Pod pod = await(() -> pods("crashy"), p -> p.size() == 1 && containerStatus(p.get(0)) != null
                && containerStatus(p.get(0)).getRestartCount() >= 3).get(0);
        assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
        Pod waiting = await(() -> k.pods().withName(pod.getMetadata().getName()).get(),
                p -> containerStatus(p).getState().getWaiting() != null);
        // Between two runs the container waits in CrashLoopBackOff, its last run terminated with an error.
        assertThat(containerStatus(waiting).getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
        assertThat(containerStatus(waiting).getLastState().getTerminated().getExitCode()).isEqualTo(1);
        assertThat(JobController.isReady(waiting)).isFalse();
    }

    @Test
    void deletingADeploymentDeletesItsReplicaSetsAndPods() {
        k.apps().deployments().resource(deployment("gone", "web:1", 2)).create();
        awaitDeployment("gone", ClusterSimulatorDeploymentTest::rolledOut);

        k.apps().deployments().withName("gone").delete();

        await(() -> replicaSets("gone"), List::isEmpty);
        await(() -> pods("gone"), List::isEmpty);
    }

    @Test
    void deletedPodsAreReplaced() {
        k.apps().deployments().resource(deployment("healing", "web:1", 1)).create();
        awaitDeployment("healing", ClusterSimulatorDeploymentTest::rolledOut);
        Pod first = pods("healing").get(0);

        k.pods().withName(first.getMetadata().getName()).delete();

        Pod replacement = await(() -> pods("healing"), p -> p.size() == 1
                && !p.get(0).getMetadata().getUid().equals(first.getMetadata().getUid())).get(0);
        assertThat(replacement.getMetadata().getName()).isNotEqualTo(first.getMetadata().getName());
        awaitDeployment("healing", ClusterSimulatorDeploymentTest::rolledOut);
    }
}
