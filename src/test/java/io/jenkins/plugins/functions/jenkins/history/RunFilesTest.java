package io.jenkins.plugins.functions.jenkins.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    void shortOutputsStayInTheRecordLongOnesGoToAFile() throws Exception {
        RunFiles files = new RunFiles(buildDir);
        assertThat(files.keepOutputs("r1", "{\"a\":1}")).isEqualTo("{\"a\":1}");
        assertThat(files.keepOutputs("r1", null)).isNull();
        assertThat(buildDir.resolve("function-runs/r1.outputs.json")).doesNotExist();

        String big = "{\"a\":\"" + "x".repeat(RunFiles.MAX_INLINE_OUTPUTS) + "\"}";
        assertThat(files.keepOutputs("r2", big)).isNull();
        assertThat(files.readOutputs("r2")).isEqualTo(big);
        assertThat(Files.readString(buildDir.resolve("function-runs/r2.outputs.json"))).isEqualTo(big);
    }
}
