package io.jenkins.plugins.functions.runtime.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.build.BuildContext;
import io.jenkins.plugins.functions.runtime.build.ContextArchive;
import io.jenkins.plugins.functions.runtime.build.ImageBuild;
import io.jenkins.plugins.functions.runtime.build.ImageReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract between the build plan and its script: the planned container's command runs with
 * its environment (paths moved under a temporary root) against a stand-in for
 * {@code buildctl-daemonless.sh} that records its arguments and pushes, or fails. Needs a POSIX
 * {@code sh} with {@code tar}, {@code awk}, {@code sed}; skipped without one.
 */
class BuildScriptTest {

    private static final String DESTINATION = "harbor.example.com/team/web:1.0";
    private static final String DIGEST = "sha256:" + "0a".repeat(32);
    private static final ContainerRuntime CONTAINER = new ContainerRuntime();

    @TempDir
    Path root;

    private record Result(int exitCode, String log, String buildctlArgs, Map<?, ?> message) {
    }

    private Result run(Plan plan, String fakeBuildctl) throws Exception {
        Container builder = ((Job) plan.workload()).getSpec().getTemplate().getSpec().getContainers().get(0);
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path buildctl = bin.resolve("buildctl-daemonless.sh");
        Files.writeString(buildctl, "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"" + root.resolve("args") + "\"\n"
                + fakeBuildctl);
        Files.setPosixFilePermissions(buildctl, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder(builder.getCommand()).redirectErrorStream(true)
                .redirectOutput(root.resolve("log").toFile());
        Map<String, String> env = pb.environment();
        for (EnvVar e : builder.getEnv()) {
            env.put(e.getName(), e.getValue());
        }
        Path home = Files.createDirectories(root.resolve("home"));
        env.put("HOME", home.toString());
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        env.put("FUNCTION_TERMINATION_LOG", root.resolve("termination-log").toString());
        if (env.containsKey("BUILD_CONTEXT_ARCHIVE")) {
            ConfigMap context = (ConfigMap) plan.objects().get(1);
            Path archive = root.resolve(ImageBuildPlans.CONTEXT_KEY);
            Files.write(archive, Base64.getDecoder().decode(context.getBinaryData().get(ImageBuildPlans.CONTEXT_KEY)));
            env.put("BUILD_CONTEXT_ARCHIVE", archive.toString());
        }
        Process process = pb.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Path message = root.resolve("termination-log");
        Path args = root.resolve("args");
        return new Result(process.exitValue(), Files.readString(root.resolve("log")),
                Files.exists(args) ? Files.readString(args) : "",
                Files.exists(message) ? new ObjectMapper().readValue(message.toFile(), Map.class) : Map.of());
    }

    private static Plan plan(BuildContext context, String dockerfile) throws Exception {
        return CONTAINER.plan(ImageBuildPlansTest.request(ImageBuildPlansTest.containerFunction(DESTINATION),
                new ImageBuild(ImageReference.parse("image", DESTINATION), context, dockerfile,
                        Map.of("VERSION", "1.0 \"final\""), null, null)).build());
    }

    private static BuildContext.Archive archive() throws Exception {
        return new ContextArchive("context", "workspace folder 'app'")
                .add("docker/Dockerfile.prod", "FROM busybox:1.36\n").add("hello.txt", "hello\n").pack();
    }

    private static boolean shellTools() {
        for (String tool : List.of("sh", "tar", "awk", "sed", "grep", "tee", "tail", "tr")) {
            boolean found = false;
            for (String dir : System.getenv("PATH").split(":")) {
                found |= Files.isExecutable(Path.of(dir, tool));
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    @Test
    void aPackedContextIsUnpackedBuiltAndItsDigestWrittenAsTheOutputs() throws Exception {
        assumeTrue(shellTools(), "no POSIX shell tools on the PATH");
        Result r = run(plan(archive(), "docker/Dockerfile.prod"), """
                echo "#1 [internal] load build definition from Dockerfile.prod"
                ls "$HOME/.function-build/context" > "$HOME/unpacked"
                while [ $# -gt 0 ]; do [ "$1" = --metadata-file ] && meta=$2; shift; done
                printf '{\\n  "containerimage.digest": "%s",\\n  "image.name": "x"\\n}' "%s" > "$meta"
                """.formatted("%s", DIGEST));

        assertThat(r.exitCode()).as(r.log()).isZero();
        assertThat(r.message()).isEqualTo(Map.of("image", DESTINATION + "@" + DIGEST, "digest", DIGEST));
        Path context = root.resolve("home/.function-build/context");
        assertThat(r.buildctlArgs().lines()).containsSubsequence("build", "--frontend", "dockerfile.v0")
                .contains("--output", "type=image,name=" + DESTINATION + ",push=true",
                        "build-arg:VERSION=1.0 \"final\"", "context=" + context,
                        "dockerfile=" + context.resolve("docker"), "filename=Dockerfile.prod");
        assertThat(Files.readString(root.resolve("home/unpacked"))).contains("docker", "hello.txt");
        assertThat(r.log()).contains("[build] building " + DESTINATION, "[build] pushed " + DESTINATION + "@" + DIGEST);
    }

    @Test
    void aFailedBuildExitsWithBuildctlsCodeAndTheLogsTailAsValidJson() throws Exception {
        assumeTrue(shellTools(), "no POSIX shell tools on the PATH");
        Result r = run(plan(archive(), "docker/Dockerfile.prod"), """
                i=0; while [ $i -lt 40 ]; do echo "#$i step"; i=$((i+1)); done
                printf 'ERROR: failed to solve: "quoted" \\\\back\\tslash\\n'
                exit 3
                """);

        assertThat(r.exitCode()).isEqualTo(3);
        String error = (String) r.message().get("error");
        assertThat(error).contains("ERROR: failed to solve: \"quoted\" \\back slash",
                "[build] error: the build failed (buildctl exit code 3)").doesNotContain("#5 step");
        assertThat(error.lines().count()).isLessThanOrEqualTo(21);
    }

    @Test
    void aGitContextIsHandedToBuildKitAndAMissingDockerfileInAnArchiveStopsBeforeIt() throws Exception {
        assumeTrue(shellTools(), "no POSIX shell tools on the PATH");
        Result git = run(plan(new BuildContext.GitRepository("https://github.com/org/web.git", "v1.2", "app"), null),
                "exit 0\n");
        assertThat(git.buildctlArgs().lines()).contains("context=https://github.com/org/web.git#v1.2:app",
                "filename=Dockerfile");
        assertThat(git.exitCode()).isEqualTo(1);
        assertThat((String) git.message().get("error")).contains("the build pushed no image digest");

        Files.delete(root.resolve("args"));
        Result missing = run(plan(archive(), "Dockerfile"), "exit 0\n");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.buildctlArgs()).as("buildctl never ran").isEmpty();
        assertThat((String) missing.message().get("error")).contains("the context has no Dockerfile");
    }
}
