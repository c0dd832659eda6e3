package io.jenkins.plugins.functions.jenkins.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFilesTest {

    @TempDir
    Path buildDir;

    @Test
    void manifestsKeepEverythingButTheValuesOfSecrets() throws Exception {
        RunFiles files = new RunFiles(buildDir);
        files.writeManifests("abc", List.of(
                new ConfigMapBuilder().withNewMetadata().withName("code").endMetadata().addToData("main.py", "print(1)")
                        .build(),
                new SecretBuilder().withNewMetadata().withName("creds").endMetadata()
                        .addToData("token", "aHVudGVyMg==").addToStringData("password", "hunter2").build()));

        String yaml = files.readManifests("abc");
        assertThat(yaml).contains("kind: \"ConfigMap\"").contains("print(1)").contains("kind: \"Secret\"")
                .contains("token: \"(redacted)\"").contains("password: \"(redacted)\"")
                .doesNotContain("hunter2").doesNotContain("aHVudGVyMg==");
        assertThat(buildDir.resolve("function-runs/abc.manifests.yaml")).exists();
        assertThat(files.readManifests("other")).isNull();
    }

    @Test
    void aRecordIsWrittenWholeAndReadBack() throws Exception {
        RunFiles files = new RunFiles(buildDir);
        RunRecord record = new RunRecord("r1", "serve", "web", 1_000L);
        record.resolved("web", "0123456789abcdef", "container", "team-a", "{\"image\":\"nginx\"}", "{\"a\":1}", 2_000L);
        record.addObject("Deployment", "team-a", "web");
        record.addObject("Service", "team-a", "web");
        record.launching("Deployment", "team-a", "web", 600_000L, List.of("gh-token"));
        record.transition(RunState.READY, 3_000L, null);
        record.finish(new RunOutcome(RunState.RUNNING, null, "Available", "the service is available",
                Map.of("url", "http://web.team-a.svc:8080"), null, Instant.ofEpochMilli(4_000L)), "{\"url\":\"x\"}");
        BuildTrigger trigger = BuildTrigger.of(List.of(), Map.of("GIT_COMMIT", "abc1234def"));

        long bytes = files.writeRecord(new StoredRun(record, trigger));

        assertThat(bytes).isPositive();
        assertThat(files.recordedRuns()).containsExactly("r1");
        StoredRun back = files.readRecord("r1");
        RunRecord r = back.record();
        assertThat(back.format()).isEqualTo(1);
        assertThat(back.trigger().getCommit()).isEqualTo("abc1234def");
        assertThat(r.getRunId()).isEqualTo("r1");
        assertThat(r.getAction()).isEqualTo("serve");
        assertThat(r.getFunctionVersion()).isEqualTo("0123456789abcdef");
        assertThat(r.getObjects()).extracting(Object::toString).containsExactly("Deployment team-a/web", "Service team-a/web");
        assertThat(r.getWorkload()).hasToString("Deployment team-a/web");
        assertThat(r.getReadyWaitMillis()).isEqualTo(600_000L);
        assertThat(r.getCredentialIds()).containsExactly("gh-token");
        assertThat(r.getTransitions()).extracting(RunRecord.Transition::getState)
                .containsExactly(RunState.CREATED, RunState.BUILT, RunState.READY, RunState.RUNNING);
        assertThat(r.getState()).isEqualTo(RunState.RUNNING);
        assertThat(r.isFinished()).as("a service whose start ended").isTrue();
        assertThat(r.getOutputs()).isEqualTo("{\"url\":\"x\"}");
        assertThat(buildDir.resolve("function-runs")).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void aRecordOfALaterVersionStillLoadsAndABrokenOneIsNone() throws Exception {
        RunFiles files = new RunFiles(buildDir);
        Files.createDirectories(buildDir.resolve("function-runs"));
        Files.writeString(buildDir.resolve("function-runs/r2.json"), "{\"format\":2,\"later\":true,\"record\":"
                + "{\"runId\":\"r2\",\"action\":\"job\",\"functionName\":\"f\",\"state\":\"COMPLETED\","
                + "\"transitions\":[],\"objects\":[],\"somethingNew\":[1,2]}}");
        Files.writeString(buildDir.resolve("function-runs/r3.json"), "{\"record\":");

        assertThat(files.readRecord("r2").record().getState()).isEqualTo(RunState.COMPLETED);
        assertThat(files.readRecord("r3")).isNull();
        assertThat(files.readRecord("r4")).isNull();
        assertThat(files.recordedRuns()).containsExactly("r2", "r3");
    }

    @Test
    void longOutputsOfEarlierVersionsAreReadFromTheirFile() throws Exception {
        RunFiles files = new RunFiles(buildDir);
        Files.createDirectories(buildDir.resolve("function-runs"));
        Files.writeString(buildDir.resolve("function-runs/r2.outputs.json"), "{\"a\":1}");
        assertThat(files.readOutputs("r2")).isEqualTo("{\"a\":1}");
        assertThat(files.readOutputs("r5")).isNull();
    }
}
