package io.jenkins.plugins.functions.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;

import com.dabsquared.gitlabjenkins.cause.GitLabWebHookCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.jenkins.FakeStepContext;
import io.jenkins.plugins.functions.jenkins.history.BuildTrigger;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.jenkins.history.RunFiles;
import io.jenkins.plugins.functions.jenkins.history.StateTransition;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a run leaves for its history, through the real step path against the simulator: the
 * trigger of its build, the commit label on its workload, the log position, the rendered
 * manifests beside the build and long outputs in a file.
 */
class RunHistoryStepTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;
    private Clusters.Resolver previous;
    private final Map<String, String> podLabels = new ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        sim.onPodStatusWritten(w -> podLabels.putAll(w.labels()));
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        engine = new FunctionEngine(client, EngineOptions.defaults().withLogDrainTimeout(Duration.ofSeconds(5)));
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

    private static FakeBuild freshBuild(String job, int number) throws IOException {
        FakeBuild build = new FakeBuild(job, number);
        Path dir = build.getRootDir().toPath();
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        return build;
    }

    private static RunFunctionStep hello(String image) {
        RunFunctionStep step = new RunFunctionStep();
        step.setName("hello");
        step.setRuntime("container");
        step.setImage(image);
        return step;
    }

    @Test
    void aGitLabTriggeredRunRecordsItsTriggerLabelsItsPodsWithTheCommitAndKeepsItsManifests() throws Exception {
        sim.onImage("example.com/hello:1", PodBehavior.succeed().log("hi"));
        FakeBuild build = freshBuild("team/app", 31).withCauses(new GitLabWebHookCause());
        Files.writeString(build.getRootDir().toPath().resolve("log"), "Started by GitLab\n", StandardCharsets.UTF_8);
        FakeStepContext context = new FakeStepContext(build, null).withEnv(Map.of(
                "gitlabSourceBranch", "feature/login", "gitlabTargetBranch", "main",
                "gitlabMergeRequestIid", "12", "gitlabActionType", "MERGE", "gitlabUserName", "Ada Lovelace",
                "gitlabUserUsername", "ada", "gitlabMergeRequestLastCommit", SHA, "SECRET_TOKEN", "hunter2"));

        hello("example.com/hello:1").start(context).start();
        context.await(WAIT);

        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        BuildTrigger trigger = run.getTrigger();
        assertThat(trigger.getKind()).isEqualTo("gitlab");
        assertThat(trigger.getBranch()).isEqualTo("feature/login");
        assertThat(trigger.getTargetBranch()).isEqualTo("main");
        assertThat(trigger.getMergeRequest()).isEqualTo("12");
        assertThat(trigger.getUserName()).isEqualTo("Ada Lovelace");
        assertThat(trigger.getCommit()).isEqualTo(SHA);
        assertThat(trigger.getSummary()).isEqualTo("GitLab merge request !12 (feature/login → main) by Ada Lovelace"
                + " at 0123456789ab");
        assertThat(trigger.toString()).doesNotContain("hunter2");
        assertThat(podLabels).containsEntry(RunLabels.GIT_COMMIT, SHA);

        assertThat(run.getLogOffset()).as("the log's size when the run started").isEqualTo(18L);
        assertThat(run.getLogUrl()).isEqualTo("job/team/job/app/31/logText/progressiveText?start=18");
        assertThat(run.getUrl()).isEqualTo("job/team/job/app/31/function-run-" + run.getRunId() + "/");
        assertThat(run.getManifests()).contains("kind: \"Job\"").contains("name: \"hello-" + run.getRunId() + "\"")
                .contains(RunLabels.GIT_COMMIT);
        assertThat(run.getKubernetesObjects()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("Job");
            assertThat(o.getNamespace()).isEqualTo("default");
            assertThat(o.getName()).isEqualTo("hello-" + run.getRunId());
        });
    }

    @Test
    void aRunWithoutCommitOrLogFileHasNoCommitLabelAndLinksToTheConsole() throws Exception {
        sim.onImage("example.com/hello:1", PodBehavior.succeed());
        FakeBuild build = freshBuild("team/app", 32).withoutLogFile();
        FakeStepContext context = new FakeStepContext(build, null);

        hello("example.com/hello:1").start(context).start();
        context.await(WAIT);

        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        assertThat(run.getTrigger().getKind()).isEqualTo("other");
        assertThat(run.getTrigger().getCommit()).isNull();
        assertThat(podLabels).containsKey(RunLabels.RUN_ID).doesNotContainKey(RunLabels.GIT_COMMIT);
        assertThat(run.getLogOffset()).isNull();
        assertThat(run.getLogUrl()).isEqualTo("job/team/job/app/32/console");
    }

    @Test
    void theWholeRecordIsInItsFileBuildXmlKeepsTheSummary() throws Exception {
        String big = "x".repeat(8192);
        sim.onImage("example.com/hello:1", PodBehavior.succeed().terminationMessage("{\"report\":\"" + big + "\"}"));
        FakeBuild build = freshBuild("team/app", 33);
        FakeStepContext context = new FakeStepContext(build, null);

        hello("example.com/hello:1").start(context).start();
        context.await(WAIT);
        build.save();

        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        assertThat(run.getOutputs()).containsEntry("report", big);
        Path dir = build.getRootDir().toPath();
        assertThat(Files.readString(dir.resolve("function-runs/" + run.getRunId() + ".json"))).contains(big)
                .contains("\"transitions\"");
        String xml = Files.readString(dir.resolve("build.xml"));
        assertThat(xml).doesNotContain(big).doesNotContain("transitions").contains("<summary>")
                .contains("<state>COMPLETED</state>");

        FakeBuild loaded = FakeBuild.load("team/app", 33, build.getRootDir());
        FunctionRunAction back = FunctionRunAction.of(loaded).get(0);
        assertThat(back.getOutputs()).containsEntry("report", big);
        assertThat(back.getTransitions()).extracting(StateTransition::getState)
                .containsExactly("CREATED", "BUILT", "READY", "PENDING", "RUNNING", "COMPLETED");
    }

    @Test
    void eachRunOfABuildHasItsOwnPageAndManifests() throws Exception {
        sim.onImage("example.com/hello:1", PodBehavior.succeed());
        FakeBuild build = freshBuild("team/app", 34);
        FakeStepContext first = new FakeStepContext(build, null);
        FakeStepContext second = new FakeStepContext(build, null);

        hello("example.com/hello:1").start(first).start();
        RunFunctionStep other = hello("example.com/hello:1");
        other.setName("goodbye");
        other.start(second).start();
        first.await(WAIT);
        second.await(WAIT);

        var runs = FunctionRunAction.of(build);
        assertThat(runs).hasSize(2);
        assertThat(runs).extracting(FunctionRunAction::getUrlName).doesNotHaveDuplicates()
                .allSatisfy(u -> assertThat(u).startsWith("function-run-"));
        assertThat(runs.get(0).getManifests()).contains("hello-" + runs.get(0).getRunId())
                .doesNotContain(runs.get(1).getRunId());
        assertThat(runs.get(1).getManifests()).contains("goodbye-" + runs.get(1).getRunId());
    }
}
