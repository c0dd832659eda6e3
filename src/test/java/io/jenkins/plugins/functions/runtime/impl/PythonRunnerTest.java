package io.jenkins.plugins.functions.runtime.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.spec.FunctionSpecReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the runner's own tests ({@code src/test/python/runner_test.py}, and
 * {@code runner_serve_test.py} for its server mode) with {@code python3}, so
 * that {@code mvn verify} runs them, against the runner as the plugin ships it. Skipped when
 * there is no {@code python3} of at least 3.10 on the PATH.
 */
class PythonRunnerTest {

    private static final Path TESTS = Path.of(System.getProperty("basedir", "."), "src", "test", "python");

    @Test
    void theRunnersTestsPass(@TempDir Path tmp) throws Exception {
        assumeTrue(python3AtLeast310(), "python3 (3.10 or newer) is not on the PATH");
        Path runner = tmp.resolve("runner.py");
        Files.writeString(runner, PythonRuntime.runner(), StandardCharsets.UTF_8);
        Path log = tmp.resolve("unittest.log");

        ProcessBuilder pb = new ProcessBuilder("python3", "-m", "unittest", "-v", "runner_test", "runner_serve_test")
                .directory(TESTS.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("RUNNER_PY", runner.toString());
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process process = pb.start();
        boolean done = process.waitFor(5, TimeUnit.MINUTES);
        if (!done) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);

        assertThat(done).as("the runner's tests finish within 5 minutes:\n%s", output).isTrue();
        assertThat(process.exitValue()).as("python3 -m unittest runner_test:\n%s", output).isZero();
        Matcher ran = Pattern.compile("Ran (\\d+) tests?").matcher(output);
        assertThat(ran.find()).as(output).isTrue();
        assertThat(Integer.parseInt(ran.group(1))).as("tests run").isGreaterThanOrEqualTo(50);
        assertThat(output).contains("\nOK");
    }

    /**
     * The contract between the plan and the runner: the example function is planned, the
     * ConfigMap's items are laid out as the kubelet would (under a temporary root instead of
     * {@code /}), and the container's command runs with the container's environment.
     */
    @Test
    void thePlannedPodRunsTheExample(@TempDir Path root) throws Exception {
        assumeTrue(python3AtLeast310(), "python3 (3.10 or newer) is not on the PATH");
        Path example = Path.of(System.getProperty("basedir", "."), "examples", "functions", "python-hello.yaml");
        PythonRuntime runtime = new PythonRuntime();
        FunctionSpec spec = runtime.validate(new FunctionSpecReader().read(Files.readAllBytes(example), "example"));
        Plan plan = runtime.plan(RunRequest.builder(spec, ActionKind.JOB).runId("r1")
                .parameters(Map.of("name", "Ada")).build());
        ConfigMap code = (ConfigMap) plan.objects().get(1);
        PodSpec pod = ((Job) plan.workload()).getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);
        for (KeyToPath item : pod.getVolumes().get(0).getConfigMap().getItems()) {
            Path file = root.resolve("function").resolve(item.getPath());
            Files.createDirectories(file.getParent());
            Files.writeString(file, code.getData().get(item.getKey()), StandardCharsets.UTF_8);
        }
        Path log = root.resolve("termination-log");
        List<String> command = container.getCommand().stream().map(a -> a.startsWith("/") ? root + a : a).toList();
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv("PATH"));
        for (EnvVar e : container.getEnv()) {
            pb.environment().put(e.getName(), e.getValue().startsWith("/") ? root + e.getValue() : e.getValue());
        }
        pb.environment().put("FUNCTION_TERMINATION_LOG", log.toString());
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("Hello, Ada!").contains("INFO hello: run r1 of python-hello (version "
                + spec.version() + ")");
        assertThat(Files.readString(log, StandardCharsets.UTF_8)).isEqualTo("{\"greeting\":\"Hello, Ada!\"}");
    }

    private static boolean python3AtLeast310() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
