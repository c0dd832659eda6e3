package io.jenkins.plugins.functions.kubernetes;

import static io.jenkins.plugins.functions.kubernetes.FunctionEngineTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.kubernetes.OrphanSweeper.BuildStatus;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import io.jenkins.plugins.functions.testing.RequestLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The orphan sweeper against the cluster simulation: what it removes, what it keeps, and how
 * little it asks of the API server.
 */
class OrphanSweeperTest {

    private static final String CONTROLLER = "ctrl00000001";
    private static final String IMAGE = "example.com/forever:1";

    private ClusterSimulator sim;
    private KubernetesClient client;
    /** Builds by {@code job#number}: a missing entry is a build that is gone. */
    private final Map<String, BuildStatus> builds = new ConcurrentHashMap<>();
    private final List<String> lookups = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        sim.onImage(IMAGE, PodBehavior.succeed().runForever());
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
    }

    @AfterEach
    void stop() {
        client.close();
        sim.close();
    }

    private OrphanSweeper.Builds jenkins() {
        return (job, number, runId) -> {
            lookups.add(job + "#" + number);
            return builds.getOrDefault(job + "#" + number, BuildStatus.GONE);
        };
    }

    /** A sweeper whose clock is an hour ahead: everything created now is old enough. */
    private OrphanSweeper sweeper(OrphanSweeper.Options options, Set<String> followed) {
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofHours(1)), ZoneOffset.UTC);
        return new OrphanSweeper(client, options, later, followed::contains);
    }

    private static OrphanSweeper.Options options() {
        return OrphanSweeper.Options.defaults().withController(CONTROLLER);
    }

    /** The metadata a run from Jenkins gives its objects. */
    private static ObjectMeta meta(String name, String job, int build, String action, String controller) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(RunLabels.MANAGED_BY, RunLabels.MANAGER);
        labels.put(RunLabels.FUNCTION, "hello");
        labels.put(RunLabels.ACTION, action);
        labels.put(RunLabels.RUN_ID, name);
        labels.put(RunLabels.JENKINS_JOB, RunLabels.labelValue(job));
        labels.put(RunLabels.JENKINS_BUILD, String.valueOf(build));
        if (controller != null) {
            labels.put(RunLabels.CONTROLLER, controller);
        }
        return new ObjectMetaBuilder().withName(name).withLabels(labels)
                .withAnnotations(Map.of(RunLabels.JENKINS_JOB_ANNOTATION, job)).build();
    }

    private void job(String namespace, ObjectMeta meta) {
        client.batch().v1().jobs().inNamespace(namespace).resource(new JobBuilder().withMetadata(meta)
                .withNewSpec().withBackoffLimit(0).withNewTemplate()
                .withNewMetadata().withLabels(meta.getLabels()).endMetadata()
                .withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("function").withImage(IMAGE).endContainer()
                .endSpec().endTemplate().endSpec().build()).create();
    }

    private void secret(String namespace, ObjectMeta meta) {
        client.secrets().inNamespace(namespace).resource(new SecretBuilder().withMetadata(meta)
                .addToStringData("k", "v").build()).create();
    }

    private void configMap(String namespace, ObjectMeta meta) {
        client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withMetadata(meta)
                .addToData("k", "v").build()).create();
    }

    private List<String> names(List<? extends HasMetadata> items) {
        return items.stream().map(o -> o.getMetadata().getName()).sorted().toList();
    }

    private List<String> jobs(String namespace) {
        return names(client.batch().v1().jobs().inNamespace(namespace).list().getItems());
    }

    @Test
    void removesTheObjectsOfFinishedAndGoneBuildsOnly() {
        builds.put("team/app#1", BuildStatus.FINISHED);
        builds.put("team/app#3", BuildStatus.RUNNING);
        job("default", meta("finished", "team/app", 1, "job", CONTROLLER));
        job("default", meta("gone", "team/app", 2, "job", CONTROLLER));
        job("default", meta("running", "team/app", 3, "job", CONTROLLER));
        job("default", meta("service", "team/app", 1, "serve", CONTROLLER));
        job("default", meta("deployed", "team/app", 2, "deploy", CONTROLLER));
        job("default", meta("followed", "team/app", 1, "job", CONTROLLER));
        job("default", meta("other-controller", "team/app", 1, "job", "ctrl99999999"));
        ObjectMeta cli = meta("from-cli", "team/app", 1, "job", CONTROLLER);
        cli.setAnnotations(Map.of());
        job("default", cli);
        secret("default", meta("secret-of-finished", "team/app", 1, "job", CONTROLLER));
        configMap("default", meta("config-of-gone", "team/app", 2, "job", CONTROLLER));
        configMap("default", new ObjectMetaBuilder().withName("not-ours").build());
        eventually(() -> client.pods().inNamespace("default").list().getItems().size() == 8, "the Jobs' pods exist");
        sim.requests().reset();

        OrphanSweeper.Result result = sweeper(options(), Set.of("followed")).sweep(List.of("default"), jenkins());
        List<String> sent = sim.requests().lines();

        assertThat(result.deletedObjects()).containsExactlyInAnyOrder("Job default/finished", "Job default/gone",
                "Secret default/secret-of-finished", "ConfigMap default/config-of-gone");
        assertThat(result.deletedByKind()).containsEntry("Job", 2).containsEntry("Secret", 1)
                .containsEntry("ConfigMap", 1);
        assertThat(result.running()).isEqualTo(1);
        // serve and deploy: a real API server excludes both on its side; the mock applies only one
        // of two requirements on the same key, and judge() keeps the other
        assertThat(result.services()).isBetween(0, 1);
        assertThat(result.active()).isEqualTo(1);
        assertThat(result.unattributed()).isEqualTo(1);
        assertThat(result.errors()).isEmpty();
        assertThat(result.deletionCapReached()).isFalse();
        assertThat(result.toString()).contains("deleted 4 (Job 2, Secret 1, ConfigMap 1)")
                .contains("kept 1 of running builds");
        assertThat(jobs("default")).containsExactly("deployed", "followed", "from-cli", "other-controller", "running",
                "service");
        assertThat(names(client.configMaps().inNamespace("default").list().getItems())).contains("not-ours")
                .doesNotContain("config-of-gone");
        // one lookup per build, not per object; builds of services and foreign objects never asked
        assertThat(lookups).containsExactlyInAnyOrder("team/app#1", "team/app#2", "team/app#3");
        // background propagation: the deleted Jobs' pods go too, the others stay
        eventually(() -> client.pods().inNamespace("default").list().getItems().size() == 6,
                "the pods of the deleted Jobs are garbage-collected");

        // the pass itself: one list per kind (all fit on a page), one delete per orphan
        assertThat(sent).hasSize(7);
        assertThat(sent.subList(0, 1)).singleElement().asString()
                .startsWith("GET /apis/batch/v1/namespaces/default/jobs?").contains("limit=100").contains("labelSelector=");
        assertThat(sent).filteredOn(l -> l.startsWith("GET /api/v1/namespaces/default/secrets?")).hasSize(1);
        assertThat(sent).filteredOn(l -> l.startsWith("GET /api/v1/namespaces/default/configmaps?")).hasSize(1);
        assertThat(sent).filteredOn(l -> l.startsWith("DELETE ")).containsExactlyInAnyOrder(
                "DELETE /apis/batch/v1/namespaces/default/jobs/finished",
                "DELETE /apis/batch/v1/namespaces/default/jobs/gone",
                "DELETE /api/v1/namespaces/default/secrets/secret-of-finished",
                "DELETE /api/v1/namespaces/default/configmaps/config-of-gone");
    }

    @Test
    void theSelectorKeepsServicesAndOtherControllersOnTheServer() {
        String selector = sweeper(options(), Set.of()).selector();
        assertThat(selector).isEqualTo("app.kubernetes.io/managed-by=function-runtimes,functions.jenkins.io/jenkins-build,"
                + "functions.jenkins.io/action!=deploy,functions.jenkins.io/action!=serve,"
                + "functions.jenkins.io/controller=" + CONTROLLER);
        assertThat(sweeper(OrphanSweeper.Options.defaults(), Set.of()).selector()).doesNotContain("controller");
    }

    @Test
    void withoutAControllerEveryJenkinsRunIsJudged() {
        job("default", meta("mine", "app", 1, "job", CONTROLLER));
        job("default", meta("theirs", "app", 1, "job", "ctrl99999999"));
        job("default", meta("unlabelled", "app", 1, "job", null));
        OrphanSweeper.Result result = sweeper(OrphanSweeper.Options.defaults(), Set.of())
                .sweep(List.of("default"), jenkins());
        assertThat(result.deleted()).isEqualTo(3);
        assertThat(jobs("default")).isEmpty();
    }

    @Test
    void aJustStartedRunIsNeverSwept() {
        job("default", meta("young", "app", 7, "job", CONTROLLER));
        sim.requests().reset();
        // the real clock: the Job is seconds old, the minimum age ten minutes
        OrphanSweeper sweeper = new OrphanSweeper(client, options(), Clock.systemUTC(), id -> false);

        OrphanSweeper.Result result = sweeper.sweep(List.of("default"), jenkins());

        assertThat(result.young()).isEqualTo(1);
        assertThat(result.deleted()).isZero();
        assertThat(lookups).as("no build lookup for a young object").isEmpty();
        assertThat(sim.requests().count("DELETE", "/**")).isZero();
        assertThat(jobs("default")).containsExactly("young");
    }

    @Test
    void aServiceOutlivesItsBuildEvenIfTheSelectorIsIgnored() {
        // The simulator honours '!=' selectors; judge() checks the action again, so a service is
        // kept even where a selector matched more than it should.
        OrphanSweeper sweeper = sweeper(options(), Set.of());
        configMap("default", meta("service-config", "app", 1, "serve", CONTROLLER));
        OrphanSweeper.Result result = sweeper.sweep(List.of("default"), jenkins());
        assertThat(result.deleted()).isZero();
        assertThat(names(client.configMaps().inNamespace("default").list().getItems())).contains("service-config");
    }

    @Test
    void listsPageByPageAndSweepsEveryPage() {
        int total = 250;
        List<String> finished = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            String name = String.format("cm-%03d", i);
            int build = i + 1;
            // every fifth object belongs to a finished build, the others to running builds
            builds.put("app#" + build, i % 5 == 0 ? BuildStatus.FINISHED : BuildStatus.RUNNING);
            if (i % 5 == 0) {
                finished.add(name);
            }
            configMap("default", meta(name, "app", build, "job", CONTROLLER));
        }
        sim.requests().reset();

        OrphanSweeper.Result result = sweeper(options(), Set.of()).sweep(List.of("default"), jenkins());

        assertThat(result.listed()).isEqualTo(total);
        assertThat(result.deleted()).isEqualTo(50);
        assertThat(result.running()).isEqualTo(200);
        assertThat(result.deletedObjects()).containsExactlyInAnyOrderElementsOf(
                finished.stream().map(n -> "ConfigMap default/" + n).toList());
        List<RequestLog.Entry> pages = sim.requests().matching("GET", "/api/v1/namespaces/default/configmaps");
        assertThat(pages).as("250 objects at 100 per page").hasSize(3);
        assertThat(pages).allSatisfy(p -> assertThat(p.query()).contains("limit=100"));
        assertThat(pages.get(0).query()).doesNotContain("continue=");
        assertThat(pages.get(1).query()).contains("continue=");
        assertThat(client.configMaps().inNamespace("default").list().getItems()).hasSize(200);
    }

    @Test
    void deletionsPerPassAreCapped() {
        for (int i = 0; i < 30; i++) {
            configMap("default", meta(String.format("old-%02d", i), "app", i + 1, "job", CONTROLLER));
        }
        OrphanSweeper sweeper = sweeper(options().withMaxDeletions(10).withPageSize(7), Set.of());

        OrphanSweeper.Result first = sweeper.sweep(List.of("default"), jenkins());
        assertThat(first.deleted()).isEqualTo(10);
        assertThat(first.deletionCapReached()).isTrue();
        assertThat(first.toString()).contains("deletion cap reached");
        assertThat(client.configMaps().inNamespace("default").list().getItems()).hasSize(20);

        assertThat(sweeper.sweep(List.of("default"), jenkins()).deleted()).isEqualTo(10);
        OrphanSweeper.Result third = sweeper.sweep(List.of("default"), jenkins());
        assertThat(third.deleted()).isEqualTo(10);
        assertThat(third.deletionCapReached()).as("exactly the cap, nothing left over").isFalse();
        assertThat(client.configMaps().inNamespace("default").list().getItems()).isEmpty();
    }

    @Test
    void listingPerPassIsCapped() {
        for (int i = 0; i < 12; i++) {
            builds.put("app#" + (i + 1), BuildStatus.RUNNING);
            configMap("default", meta(String.format("live-%02d", i), "app", i + 1, "job", CONTROLLER));
        }
        sim.requests().reset();
        OrphanSweeper.Result result = sweeper(options().withPageSize(5).withMaxListed(8), Set.of())
                .sweep(List.of("default"), jenkins());
        assertThat(result.listed()).isEqualTo(8);
        assertThat(result.listCapReached()).isTrue();
        // jobs and secrets (empty) one request each, then configmaps: a page of 5, a page of 3
        assertThat(sim.requests().matching("GET", "/api/v1/namespaces/default/configmaps"))
                .extracting(RequestLog.Entry::query).satisfiesExactly(
                        q -> assertThat(q).contains("limit=5"), q -> assertThat(q).contains("limit=3"));
    }

    @Test
    void sweepsEveryNamespaceItIsGivenAndReportsRefusals() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team-a").endMetadata().build())
                .create();
        configMap("default", meta("a", "app", 1, "job", CONTROLLER));
        configMap("team-a", meta("b", "app", 1, "job", CONTROLLER));
        OrphanSweeper.Result result = sweeper(options(), Set.of()).sweep(List.of("default", "team-a"), jenkins());
        assertThat(result.namespaces()).containsExactly("default", "team-a");
        assertThat(result.deletedObjects()).containsExactlyInAnyOrder("ConfigMap default/a", "ConfigMap team-a/b");
    }

    @Test
    void secretsAndConfigMapsTheAccountMayNotListAreSkippedQuietly() {
        sim.forbid("GET", "/api/v1/namespaces/*/secrets").forbid("GET", "/api/v1/namespaces/*/configmaps");
        job("default", meta("finished", "app", 1, "job", CONTROLLER));
        builds.put("app#1", BuildStatus.FINISHED);
        OrphanSweeper.Result result = sweeper(options(), Set.of()).sweep(List.of("default"), jenkins());
        assertThat(result.deletedObjects()).containsExactly("Job default/finished");
        assertThat(result.errors()).isEmpty();
        assertThat(result.notAllowed()).containsExactly("Secrets in default", "ConfigMaps in default");
        assertThat(result.toString()).contains("not allowed to list Secrets in default, ConfigMaps in default");
    }

    @Test
    void jobsTheAccountMayNotListAreAnError() {
        sim.forbid("GET", "/apis/batch/v1/namespaces/*/jobs");
        OrphanSweeper.Result result = sweeper(options(), Set.of()).sweep(List.of("default"), jenkins());
        assertThat(result.errors()).singleElement().asString().startsWith("cannot list Jobs in namespace 'default': ")
                .contains("HTTP 403");
    }

    @Test
    void aBuildLookupThatFailsKeepsTheObjects() {
        configMap("default", meta("unknown", "app", 1, "job", CONTROLLER));
        OrphanSweeper.Result result = sweeper(options(), Set.of()).sweep(List.of("default"), (job, n, runId) -> {
            throw new IllegalStateException("Jenkins is starting");
        });
        assertThat(result.deleted()).isZero();
        assertThat(result.errors()).singleElement().asString().contains("app#1").contains("Jenkins is starting");
        assertThat(names(client.configMaps().inNamespace("default").list().getItems())).contains("unknown");
    }

    @Test
    void theEngineNeverSweepsARunItFollows() throws Exception {
        FunctionEngine engine = new FunctionEngine(client, EngineOptions.defaults());
        try {
            var plan = FunctionEngineTest.plan(IMAGE, null);
            // a run from "Jenkins": same labels as the step gives it, its build reported finished
            RecordingListener listener = new RecordingListener();
            RunHandle handle = engine.start(withOrigin(plan), listener);
            listener.awaitRunning(Duration.ofSeconds(30));
            builds.put("app#1", BuildStatus.FINISHED);

            OrphanSweeper.Result result = engine.sweepOrphans(List.of("default"), jenkins(),
                    OrphanSweeper.Options.defaults().withMinAge(Duration.ZERO));

            assertThat(result.active()).isEqualTo(1);
            assertThat(result.deleted()).isZero();
            assertThat(engine.namespacesUsed()).containsExactly("default");
            handle.stop("done");
            RunOutcome outcome = listener.await(Duration.ofSeconds(30));
            assertThat(outcome.state()).isEqualTo(RunState.STOPPED);
        } finally {
            engine.close();
        }
    }

    private static io.jenkins.plugins.functions.runtime.Plan withOrigin(io.jenkins.plugins.functions.runtime.Plan plan)
            throws Exception {
        var request = io.jenkins.plugins.functions.runtime.RunRequest.builder(plan.request().function(),
                        plan.request().action())
                .runId(plan.request().runId()).namespace("default")
                .origin(Map.of(RunLabels.JENKINS_JOB, "app", RunLabels.JENKINS_BUILD, "1"))
                .annotations(Map.of(RunLabels.JENKINS_JOB_ANNOTATION, "app"))
                .build();
        return new io.jenkins.plugins.functions.runtime.impl.ContainerRuntime().plan(request);
    }
}
