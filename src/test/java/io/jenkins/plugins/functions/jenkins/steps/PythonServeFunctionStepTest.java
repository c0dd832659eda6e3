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

/** serveFunction and stopFunction with a python function, with test doubles of the Pipeline and builds. */
class PythonServeFunctionStepTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CODE = """
            GREETING = {}
            def load(context):
                GREETING["text"] = context["parameters"].get("greeting", "Hello")
            def handler(body):
                return {"greeting": GREETING["text"] + ", " + body["name"] + "!"}
            """;

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
        assertThat(sim.errors()).isEmpty();
        sim.close();
    }

    private FakeBuild build(String job, int number) {
        FakeBuild b = new FakeBuild(job, number);
        builds.put(b.getExternalizableId(), b);
        return b;
    }

    private static ServeFunctionStep greeter(Object handler) {
        ServeFunctionStep step = new ServeFunctionStep();
        step.setName("greeter");
        step.setRuntime("python");
        step.setSource(Map.of("code", CODE));
        step.setHandler(handler);
        step.setImage("registry.example.com/python:3.12");
        step.setParameters(Map.of("greeting", "Hallo"));
        return step;
    }

    @Test
    void servesToReadyReturnsTheUrlAndStopRemovesEverything() throws Exception {
        sim.onImage("registry.example.com/python:3.12", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100))
                .logs("[runner] ready: main:handler answers POST requests on port 8080"));
        FakeBuild serving = build("team/app", 3);
        FakeStepContext context = new FakeStepContext(serving, null);
        greeter(Map.of("function", "main:handler", "init", "load")).start(context).start();

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.await(WAIT);

        assertThat(result).containsEntry("status", "RUNNING").containsEntry("succeeded", true)
                .containsEntry("url", "http://greeter.default.svc:8080").containsEntry("action", "serve")
                .containsEntry("deployment", "greeter").containsEntry("runtime", "python");
        FunctionRunAction run = FunctionRunAction.of(serving).get(0);
        assertThat(run.getState()).isEqualTo("RUNNING");
        assertThat(run.getObjects()).hasSize(3).startsWith("Deployment default/greeter", "Service default/greeter");
        assertThat(run.getObjects().get(2)).matches("ConfigMap default/greeter-code-[0-9a-f]{10}");
        assertThat(context.log()).contains("[runner] ready: main:handler answers POST requests on port 8080");

        FakeStepContext stopContext = new FakeStepContext(build("team/cleanup", 1), null);
        new StopFunctionStep("greeter").start(stopContext).start();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> stopped = (List<Map<String, Object>>) stopContext.await(WAIT);

        assertThat(stopped).singleElement().satisfies(s -> assertThat(s).containsEntry("build", "team/app#3"));
        assertThat(FunctionRunAction.of(serving).get(0).getState()).isEqualTo("STOPPED");
        FunctionEngineTestSupport.eventually(() -> client.apps().deployments().inNamespace("default").list()
                .getItems().isEmpty() && client.services().inNamespace("default")
                .withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER).list().getItems().isEmpty()
                && client.configMaps().inNamespace("default").withLabel(RunLabels.FUNCTION, "greeter").list()
                .getItems().isEmpty(), "no Deployment, Service or ConfigMap is left");
    }

    @Test
    void anInitFunctionTheCodeDoesNotHaveFailsTheStepBeforeAnythingIsCreated() throws Exception {
        FakeBuild build = build("team/app", 5);
        FakeStepContext context = new FakeStepContext(build, null);
        greeter(Map.of("function", "main:handler", "init", "setup")).start(context).start();

        assertThatThrownBy(() -> context.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("serveFunction: field 'handler.init': value 'setup' is not allowed: must be a"
                        + " function of the handler's module 'main', and main.py (in source) has no 'setup'");
        assertThat(FunctionRunAction.of(build).get(0).getReason()).isEqualTo("InvalidSpec");
        assertThat(client.apps().deployments().inNamespace("default").list().getItems()).isEmpty();
        assertThat(client.configMaps().inNamespace("default").withLabel(RunLabels.FUNCTION, "greeter").list()
                .getItems()).isEmpty();
    }

    @Test
    void twoPortsFailTheStepNamingFieldValueAndRule() throws Exception {
        FakeBuild build = build("team/app", 6);
        FakeStepContext context = new FakeStepContext(build, null);
        ServeFunctionStep step = greeter("main:handler");
        step.setPorts(List.of(8080, 9090));
        step.start(context).start();

        assertThatThrownBy(() -> context.await(WAIT)).isInstanceOf(AbortException.class)
                .hasMessageContaining("serveFunction: field 'ports': value '[8080, 9090]' is not allowed: must be"
                        + " one port for a python function");
        assertThat(client.apps().deployments().inNamespace("default").list().getItems()).isEmpty();
    }
}
