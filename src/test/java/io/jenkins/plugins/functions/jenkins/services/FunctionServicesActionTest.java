package io.jenkins.plugins.functions.jenkins.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.model.Run;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.jenkins.FakeStepContext;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.jenkins.steps.InlineServeStep;
import io.jenkins.plugins.functions.jenkins.steps.ServeFunctionStep;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.KubeAiController;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.verb.POST;
import org.springframework.security.access.AccessDeniedException;

/**
 * The Function services page against the simulator: services served by builds are listed from
 * the cluster by the plugin's labels and joined with their builds; a stop is permission-checked
 * and goes through the engine's stopService, moving the serving run to STOPPED. Models (a KubeAI
 * Model, a vllm Deployment) are listed with the model fields their runtimes wrote.
 */
class FunctionServicesActionTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;
    private Clusters.Resolver previous;
    private final Map<String, FakeBuild> builds = new ConcurrentHashMap<>();
    /** The jobs whose builds the current user may abort; "admin" in it: the user is an administrator. */
    private final Set<String> mayCancel = ConcurrentHashMap.newKeySet();

    private final StopPermission permission = build -> build == null ? mayCancel.contains("admin")
            : mayCancel.contains(jobOf(build));

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

    private static String jobOf(Run<?, ?> build) {
        String id = build.getExternalizableId();
        return id.substring(0, id.lastIndexOf('#'));
    }

    private FunctionServicesAction page() {
        return new FunctionServicesAction(() -> List.of(engine), e -> e.namespacesUsed(), builds::get, permission);
    }

    private FakeBuild serve(String job, int number, String name) throws Exception {
        sim.onImage("example.com/" + name + ":1", PodBehavior.longRunning().readyAfter(Duration.ofMillis(50)));
        FakeBuild build = new FakeBuild(job, number);
        builds.put(build.getExternalizableId(), build);
        ServeFunctionStep step = new ServeFunctionStep();
        step.setName(name);
        step.setRuntime("container");
        step.setImage("example.com/" + name + ":1");
        step.setPorts(List.of(8080));
        step.setReplicas(2);
        FakeStepContext context = new FakeStepContext(build, null);
        step.start(context).start();
        context.await(WAIT);
        return build;
    }

    @Test
    void listsTheLiveServicesJoinedWithTheirBuilds() throws Exception {
        FakeBuild build = serve("team/app", 4, "web");
        String runId = FunctionRunAction.of(build).get(0).getRunId();

        FunctionServicesAction.ServiceList list = page().getList();

        assertThat(list.getErrors()).isEmpty();
        assertThat(list.getEntries()).singleElement().satisfies(s -> {
            assertThat(s.getFunction()).isEqualTo("web");
            assertThat(s.getVersion()).isEqualTo(FunctionRunAction.of(build).get(0).getVersion());
            assertThat(s.getAction()).isEqualTo("serve");
            assertThat(s.getNamespace()).isEqualTo("default");
            assertThat(s.getUrl()).isEqualTo("http://web.default.svc:8080");
            assertThat(s.getReplicas()).isEqualTo(2);
            assertThat(s.getReadyReplicas()).isEqualTo(2);
            assertThat(s.getBuild()).isSameAs(build);
            assertThat(s.getBuildId()).isEqualTo("team/app#4");
            assertThat(s.getRunUrl()).isEqualTo("job/team/job/app/4/function-run-" + runId + "/");
            assertThat(s.getId()).isEqualTo("default.web." + runId);
            assertThat(s.isStoppable()).as("no permission given").isFalse();
        });
    }

    @Test
    void stoppingNeedsThePermissionToAbortTheJobsBuildsAndLeavesTheServiceOtherwise() throws Exception {
        FakeBuild build = serve("team/app", 4, "web");
        mayCancel.add("team/other");
        ServiceEntry entry = page().getService(page().getList().getEntries().get(0).getId());

        assertThatThrownBy(entry::doStop).isInstanceOf(AccessDeniedException.class);

        assertThat(client.apps().deployments().inNamespace("default").withName("web").get()).isNotNull();
        assertThat(FunctionRunAction.of(build).get(0).getState()).isEqualTo("RUNNING");
    }

    @Test
    void aPermittedStopGoesThroughTheEngineAndMarksTheRunStopped() throws Exception {
        FakeBuild build = serve("team/app", 4, "web");
        mayCancel.add("team/app");
        ServiceEntry entry = page().getService(page().getList().getEntries().get(0).getId());
        assertThat(entry.isStoppable()).isTrue();

        entry.doStop();

        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        assertThat(run.getState()).isEqualTo("STOPPED");
        assertThat(run.getReason()).isEqualTo("Stopped");
        assertThat(run.getMessage()).isEqualTo("stopped on the Function services page");
        assertThat(client.apps().deployments().inNamespace("default").withName("web").get()).isNull();
        assertThat(page().getList().getEntries()).isEmpty();
    }

    @Test
    void theStopIsPostOnly() throws Exception {
        assertThat(ServiceEntry.class.getMethod("doStop").isAnnotationPresent(POST.class)).isTrue();
    }

    @Test
    void aServiceWhoseBuildIsGoneIsForAdministratorsOnly() throws Exception {
        serve("team/app", 4, "web");
        builds.clear(); // the build was deleted

        assertThat(page().getList().getEntries()).as("hidden from a user").isEmpty();

        mayCancel.add("admin");
        List<ServiceEntry> entries = page().getList().getEntries();
        assertThat(entries).singleElement().satisfies(s -> {
            assertThat(s.getBuild()).isNull();
            assertThat(s.getBuildId()).isEqualTo("team/app#4");
            assertThat(s.isStoppable()).isTrue();
        });
        entries.get(0).doStop();
        assertThat(client.apps().deployments().inNamespace("default").withName("web").get()).isNull();
    }

    @Test
    void aStaleIdFindsNothing() throws Exception {
        serve("team/app", 4, "web");
        assertThat(page().getService("default.web.someoldrun")).as("another version serves now").isNull();
        assertThat(page().getService("default.nothing.x")).isNull();
        assertThat(page().getService("../../etc")).isNull();
        assertThat(page().getService(null)).isNull();
    }

    @Test
    void aNamespaceThatCannotBeReadIsNamedAndTheOthersAreShown() throws Exception {
        serve("team/app", 4, "web");
        sim.forbid("GET", "/apis/apps/v1/namespaces/secret-team/deployments");
        FunctionServicesAction page = new FunctionServicesAction(() -> List.of(engine),
                e -> List.of("default", "secret-team"), builds::get, permission);

        FunctionServicesAction.ServiceList list = page.getList();

        assertThat(list.getEntries()).extracting(ServiceEntry::getFunction).containsExactly("web");
        assertThat(list.getErrors()).singleElement().asString().startsWith("namespace secret-team: ");
    }

    private static final String MODELS = "/apis/kubeai.org/v1/namespaces/*/models";

    /** serveFunction with a model function given whole, as from its file; waits until it serves. */
    private FakeBuild serveModel(String job, int number, Map<String, Object> function) throws Exception {
        FakeBuild build = new FakeBuild(job, number);
        builds.put(build.getExternalizableId(), build);
        FakeStepContext context = new FakeStepContext(build, null);
        new InlineServeStep(function).start(context).start();
        context.await(WAIT);
        return build;
    }

    private FakeBuild serveWhisper(String job, int number) throws Exception {
        sim.installKubeAi(KubeAiController.Behavior.readyAfter(Duration.ofMillis(50)));
        return serveModel(job, number, Map.of("name", "whisper", "runtime", "kubeai",
                "url", "hf://Systran/faster-whisper-small", "engine", "FasterWhisper",
                "features", List.of("SpeechToText"), "minReplicas", 1));
    }

    private FakeBuild serveChat(String job, int number) throws Exception {
        sim.onImage("vllm/vllm-openai:*", PodBehavior.longRunning().readyAfter(Duration.ofMillis(50)));
        return serveModel(job, number, Map.of("name", "chat", "runtime", "vllm",
                "model", "Qwen/Qwen2.5-0.5B-Instruct"));
    }

    @Test
    void aKubeAiModelAndAVllmDeploymentAreListedWithTheirModelFields() throws Exception {
        FakeBuild speech = serveWhisper("team/speech", 5);
        FakeBuild llm = serveChat("team/llm", 3);
        FunctionRunAction whisperRun = FunctionRunAction.of(speech).get(0);
        FunctionRunAction chatRun = FunctionRunAction.of(llm).get(0);
        sim.requests().reset();

        FunctionServicesAction.ServiceList list = page().getList();

        assertThat(list.getErrors()).isEmpty();
        assertThat(list.getEntries()).extracting(ServiceEntry::getName).containsExactly("chat", "whisper");
        assertThat(list.getEntries().get(0)).satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("Deployment");
            assertThat(s.getFunction()).isEqualTo("chat");
            assertThat(s.getRuntime()).isEqualTo("vllm");
            assertThat(s.getVersion()).isEqualTo(chatRun.getVersion());
            assertThat(s.getNamespace()).isEqualTo("default");
            assertThat(s.getUrl()).as("the OpenAI endpoint, as serveFunction returned it")
                    .isEqualTo("http://chat.default.svc:8000/v1").isEqualTo(chatRun.getServiceUrl());
            assertThat(s.getModel()).isEqualTo("Qwen/Qwen2.5-0.5B-Instruct");
            assertThat(s.getModelUri()).isEqualTo("Qwen/Qwen2.5-0.5B-Instruct");
            assertThat(s.getEngine()).isEqualTo("vllm");
            assertThat(s.getImage()).isEqualTo("vllm/vllm-openai:v0.8.5");
            assertThat(s.getOtherOutputs()).isEmpty();
            assertThat(s.getReadyReplicas()).isEqualTo(1);
            assertThat(s.getReplicas()).isEqualTo(1);
            assertThat(s.getBuild()).isSameAs(llm);
            assertThat(s.getRunUrl()).isEqualTo("job/team/job/llm/3/function-run-" + chatRun.getRunId() + "/");
        });
        assertThat(list.getEntries().get(1)).satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("Model");
            assertThat(s.getFunction()).isEqualTo("whisper");
            assertThat(s.getRuntime()).isEqualTo("kubeai");
            assertThat(s.getAction()).isEqualTo("serve");
            assertThat(s.getVersion()).isEqualTo(whisperRun.getVersion());
            assertThat(s.getNamespace()).isEqualTo("default");
            assertThat(s.getUrl()).isEqualTo("http://kubeai.default.svc/openai/v1");
            assertThat(s.getModel()).isEqualTo("whisper");
            assertThat(s.getModelUri()).isEqualTo("hf://Systran/faster-whisper-small");
            assertThat(s.getEngine()).isEqualTo("FasterWhisper");
            assertThat(s.getImage()).as("KubeAI chooses its own").isNull();
            assertThat(s.getOutputs()).containsEntry("features", "SpeechToText")
                    .containsEntry("url", "http://kubeai.default.svc/openai/v1");
            assertThat(s.getOtherOutputs()).containsExactly(Map.entry("features", "SpeechToText"));
            assertThat(s.getReplicas()).as("spec.minReplicas").isEqualTo(1);
            assertThat(s.getReadyReplicas()).as("status.replicas.ready").isEqualTo(1);
            assertThat(s.getBuild()).isSameAs(speech);
            assertThat(s.getBuildId()).isEqualTo("team/speech#5");
            assertThat(s.getRunId()).isEqualTo(whisperRun.getRunId());
            assertThat(s.getId()).isEqualTo("default.whisper." + whisperRun.getRunId());
        });
        assertThat(pageListsOfModels()).as("one list of Models per namespace").isEqualTo(1);
    }

    /** The lists of Models the page asked for (the engine's informer also watches them). */
    private long pageListsOfModels() {
        return sim.requests().matching("GET", MODELS).stream()
                .filter(e -> e.query() == null || !e.query().contains("watch=")).count();
    }

    @Test
    void aModelServeDeploymentShowsItsV2EndpointFrameworkAndImage() throws Exception {
        sim.onImage("seldonio/mlserver:*", PodBehavior.longRunning().readyAfter(Duration.ofMillis(50)));
        FakeBuild build = serveModel("team/iris", 2, Map.of("name", "iris", "runtime", "modelserve",
                "model", "https://models.example.com/iris/model.joblib", "framework", "sklearn"));

        assertThat(page().getList().getEntries()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("Deployment");
            assertThat(s.getUrl()).isEqualTo("http://iris.default.svc:8080/v2/models/iris");
            assertThat(s.getModel()).isEqualTo("iris");
            assertThat(s.getModelUri()).isEqualTo("https://models.example.com/iris/model.joblib");
            assertThat(s.getEngine()).isEqualTo("mlserver");
            assertThat(s.getImage()).startsWith("seldonio/mlserver:");
            assertThat(s.getOtherOutputs()).containsExactly(Map.entry("framework", "sklearn"));
            assertThat(s.getBuild()).isSameAs(build);
        });
    }

    @Test
    void aContainerServiceHasNoModelFields() throws Exception {
        serve("team/app", 4, "web");

        assertThat(page().getList().getEntries()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("Deployment");
            assertThat(s.getOutputs()).isEmpty();
            assertThat(s.getModel()).isNull();
            assertThat(s.getModelUri()).isNull();
            assertThat(s.getEngine()).isNull();
            assertThat(s.getImage()).isNull();
        });
    }

    @Test
    void withoutKubeAiTheDeploymentsAreListedAndNoModelIsAskedFor() throws Exception {
        serveChat("team/llm", 3);

        FunctionServicesAction.ServiceList list = page().getList();

        assertThat(list.getErrors()).isEmpty();
        assertThat(list.getEntries()).extracting(ServiceEntry::getName).containsExactly("chat");
        assertThat(sim.requests().count("GET", "/apis/kubeai.org/v1")).as("discovery asked").isPositive();
        assertThat(pageListsOfModels()).isZero();
        assertThat(page().getService(list.getEntries().get(0).getId())).isNotNull();
    }

    @Test
    void modelsThatCannotBeListedAreNamedAndTheDeploymentsStillShown() throws Exception {
        serveWhisper("team/speech", 5);
        serveChat("team/llm", 3);
        sim.forbid("GET", MODELS); // a Role without list on models.kubeai.org

        FunctionServicesAction.ServiceList list = page().getList();

        assertThat(list.getEntries()).extracting(ServiceEntry::getName).containsExactly("chat");
        assertThat(list.getErrors()).singleElement().asString().startsWith("namespace default, Models: ");
    }

    @Test
    void aPermittedStopOfAModelDeletesItAndMarksTheRunStopped() throws Exception {
        FakeBuild speech = serveWhisper("team/speech", 5);
        serveChat("team/llm", 3);
        mayCancel.add("team/speech");
        String id = page().getList().getEntries().get(1).getId();
        ServiceEntry entry = page().getService(id);
        assertThat(entry.getKind()).isEqualTo("Model");
        assertThat(entry.isStoppable()).isTrue();

        entry.doStop();

        FunctionRunAction run = FunctionRunAction.of(speech).get(0);
        assertThat(run.getState()).isEqualTo("STOPPED");
        assertThat(run.getReason()).isEqualTo("Stopped");
        assertThat(run.getMessage()).isEqualTo("stopped on the Function services page");
        assertThat(client.genericKubernetesResources("kubeai.org/v1", "Model").inNamespace("default")
                .withName("whisper").get()).isNull();
        assertThat(page().getList().getEntries()).extracting(ServiceEntry::getName).containsExactly("chat");
        assertThat(page().getService(id)).as("gone").isNull();
    }

    @Test
    void aModelStopWithoutThePermissionLeavesIt() throws Exception {
        FakeBuild speech = serveWhisper("team/speech", 5);
        mayCancel.add("team/llm");
        ServiceEntry entry = page().getService(page().getList().getEntries().get(0).getId());
        assertThat(entry.isStoppable()).isFalse();

        assertThatThrownBy(entry::doStop).isInstanceOf(AccessDeniedException.class);

        assertThat(client.genericKubernetesResources("kubeai.org/v1", "Model").inNamespace("default")
                .withName("whisper").get()).isNotNull();
        assertThat(FunctionRunAction.of(speech).get(0).getState()).isEqualTo("RUNNING");
    }

    @Test
    void aStaleModelIdFindsNothing() throws Exception {
        serveWhisper("team/speech", 5);
        assertThat(page().getService("default.whisper.someoldrun")).isNull();
    }
}
