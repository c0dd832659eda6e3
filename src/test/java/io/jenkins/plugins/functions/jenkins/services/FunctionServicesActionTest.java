package io.jenkins.plugins.functions.jenkins.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.model.Run;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.jenkins.FakeStepContext;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.jenkins.steps.ServeFunctionStep;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
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
 * and goes through the engine's stopService, moving the serving run to STOPPED.
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
}
