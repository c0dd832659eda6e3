package io.jenkins.plugins.functions.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.functions.spec.FunctionSpecReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

class MainTest {

    private static final String HELLO = "examples/functions/hello.yaml";

    @TempDir
    Path dir;

    @Test
    void rendersTheExampleAsAJob() throws Exception {
        Result r = run("render", HELLO, "--namespace", "ci", "--param", "name=Ada", "--timeout", "10m");

        assertThat(r.code).isEqualTo(Main.OK);
        assertThat(r.err).isEmpty();
        List<Map<String, Object>> docs = documents(r.out);
        assertThat(docs).hasSize(1);
        Map<String, Object> job = docs.get(0);
        assertThat(job).containsEntry("apiVersion", "batch/v1").containsEntry("kind", "Job");
        String version = new FunctionSpecReader().read(Files.readAllBytes(Path.of(HELLO)), HELLO).version();
        // the reader's version is the runtime's: the example is already in canonical form
        Map<String, Object> metadata = map(job, "metadata");
        assertThat(metadata).containsEntry("name", "hello-render-" + version.substring(0, 8))
                .containsEntry("namespace", "ci");
        Map<String, Object> spec = map(job, "spec");
        assertThat(spec).containsEntry("activeDeadlineSeconds", 600).containsEntry("backoffLimit", 0);
        Map<String, Object> container = firstContainer(spec);
        assertThat(container).containsEntry("image", "busybox:1.36").containsEntry("name", "function");
        assertThat(container.get("env")).asInstanceOf(InstanceOfAssertFactories.LIST).contains(
                Map.of("name", "FUNCTION_PARAMETERS", "value", "{\"name\":\"Ada\"}"));
    }

    @Test
    void renderIsDeterministic() {
        Result first = run("render", HELLO);
        Result second = run("render", HELLO);

        assertThat(first.code).isZero();
        assertThat(first.out).isEqualTo(second.out);
        assertThat(first.out).contains("activeDeadlineSeconds: 3600").contains("namespace: \"default\"");
    }

    @Test
    void optionsMayBeGivenWithEquals() {
        Result r = run("render", "--timeout=90s", "--param=a=b=c", HELLO, "--action=job");

        assertThat(r.code).isZero();
        assertThat(r.out).contains("activeDeadlineSeconds: 90").contains("{\\\"a\\\":\\\"b=c\\\"}");
    }

    @Test
    void aBadSpecIsExitCode2WithTheMessage() throws IOException {
        Path file = write("bad.yaml", "name: Hello\nruntime: container\nimage: busybox\n");
        Result r = run("render", file.toString());

        assertThat(r.code).isEqualTo(Main.SPEC_ERROR);
        assertThat(r.out).isEmpty();
        assertThat(r.err.strip()).isEqualTo(file + ": field 'name': value 'Hello' is not allowed: must be a"
                + " DNS-1123 label: 1 to 63 characters of lowercase letters, digits and '-', starting and ending"
                + " with a letter or digit (such as hello-world)");
    }

    @Test
    void aRuntimeRefusalNamesTheFileToo() throws IOException {
        Path file = write("bad.yaml", "name: hello\nruntime: container\nimage: busybox\nretries: 2\n");
        Result r = run("render", file.toString());

        assertThat(r.code).isEqualTo(Main.SPEC_ERROR);
        assertThat(r.err).startsWith(file + ": field 'retries': value '2' is not allowed: unknown field;");
    }

    @Test
    void aTimeoutOutOfRangeIsASpecError() {
        Result r = run("render", HELLO, "--timeout", "8d");

        assertThat(r.code).isEqualTo(Main.SPEC_ERROR);
        assertThat(r.err).contains("field 'timeout': value '691200s' is not allowed");
    }

