package io.jenkins.plugins.functions.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.jenkins.FakeStepContext;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** serveFunction, deployFunction and stopFunction with test doubles of the Pipeline and builds. */
class ServeFunctionStepTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;
    private Clusters.Resolver previous;
    private final Map<String, FakeBuild> builds = new ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        engine = new FunctionEngine(client, EngineOptions.defaults());
        RuntimeRegistry runtimes = RuntimeRegistry.fromServiceLoader(getClass().getClassLoader());
        previous = Clusters.setResolver(build -> new Clusters.Target(engine, "default", runtimes, builds::get));
    }

    @AfterEach
    void stop() {
        Clusters.setResolver(previous);
        engine.close();
        client.close();
        sim.close();
    }

    private FakeBuild build(String job, int number) {
        FakeBuild b = new FakeBuild(job, number);
        builds.put(b.getExternalizableId(), b);
        return b;
    }

    private static ServeFunctionStep web(String image) {
        ServeFunctionStep step = new ServeFunctionStep();
        step.setName("web");
        step.setRuntime("container");
        step.setImage(image);
        step.setPorts(List.of(8080));
        step.setReplicas(2);
        step.setReadinessProbe(Map.of("path", "/healthz", "port", 8080));
        return step;
    }

    @Test
    void serveReturnsTheUrlAndTheRunStaysRunning() throws Exception {
        sim.onImage("example.com/web:1", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        FakeBuild build = build("team/app", 4);
        FakeStepContext context = new FakeStepContext(build, null);
        web("example.com/web:1").start(context).start();

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.await(WAIT);

        assertThat(result).containsEntry("status", "RUNNING").containsEntry("succeeded", true)
                .containsEntry("url", "http://web.default.svc:8080").containsEntry("action", "serve")
                .containsEntry("deployment", "web").containsEntry("readyReplicas", 2);
        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        assertThat(run.getState()).isEqualTo("RUNNING");
        assertThat(run.getOutputs()).containsEntry("url", "http://web.default.svc:8080");
        assertThat(run.getObjects()).containsExactly("Deployment default/web", "Service default/web");
        var deployment = client.apps().deployments().inNamespace("default").withName("web").get();
        assertThat(deployment.getMetadata().getAnnotations())
                .containsEntry(RunLabels.JENKINS_BUILD_ID_ANNOTATION, "team/app#4");
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getReadinessProbe()
                .getHttpGet().getPath()).isEqualTo("/healthz");
    }

    @Test
    void stopFunctionRemovesTheServiceAndMarksTheServingRunStopped() throws Exception {
        sim.onImage("example.com/web:1", PodBehavior.longRunning());
        FakeBuild serving = build("team/app", 4);
        FakeStepContext serveContext = new FakeStepContext(serving, null);
        web("example.com/web:1").start(serveContext).start();
        serveContext.await(WAIT);

        FakeBuild stopping = build("team/cleanup", 9);
        FakeStepContext stopContext = new FakeStepContext(stopping, null);
        new StopFunctionStep("web").start(stopContext).start();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> stopped = (List<Map<String, Object>>) stopContext.await(WAIT);

        assertThat(stopped).singleElement().satisfies(s -> assertThat(s)
                .containsEntry("name", "web").containsEntry("build", "team/app#4"));
        FunctionRunAction run = FunctionRunAction.of(serving).get(0);
        assertThat(run.getState()).isEqualTo("STOPPED");
        assertThat(run.getMessage()).isEqualTo("stopped by team/cleanup#9");
        assertThat(run.getOutputs()).as("the outputs are kept").containsEntry("url", "http://web.default.svc:8080");
        assertThat(stopContext.log()).contains("Stopped default/web (served by team/app#4)");
        FunctionEngineTestSupport.eventually(() -> client.apps().deployments().inNamespace("default").list()
                .getItems().isEmpty() && client.services().inNamespace("default")
                .withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER).list().getItems().isEmpty(), "nothing is left");
    }

    @Test
    void servingAgainFromAnotherBuildMarksTheReplacedRun() throws Exception {
        sim.onImage("example.com/web:*", PodBehavior.longRunning().readyAfter(Duration.ofMillis(50)));
        FakeBuild first = build("team/app", 1);
        FakeStepContext one = new FakeStepContext(first, null);
        web("example.com/web:1").start(one).start();
        one.await(WAIT);

        FakeBuild second = build("team/app", 2);
        FakeStepContext two = new FakeStepContext(second, null);
        web("example.com/web:2").start(two).start();
        two.await(WAIT);

        FunctionRunAction replaced = FunctionRunAction.of(first).get(0);
        assertThat(replaced.getState()).isEqualTo("STOPPED");
        assertThat(replaced.getReason()).isEqualTo("Replaced");
        assertThat(replaced.getMessage()).contains("from team/app#2");
        assertThat(FunctionRunAction.of(second).get(0).getState()).isEqualTo("RUNNING");
        assertThat(two.log()).contains("Replacing the version served by team/app#1");
    }

    @Test
    void stopFunctionChecksTheAllowedNamespaces() {
        FakeStepContext context = new FakeStepContext(build("team/cleanup", 1), null);
        StopFunctionStep step = new StopFunctionStep("web");
        step.setNamespace("prod");
        assertThatThrownBy(() -> step.start(context).start()).isInstanceOf(AbortException.class)
                .hasMessageContaining("stopFunction: field 'namespace': value 'prod' is not allowed");
    }

    @Test
    void stopFunctionOfNothingIsNotAnError() throws Exception {
        FakeStepContext context = new FakeStepContext(build("team/cleanup", 1), null);
        new StopFunctionStep("nothing-here").start(context).start();
        assertThat((List<?>) context.await(WAIT)).isEmpty();
        assertThat(context.log()).contains("Nothing named nothing-here is served in namespace default");
    }

    @Test
    void stopFunctionRefusesABadName() {
        FakeStepContext context = new FakeStepContext(build("team/cleanup", 1), null);
        assertThatThrownBy(() -> new StopFunctionStep("Web_1").start(context).start())
                .isInstanceOf(AbortException.class).hasMessageContaining("field 'name'").hasMessageContaining("Web_1");
    }

    @Test
    void servingWithoutAPortNamesTheField() throws Exception {
        FakeStepContext context = new FakeStepContext(build("team/app", 1), null);
        ServeFunctionStep step = web("example.com/web:1");
        step.setPorts(null);
        step.setReadinessProbe(null);
        step.start(context).start();
        assertThatThrownBy(() -> context.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("serveFunction: field 'ports' is missing");
        assertThat(client.apps().deployments().inNamespace("default").list().getItems()).isEmpty();
    }

    @Test
    void deployFunctionHasNoService() throws Exception {
        sim.onImage("example.com/worker:1", PodBehavior.longRunning());
        FakeStepContext context = new FakeStepContext(build("team/app", 2), null);
        DeployFunctionStep step = new DeployFunctionStep();
        step.setName("worker");
        step.setRuntime("container");
        step.setImage("example.com/worker:1");
        step.start(context).start();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.await(WAIT);
        assertThat(result).containsEntry("status", "RUNNING").containsEntry("action", "deploy")
                .containsEntry("url", null);
        assertThat(client.services().inNamespace("default").withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                .list().getItems()).isEmpty();
    }
}
