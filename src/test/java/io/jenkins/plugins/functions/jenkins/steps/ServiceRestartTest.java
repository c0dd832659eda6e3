package io.jenkins.plugins.functions.jenkins.steps;

import static io.jenkins.plugins.functions.jenkins.steps.FunctionEngineTestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.jenkins.FakePipeline;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import io.jenkins.plugins.functions.testing.RequestGate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code serveFunction} and {@code deployFunction} when the controller dies or restarts at a
 * moment of their start, the Pipeline persisted as Jenkins does ({@link FakePipeline}): a start is
 * waited for again and returns its URL, a start that ended returns what it recorded, a create that
 * never landed is known not to have happened; a service is never taken down by a restart.
 */
class ServiceRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private ClusterSimulator sim;
    private KubernetesClient client;
    private volatile FunctionEngine engine;
    private Clusters.Resolver previous;

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        engine = new FunctionEngine(client, EngineOptions.defaults());
        RuntimeRegistry runtimes = RuntimeRegistry.fromServiceLoader(getClass().getClassLoader());
        previous = Clusters.setResolver(build -> new Clusters.Target(engine, "default", runtimes));
    }

    @AfterEach
    void stop() {
        Clusters.setResolver(previous);
        engine.close();
        client.close();
        sim.close();
    }

    private void newController() {
        engine.close();
        engine = new FunctionEngine(client, EngineOptions.defaults());
    }

    private static ServeFunctionStep web(String image) {
        ServeFunctionStep step = new ServeFunctionStep();
        step.setName("web");
        step.setRuntime("container");
        step.setImage(image);
        step.setPorts(List.of(8080));
        step.setReplicas(2);
        return step;
    }

    private boolean deploymentExists() {
        return client.apps().deployments().inNamespace("default").withName("web").get() != null;
    }

    @Test
    void aStartKilledWhileItWaitsForTheRolloutIsWaitedForAgain() throws Exception {
        sim.onImage("example.com/web:1", PodBehavior.longRunning().readyAfter(Duration.ofMillis(2500)));
        FakePipeline pipeline = FakePipeline.start(web("example.com/web:1"), new FakeBuild("team/app", 1), null);
        eventually(() -> pipeline.context().log().contains("web ready"), "the Deployment and its Service exist");

        FakePipeline resumed = pipeline.kill("rolling-out", this::newController);

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) resumed.context().await(WAIT);
        assertThat(result).containsEntry("status", "RUNNING").containsEntry("url", "http://web.default.svc:8080")
                .containsEntry("readyReplicas", 2);
        assertThat(resumed.context().completions()).isEqualTo(1);
        assertThat(FunctionRunAction.of(resumed.build()).get(0).getState()).isEqualTo("RUNNING");
        assertThat(deploymentExists()).as("the service outlives the build").isTrue();
        assertThat(sim.requests().count("POST", "/apis/apps/v1/namespaces/*/deployments")).as("created once")
                .isEqualTo(1);
    }

    @Test
    void aStartThatEndedBeforeTheProgramWasSavedReturnsWhatItRecorded() throws Exception {
        sim.onImage("example.com/web:1", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        FakePipeline pipeline = FakePipeline.start(web("example.com/web:1"), new FakeBuild("team/app", 2), null);
        pipeline.context().await(WAIT);

        FakePipeline resumed = pipeline.kill("after-ready", this::newController);

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) resumed.context().await(WAIT);
        assertThat(result).containsEntry("status", "RUNNING").containsEntry("url", "http://web.default.svc:8080");
        Thread.sleep(300);
        assertThat(deploymentExists()).as("a served function is never deleted by a resume").isTrue();
        assertThat(sim.requests().count("DELETE", "/apis/apps/v1/namespaces/*/deployments/*")).isZero();
    }

    @Test
    void aFirstServeWhoseCreateNeverLandedLeavesNothing() throws Exception {
        sim.onImage("example.com/web:1", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        RequestGate create = sim.gate("POST", "/apis/apps/v1/namespaces/default/deployments");
        FakePipeline pipeline = FakePipeline.start(web("example.com/web:1"), new FakeBuild("team/app", 3), null);
        assertThat(create.awaitRequest(WAIT)).isTrue();

        FakePipeline resumed = pipeline.kill("create-in-flight", () -> {
            newController();
            create.drop();
        });

        assertThatThrownBy(() -> resumed.context().await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("NotCreated");
        assertThat(deploymentExists()).isFalse();
        assertThat(client.services().inNamespace("default").withName("web").get()).isNull();
    }

    @Test
    void aServeCutShortBetweenItsDeploymentAndItsServiceIsUndone() throws Exception {
        sim.onImage("example.com/web:1", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        RequestGate service = sim.gate("POST", "/api/v1/namespaces/default/services");
        FakePipeline pipeline = FakePipeline.start(web("example.com/web:1"), new FakeBuild("team/app", 5), null);
        assertThat(service.awaitRequest(WAIT)).isTrue();

        FakePipeline resumed = pipeline.kill("between-creates", () -> {
            newController();
            service.drop();
        });

        assertThatThrownBy(() -> resumed.context().await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("Incomplete").hasMessageContaining("Service default/web missing")
                .hasMessageContaining("was deleted, the function did not run");
        eventually(() -> !deploymentExists(), "the half-made service is removed");
    }

    @Test
    void aDeployKilledWhileItRollsOutIsWaitedForAgain() throws Exception {
        sim.onImage("example.com/worker:1", PodBehavior.longRunning().readyAfter(Duration.ofMillis(2000)));
        DeployFunctionStep step = new DeployFunctionStep();
        step.setName("worker");
        step.setRuntime("container");
        step.setImage("example.com/worker:1");
        FakePipeline pipeline = FakePipeline.start(step, new FakeBuild("team/app", 4), null);
        eventually(() -> client.apps().deployments().inNamespace("default").withName("worker").get() != null,
                "the Deployment exists");

        FakePipeline resumed = pipeline.shutdown("rolling-out", this::newController);

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) resumed.context().await(WAIT);
        assertThat(result).containsEntry("status", "RUNNING").containsEntry("deployment", "worker");
    }
}
