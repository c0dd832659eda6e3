package io.jenkins.plugins.functions.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Run;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.kubernetes.OrphanSweeper;
import io.jenkins.plugins.functions.kubernetes.OrphanSweeper.BuildStatus;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The periodic sweep as Jenkins runs it: build lookups answered from Jenkins' builds, logged with counts. */
class OrphanSweeperWorkTest {

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;
    private final Map<String, Run<?, ?>> jenkins = new HashMap<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "functions"));
        engine = new FunctionEngine(client, EngineOptions.defaults());
        Logger.getLogger(OrphanSweeperWork.class.getName()).addHandler(handler);
    }

    @AfterEach
    void stop() {
        Logger.getLogger(OrphanSweeperWork.class.getName()).removeHandler(handler);
        engine.close();
        client.close();
        sim.close();
    }

    private Function<String, Run<?, ?>> lookup() {
        return id -> {
            asked.add(id);
            return jenkins.get(id);
        };
    }

    private void configMap(String name, String job, int build) {
        client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                .addToLabels(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                .addToLabels(RunLabels.ACTION, "job")
                .addToLabels(RunLabels.RUN_ID, name)
                .addToLabels(RunLabels.JENKINS_JOB, RunLabels.labelValue(job))
                .addToLabels(RunLabels.JENKINS_BUILD, String.valueOf(build))
                .addToLabels(RunLabels.CONTROLLER, "ctrl00000001")
                .addToAnnotations(RunLabels.JENKINS_JOB_ANNOTATION, job)
                .endMetadata().build()).create();
    }

    @Test
    void aBuildIsRunningFinishedOrGone() {
        jenkins.put("folder/my job#3", new FakeBuild("folder/my job", 3));
        jenkins.put("folder/my job#2", new FakeBuild("folder/my job", 2).finish());
        assertThat(OrphanSweeperWork.status(lookup(), "folder/my job", 3)).isEqualTo(BuildStatus.RUNNING);
        assertThat(OrphanSweeperWork.status(lookup(), "folder/my job", 2)).isEqualTo(BuildStatus.FINISHED);
        assertThat(OrphanSweeperWork.status(lookup(), "folder/my job", 1)).isEqualTo(BuildStatus.GONE);
        assertThat(OrphanSweeperWork.status(lookup(), "deleted-job", 5)).isEqualTo(BuildStatus.GONE);
        assertThat(asked).containsExactly("folder/my job#3", "folder/my job#2", "folder/my job#1", "deleted-job#5");
    }

    @Test
    void aPassAsksJenkinsByTheFullJobNameAndLogsItsCounts() {
        // the label is shortened (folder_my_job); the lookup uses the annotation's full name
        jenkins.put("folder/my job#1", new FakeBuild("folder/my job", 1).finish());
        jenkins.put("folder/my job#2", new FakeBuild("folder/my job", 2));
        configMap("of-finished", "folder/my job", 1);
        configMap("of-running", "folder/my job", 2);
        configMap("of-gone", "folder/removed", 7);
        ByteArrayOutputStream taskLog = new ByteArrayOutputStream();

        List<OrphanSweeper.Result> results = OrphanSweeperWork.sweep(Map.of(engine, Set.of("default")),
                OrphanSweeper.Options.defaults().withMinAge(Duration.ZERO).withController("ctrl00000001"), lookup(),
                new PrintStream(taskLog, true, StandardCharsets.UTF_8));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.deleted()).isEqualTo(2);
            assertThat(r.running()).isEqualTo(1);
        });
        assertThat(asked).containsExactlyInAnyOrder("folder/my job#1", "folder/my job#2", "folder/removed#7");
        assertThat(client.configMaps().inNamespace("default").list().getItems())
                .extracting(c -> c.getMetadata().getName()).containsExactly("of-running");
        assertThat(logged).singleElement().satisfies(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.INFO);
            assertThat(r.getMessage()).startsWith("Function Runtimes orphan sweep (" + sim.url())
                    .contains("deleted 2 (ConfigMap 2)").contains("kept 1 of running builds");
        });
        assertThat(taskLog.toString(StandardCharsets.UTF_8)).contains("deleted ConfigMap default/of-finished")
                .contains("deleted ConfigMap default/of-gone");
    }

    @Test
    void aLookupThatFailsKeepsTheObjectAndLogsAWarning() {
        configMap("unknown", "app", 1);
        OrphanSweeperWork.sweep(Map.of(engine, Set.of("default")),
                OrphanSweeper.Options.defaults().withMinAge(Duration.ZERO), id -> {
                    throw new IllegalArgumentException("malformed id " + id);
                }, null);
        assertThat(client.configMaps().inNamespace("default").list().getItems()).hasSize(1);
        assertThat(logged).singleElement().satisfies(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.WARNING);
            assertThat(r.getMessage()).contains("1 error(s)").contains("malformed id app#1");
        });
    }

    @Test
    void itSweepsTheNamespacesRunsUsedTheDefaultAndTheNamedAllowedOnes() {
        assertThat(OrphanSweeperWork.namespaces(engine, null, "team-*, ci ,data"))
                .as("the connection's namespace when none is configured; patterns are not listed")
                .containsExactly("functions", "ci", "data");
        assertThat(OrphanSweeperWork.namespaces(engine, "jobs", null)).containsExactly("jobs");
        assertThat(OrphanSweeperWork.namespaces(engine, "jobs", "Not A List")).containsExactly("jobs");
    }

    @Test
    void runsEveryFifteenMinutesTheFirstTimeSoonAfterAStart() {
        assertThat(new OrphanSweeperWork().getRecurrencePeriod()).isEqualTo(Duration.ofMinutes(15).toMillis());
        assertThat(new OrphanSweeperWork().getInitialDelay()).as("what a crash left goes soon")
                .isEqualTo(Duration.ofMinutes(2).toMillis());
    }
}