    @Test
    void aBuildWithoutItsArgumentsIsASpecError() {
        Result r = run("render", HELLO, "--action", "build");

        assertThat(r.code).isEqualTo(Main.SPEC_ERROR);
        assertThat(r.err).contains("field 'action': value 'build' is not allowed: a 'container' build needs a"
                + " destination image and a context: run it with the buildImage step");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no arguments                 |",
            "unknown command              | frobnicate",
            "no file                      | render",
            "two files                    | render a.yaml b.yaml",
            "unknown option               | render " + HELLO + " --verbose",
            "option without value         | render " + HELLO + " --timeout",
            "bad duration                 | render " + HELLO + " --timeout 10",
            "bad duration unit            | render " + HELLO + " --timeout 10w",
            "param without =              | render " + HELLO + " --param name",
            "param with empty key         | render " + HELLO + " --param =x",
            "param twice                  | render " + HELLO + " --param a=1 --param a=2",
            "unknown action               | render " + HELLO + " --action launch",
            "bad namespace                | render " + HELLO + " --namespace Prod_1",
    })
    void usageErrorsAreExitCode64(String what, String line) {
        Result r = run(line == null ? new String[0] : line.trim().split("\\s+"));

        assertThat(r.code).isEqualTo(Main.USAGE);
        assertThat(r.out).isEmpty();
        assertThat(r.err).contains("usage: function-runtimes render <file.yaml>");
    }

    @Test
    void helpIsPrintedOnRequest() {
        Result r = run("--help");

        assertThat(r.code).isZero();
        assertThat(r.out).startsWith("usage: function-runtimes render");
    }

    @Test
    void aMissingFileIsExitCode66() {
        Result r = run("render", dir.resolve("missing.yaml").toString());

        assertThat(r.code).isEqualTo(Main.NO_INPUT);
        assertThat(r.err.strip()).endsWith("missing.yaml: no such file").contains("cannot read");
    }

    @Test
    void anOversizedFileIsASpecError() throws IOException {
        Path file = dir.resolve("big.yaml");
        Files.write(file, new byte[FunctionSpecReader.MAX_BYTES + 10]);
        Result r = run("render", file.toString());

        assertThat(r.code).isEqualTo(Main.SPEC_ERROR);
        assertThat(r.err).contains("field '(yaml)': value '1048577 bytes' is not allowed");
    }

    @Test
    void renderReadsAPythonSourceFolderFromTheCurrentDirectory() throws IOException {
        Path dir = Path.of("target", "cli-workspace", "adder");
        Files.createDirectories(dir.resolve("__pycache__"));
        Files.writeString(dir.resolve("main.py"), "def handler(p):\n    return {'sum': p['a'] + p['b']}\n");
        Files.writeString(dir.resolve("__pycache__/main.cpython-312.pyc"), "not source");
        Path file = Files.writeString(dir.getParent().resolve("adder.yaml"), String.join("\n",
                "name: adder", "runtime: python", "handler: main:handler",
                "source: {path: target/cli-workspace/adder/}", ""));

        Result r = run("render", file.toString());

        assertThat(r.code).as(r.err).isEqualTo(Main.OK);
        assertThat(r.out).contains("kind: \"ConfigMap\"").contains("return {'sum': p['a'] + p['b']}")
                .doesNotContain("not source");
    }

    @Test
    void runExecutesTheFunctionOnTheClusterOfTheKubeconfig(@TempDir Path dir) throws IOException {
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            sim.onImage("busybox:1.36", PodBehavior.succeed().logs("Hello, Ada!")
                    .terminationMessage("{\"greeting\":\"Hello, Ada!\"}"));
            Result r = run("run", HELLO, "--kubeconfig", kubeconfig(dir, sim).toString(), "--param", "name=Ada");

            assertThat(r.code).as(r.err).isEqualTo(Main.OK);
            assertThat(r.out).contains("Hello, Ada!");
            assertThat(r.err).contains("running hello").contains("COMPLETED (Completed, exit code 0)")
                    .contains("outputs {greeting=Hello, Ada!}");
            assertThat(sim.client().batch().v1().jobs().inNamespace("default").list().getItems())
                    .as("the Job is deleted").isEmpty();
        }
    }

    @Test
    void runOfAFailingFunctionExitsOne(@TempDir Path dir) throws IOException {
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            sim.onImage("busybox:1.36", PodBehavior.fail(4));
            Result r = run("run", HELLO, "--kubeconfig", kubeconfig(dir, sim).toString());
            assertThat(r.code).isEqualTo(Main.RUN_FAILED);
            assertThat(r.err).contains("ERROR (Error, exit code 4)");
        }
    }

    @Test
    void runRefusesABadSpecBeforeContactingTheCluster(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "name: Bad_Name\nruntime: container\nimage: busybox:1.36\n");
        Result r = run("run", file.toString(), "--kubeconfig", dir.resolve("missing-kubeconfig").toString());
        assertThat(r.code).isEqualTo(Main.SPEC_ERROR);
        assertThat(r.err).contains("field 'name'").contains("Bad_Name");
    }

    @Test
    void renderAppliesAProfilesFileAndRedactsTheCredentialsSecret() {
        Result r = run("render", "examples/functions/report-publisher.yaml", "--profiles", "examples/profiles.yaml");

        assertThat(r.code).as(r.err).isEqualTo(Main.OK);
        List<Map<String, Object>> docs = documents(r.out);
        assertThat(docs).extracting(d -> d.get("kind")).containsExactly("Job", "Secret");
        assertThat(r.out).contains("priorityClassName: \"batch-low\"").contains("claimName: \"reports\"")
                .contains("REPORT_TOKEN: \"<redacted>\"").doesNotContain("<report-token>");
    }

    @Test
    void aProfileNeedsAProfilesFileOnTheCommandLine() {
        Result r = run("render", "examples/functions/gpu-smoke.yaml");

        assertThat(r.code).isEqualTo(Main.SPEC_ERROR);
        assertThat(r.err).contains("field 'profile': value 'gpu' is not allowed").contains("none is configured");
        Result bad = run("render", "examples/functions/gpu-smoke.yaml", "--profiles", "no/such/profiles.yaml");
        assertThat(bad.code).isEqualTo(Main.SPEC_ERROR);
        assertThat(bad.err).contains("field '--profiles'").contains("no such file");
    }

    @Test
    void runRefusesCredentialsBeforeContactingTheCluster(@TempDir Path dir) throws IOException {
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            Result r = run("run", "examples/functions/report-publisher.yaml", "--profiles", "examples/profiles.yaml",
                    "--kubeconfig", kubeconfig(dir, sim).toString());

            assertThat(r.code).isEqualTo(Main.SPEC_ERROR);
            assertThat(r.err).contains("field 'env.DB_PASSWORD'").contains("'reports-db'")
                    .contains("Jenkins credentials are resolved only by the Jenkins steps");
            assertThat(sim.requests().total()).isZero();
        }
    }

    private static Path kubeconfig(Path dir, ClusterSimulator sim) throws IOException {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, String.join("\n",
                "apiVersion: v1", "kind: Config", "current-context: sim",
                "clusters: [{name: sim, cluster: {server: '" + sim.url() + "'}}]",
                "users: [{name: sim, user: {token: test-token}}]",
                "contexts: [{name: sim, context: {cluster: sim, user: sim, namespace: default}}]", ""));
        return file;
    }

    @Test
    void durations() throws UsageException {
        assertThat(CommandOptions.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(CommandOptions.parseDuration("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(CommandOptions.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(CommandOptions.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(CommandOptions.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        for (String bad : List.of("", "10", "m", "1.5h", "-5m", "10 m", "99999999999999999999s")) {
            assertThatThrownBy(() -> CommandOptions.parseDuration(bad)).as(bad).isInstanceOf(UsageException.class);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> documents(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (doc != null) {
                docs.add((Map<String, Object>) doc);
            }
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.get(key);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstContainer(Map<String, Object> jobSpec) {
        Map<String, Object> podSpec = map(map(jobSpec, "template"), "spec");
        return ((List<Map<String, Object>>) podSpec.get("containers")).get(0);
    }
}
