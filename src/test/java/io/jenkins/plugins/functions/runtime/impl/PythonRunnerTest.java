package io.jenkins.plugins.functions.runtime.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.spec.FunctionSpecReader;
import io.jenkins.plugins.functions.spec.WorkspaceSources;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    /**
     * The served example, as a pod of its Deployment would run it: the function file's
     * {@code source.path} read from this checkout, the plan's ConfigMap laid out, the container's
     * command run in server mode (on a free port instead of 8080); then a POST, as a client of the
     * Service would send it, and SIGTERM, as the kubelet stops a pod.
     */
    @Test
    void thePlannedServiceAnswersTheServedExample(@TempDir Path root) throws Exception {
        assumeTrue(python3AtLeast310(), "python3 (3.10 or newer) is not on the PATH");
        Path basedir = Path.of(System.getProperty("basedir", "."));
        Path example = basedir.resolve("examples/functions/python-greeter-service.yaml");
        PythonRuntime runtime = new PythonRuntime();
        FunctionSpec read = new FunctionSpecReader().read(Files.readAllBytes(example), "example");
        FunctionSpec spec = runtime.validate(WorkspaceSources.resolve(read, new Checkout(basedir)));
        Plan plan = runtime.plan(RunRequest.builder(spec, ActionKind.SERVE).runId("r1")
                .parameters(Map.of("greetings", Map.of("de", "Hallo"))).build());
        ConfigMap code = (ConfigMap) plan.objects().get(2);
        PodSpec pod = ((Deployment) plan.workload()).getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);
        for (KeyToPath item : pod.getVolumes().get(0).getConfigMap().getItems()) {
            Path file = root.resolve("function").resolve(item.getPath());
            Files.createDirectories(file.getParent());
            Files.writeString(file, code.getData().get(item.getKey()), StandardCharsets.UTF_8);
        }
        List<String> command = container.getCommand().stream().map(a -> a.startsWith("/") ? root + a : a).toList();
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv("PATH"));
        for (EnvVar e : container.getEnv()) {
            pb.environment().put(e.getName(), e.getValue().startsWith("/") ? root + e.getValue() : e.getValue());
        }
        assertThat(pb.environment()).containsEntry("FUNCTION_ACTION", "serve").containsEntry("FUNCTION_PORT", "8080");
        pb.environment().put("FUNCTION_PORT", "0"); // the runner takes a free port and says which
        pb.environment().put("FUNCTION_DRAIN_SECONDS", "0");
        pb.environment().put("FUNCTION_TERMINATION_LOG", root.resolve("termination-log").toString());
        Process process = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder said = new StringBuilder();
            int port = -1;
            for (String line; (line = out.readLine()) != null; ) {
                said.append(line).append('\n');
                Matcher listening = Pattern.compile("listening on port (\\d+)").matcher(line);
                if (listening.find()) {
                    port = Integer.parseInt(listening.group(1));
                }
                if (line.startsWith("[runner] ready: ")) {
                    break;
                }
            }
            assertThat(said.toString()).as(said.toString()).contains("[runner] ready: main:handler")
                    .contains("INFO greeter: greeter " + spec.version() + " ready with 4 languages");
            HttpClient http = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + port);
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(base.resolve("/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> greeting = http.send(HttpRequest.newBuilder(base.resolve("/"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"Ada\", \"lang\": \"de\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(base.resolve("/"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"Ada\", \"lang\": \"xx\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(greeting.statusCode()).as(greeting.body()).isEqualTo(200);
            assertThat(greeting.headers().firstValue("Content-Type")).contains("application/json");
            assertThat(greeting.headers().firstValue("Connection")).as("one request per connection, said")
                    .contains("close");
            assertThat(greeting.body()).isEqualTo("{\"greeting\":\"Hallo, Ada!\",\"version\":\"" + spec.version() + "\"}");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).startsWith("{\"error\":\"no greeting in 'xx'; known: de, en, fr, it\"");

            process.toHandle().destroy(); // SIGTERM, as the kubelet stops a pod (Process.destroy would close the pipes)
            for (String line; (line = out.readLine()) != null; ) {
                said.append(line).append('\n');
            }
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(said.toString()).isZero();
            assertThat(said.toString()).contains("[runner] stopping: ");
        } finally {
            process.destroyForcibly();
        }
    }

    /** This checkout, as the step's workspace. */
    private record Checkout(Path root) implements WorkspaceSources.Reader {
        @Override
        public boolean exists(String path) {
            return Files.exists(root.resolve(path));
        }

        @Override
        public boolean isDirectory(String path) {
            return Files.isDirectory(root.resolve(path));
        }

        @Override
        public String read(String path) throws IOException {
            return Files.readString(root.resolve(path), StandardCharsets.UTF_8);
        }

        @Override
        public List<String> list(String folder) throws IOException {
            Path dir = root.resolve(folder);
            try (var walk = Files.walk(dir)) {
                return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
                        .toList();
            }
        }
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
