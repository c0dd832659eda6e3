package io.jenkins.plugins.functions.runtime.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.ContainerFunction;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.PythonFunction;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.model.Resources;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.spec.FunctionSpecReader;
import io.jenkins.plugins.functions.spec.SpecException;
import io.jenkins.plugins.functions.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The python runtime's fields: what it accepts, its canonical form, what it refuses and why. */
class PythonRuntimeTest {

    static final String FULL = """
            name: greeter
            runtime: python
            description: Greets in Python.
            labels: {team: examples}
            source:
              files:
                main.py: |
                  from pkg.words import hello
                  def handler(parameters, context):
                      return {"greeting": hello(parameters.get("name", "world"))}
                  def setup():
                      pass
                pkg/__init__.py: ""
                pkg/words.py: |
                  def hello(name):
                      return f"Hello, {name}!"
            handler:
              function: main:handler
              init: setup
            requirements: [requests==2.32.3, 'pandas>=2,<3']
            pythonVersion: '3.11'
            env:
              - {name: GREETING, value: Hello}
              - {name: PORT, value: 8080}
            imagePullPolicy: IfNotPresent
            resources:
              requests: {cpu: 250m, memory: 64Mi}
              limits: {cpu: 1, memory: 128Mi, gpu: 1}
            serviceAccount: build-bot
            """;

    static final String MINIMAL = """
            name: hello
            runtime: python
            source:
              code: |
                def handler(parameters):
                    return {"hello": parameters.get("name", "world")}
            handler: main:handler
            """;

    /** The profile the tests' GPU functions run under (a function asking for GPUs needs one). */
    static final Profile GPU = new Profile("gpu", Map.of(), List.of(), null, null, Resources.NONE, "nvidia.com/gpu",
            null, List.of());

    private final PythonRuntime runtime = new PythonRuntime();

    @Test
    void isThePythonKindAndRunsJobsAndServices() {
        assertThat(runtime.kind()).isEqualTo("python");
        assertThat(runtime.actions()).containsExactly(ActionKind.JOB, ActionKind.SERVE, ActionKind.BUILD);
    }

    @Test
    void isFoundByTheServiceLoaderNextToTheContainerRuntime() {
        RuntimeRegistry registry = RuntimeRegistry.fromServiceLoader(getClass().getClassLoader());

        assertThat(registry.kinds()).contains("container", "python");
        assertThat(registry.all()).anyMatch(r -> r instanceof PythonRuntime);
    }

    // ---- canonical form ----------------------------------------------------------------------

    @Test
    void minimalFunctionGetsItsDefaultsMadeExplicit() throws SpecException {
        FunctionSpec valid = validate(MINIMAL);

        assertThat(valid.fields()).containsOnlyKeys("source", "handler", "pythonVersion", "image");
        assertThat(valid.field("source")).isEqualTo(Map.of("files", Map.of("main.py",
                "def handler(parameters):\n    return {\"hello\": parameters.get(\"name\", \"world\")}\n")));
        assertThat(valid.field("handler")).isEqualTo("main:handler");
        assertThat(valid.field("pythonVersion")).isEqualTo("3.12");
        assertThat(valid.field("image")).isEqualTo("python:3.12-slim");
    }

    @Test
    void fullFunctionInCanonicalForm() throws SpecException {
        FunctionSpec valid = validate(FULL);

        assertThat(valid.fields()).containsOnlyKeys("description", "labels", "source", "handler", "requirements",
                "pythonVersion", "image", "env", "imagePullPolicy", "resources", "serviceAccount");
        @SuppressWarnings("unchecked")
        Map<String, Object> files = (Map<String, Object>) ((Map<String, Object>) valid.field("source")).get("files");
        assertThat(files).containsOnlyKeys("main.py", "pkg/__init__.py", "pkg/words.py");
        assertThat(files.get("pkg/__init__.py")).isEqualTo("");
        assertThat(valid.field("handler")).isEqualTo(Map.of("function", "main:handler", "init", "setup"));
        assertThat(valid.field("requirements")).isEqualTo(List.of("requests==2.32.3", "pandas>=2,<3"));
        assertThat(valid.field("pythonVersion")).isEqualTo("3.11");
        assertThat(valid.field("image")).isEqualTo("python:3.11-slim");
        assertThat(valid.field("env")).isEqualTo(List.of(Map.of("name", "GREETING", "value", "Hello"),
                Map.of("name", "PORT", "value", "8080")));
        assertThat(valid.field("resources")).isEqualTo(Map.of(
                "requests", Map.of("cpu", "250m", "memory", "64Mi"),
                "limits", Map.of("cpu", "1", "memory", "128Mi", "gpu", "1")));
    }

    @Test
    void validateIsIdempotent() throws SpecException {
        for (String yaml : List.of(MINIMAL, FULL, GIT)) {
            FunctionSpec once = validate(yaml);

            assertThat(runtime.validate(once)).isEqualTo(once);
            assertThat(runtime.validate(once).version()).isEqualTo(once.version());
        }
    }

    @Test
    void inlineCodeIsMainPyInFiles() throws SpecException {
        FunctionSpec code = validate("name: a\nruntime: python\nsource: {code: 'x = 1'}\nhandler: main:h\n");
        FunctionSpec files = validate("name: a\nruntime: python\nsource: {files: {main.py: 'x = 1'}}\n"
                + "handler: main:h\n");

        assertThat(code.fields()).isEqualTo(files.fields());
        assertThat(code.version()).isEqualTo(files.version());
    }

    @Test
    void equivalentSpellingsAreTheSameVersion() throws SpecException {
        FunctionSpec shortForm = validate("name: a\nruntime: python\nsource: {code: 'x = 1'}\nhandler: main:h\n");
        FunctionSpec mapping = validate("name: a\nruntime: python\nsource: {code: 'x = 1'}\n"
                + "handler: {function: 'main:h'}\n");
        FunctionSpec explicit = validate("name: a\nruntime: python\nsource: {code: 'x = 1'}\nhandler: main:h\n"
                + "pythonVersion: '3.12'\nimage: python:3.12-slim\nrequirements: []\n");
        FunctionSpec reordered = validate("handler: main:h\nsource: {code: 'x = 1'}\nruntime: python\nname: a\n");

        assertThat(mapping.version()).isEqualTo(shortForm.version());
        assertThat(explicit.version()).isEqualTo(shortForm.version());
        assertThat(reordered.version()).isEqualTo(shortForm.version());
    }

    @Test
    void whatRunsDifferentlyIsAnotherVersion() throws SpecException {
        String base = "name: a\nruntime: python\nsource: {code: 'x = 1'}\nhandler: main:h\n";
        FunctionSpec original = validate(base);

        for (String changed : List.of(
                base.replace("x = 1", "x = 2"),
                base.replace("main:h", "main:g"),
                base + "pythonVersion: '3.13'\n",
                base + "requirements: [requests]\n",
                base + "image: python:3.12\n")) {
            assertThat(validate(changed).version()).as(changed).isNotEqualTo(original.version());
        }
    }

    @Test
    void theImageFollowsThePythonVersionUnlessGiven() throws SpecException {
        String base = "name: a\nruntime: python\nsource: {code: 'x = 1'}\nhandler: main:h\n";

        for (String version : PythonFunctionParser.PYTHON_VERSIONS) {
            assertThat(validate(base + "pythonVersion: '" + version + "'\n").field("image"))
                    .isEqualTo("python:" + version + "-slim");
        }
        assertThat(validate(base + "image: registry.example.com/py/custom:1\n").field("image"))
                .isEqualTo("registry.example.com/py/custom:1");
    }

    static final String GIT = """
            name: from-git
            runtime: python
            source:
              git:
                url: https://github.com/example/functions.git
                ref: v1.2.0
                path: greeter/src
            handler: app.main:run
            """;

    @Test
    void gitSourceIsKeptAndGetsTheFullImageWithGit() throws SpecException {
        FunctionSpec valid = validate(GIT);

        assertThat(valid.field("source")).isEqualTo(Map.of("git", Map.of(
                "url", "https://github.com/example/functions.git", "ref", "v1.2.0", "path", "greeter/src")));
        assertThat(valid.field("image")).isEqualTo("python:3.12");
        assertThat(valid.field("handler")).isEqualTo("app.main:run");
    }

    @Test
    void workspacePathIsKeptUnresolvedButCannotBePlanned() throws SpecException {
        FunctionSpec valid = validate("name: a\nruntime: python\nsource: {path: functions/greeter}\n"
                + "handler: main:h\n");

        assertThat(valid.field("source")).isEqualTo(Map.of("path", "functions/greeter"));
        RunRequest request = RunRequest.builder(valid, ActionKind.JOB).runId("r1").build();
        SpecException e = catchThrowableOfType(() -> runtime.plan(request), SpecException.class);
        assertThat(e.getField()).isEqualTo("source.path");
        assertThat(e.getValue()).isEqualTo("functions/greeter");
        assertThat(e.getAllowed()).contains("must be read from the workspace into source.files before a run is planned");
    }

    @Test
    void theTypedViewHoldsEveryField() throws SpecException {
        PythonFunction f = PythonFunctionParser.parse(validate(FULL), "a function");

        assertThat(f.name()).isEqualTo("greeter");
        assertThat(f.description()).isEqualTo("Greets in Python.");
        assertThat(f.labels()).isEqualTo(Map.of("team", "examples"));
        assertThat(f.source()).isInstanceOf(PythonFunction.Files.class);
        assertThat(((PythonFunction.Files) f.source()).files()).containsOnlyKeys("main.py", "pkg/__init__.py",
                "pkg/words.py");
        assertThat(f.handler()).isEqualTo(new PythonFunction.Handler("main", "handler", "setup"));
        assertThat(f.handler().reference()).isEqualTo("main:handler");
        assertThat(f.requirements()).containsExactly("requests==2.32.3", "pandas>=2,<3");
        assertThat(f.pythonVersion()).isEqualTo("3.11");
        assertThat(f.image()).isEqualTo("python:3.11-slim");
        assertThat(f.env()).containsExactly(new ContainerFunction.Env("GREETING", "Hello"),
                new ContainerFunction.Env("PORT", "8080"));
        assertThat(f.imagePullPolicy()).isEqualTo(ContainerFunction.PullPolicy.IF_NOT_PRESENT);
        assertThat(f.resources().limits().gpu()).isEqualTo("1");
        assertThat(f.serviceAccount()).isEqualTo("build-bot");
        PythonFunction git = PythonFunctionParser.parse(validate(GIT), "a function");
        assertThat(git.source()).isEqualTo(new PythonFunction.Git("https://github.com/example/functions.git",
                "v1.2.0", "greeter/src"));
        assertThat(git.handler()).isEqualTo(new PythonFunction.Handler("app.main", "run", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"requests", "requests==2.32.3", "pandas>=2,<3", "pandas >= 2, < 3", "numpy~=1.26.0",
            "uvicorn[standard]", "uvicorn[standard,extra]>=0.30", "Django (>=4.2, <5)", "zope.interface",
            "tomli; python_version < \"3.11\"", "pywin32 >= 306 ; sys_platform == 'win32'",
            "pkg @ https://example.com/dist/pkg-1.0.tar.gz", "foo-bar_baz===1.0.post1"})
    void acceptsTheRequirementsPeopleWrite(String requirement) throws SpecException {
        FunctionSpec valid = validate("name: a\nruntime: python\nsource: {code: 'x = 1'}\nhandler: main:h\n"
                + "requirements: ['" + requirement.replace("'", "''") + "']\n");

        assertThat(valid.field("requirements")).isEqualTo(List.of(requirement));
    }

    // ---- refusals: field, value, what is allowed ---------------------------------------------

    @Test
    void unknownFieldsAreRefusedWithTheListOfAllowedOnes() {
        SpecException e = refusal(MINIMAL + "workingDir: /app\n");

        assertThat(e.getField()).isEqualTo("workingDir");
        assertThat(e.getValue()).isEqualTo("/app");
        assertThat(e.getAllowed()).isEqualTo("unknown field; the fields of a 'python' function are: name, runtime,"
                + " description, labels, source, handler, requirements, pythonVersion, image, env, imagePullPolicy,"
                + " resources, serviceAccount, ports, replicas, serviceType, profile, volumes, artifacts, inputs");
        assertThat(refusal(MINIMAL + "python_version: '3.12'\n").getAllowed()).endsWith("(did you mean 'pythonVersion'?)");
        assertThat(refusal(MINIMAL + "command: [python]\n").getField()).isEqualTo("command");
    }

    @Test
    void sourceRefusals() {
        String head = "name: a\nruntime: python\nhandler: main:h\n";

        assertRefused(head, "source", null, "exactly one of code");
        assertRefused(head + "source: main.py\n", "source", "main.py", "must be a mapping with exactly one of code");
        assertRefused(head + "source: {}\n", "source", "{}", "exactly one of code");
        assertRefused(head + "source: {code: 'x = 1', path: src}\n", "source", "code and path", "exactly one of");
        assertRefused(head + "source: {url: 'https://x'}\n", "source.url", "https://x",
                "unknown field; the fields of source are: code, files, path, git");
        assertRefused(head + "source: {code: '  '}\n", "source.code", "  ", "not empty");
        assertRefused(head + "source: {code: 42}\n", "source.code", "42", "must be the Python code of main.py");
        assertRefused(head + "source: {files: {}}\n", "source.files", "{}", "with at least one file");
        assertRefused(head + "source: {files: [main.py]}\n", "source.files", "[main.py]", "mapping of relative file paths");
        assertRefused(head + "source: {files: {main.py: 1}}\n", "source.files[\"main.py\"]", "1", "the file's content, as text");
        for (String bad : List.of("../main.py", "/main.py", "a//b.py", "a/./b.py", "src/", "a b.py", "a\\\\b.py")) {
            assertRefused(head + "source: {files: {\"" + bad + "\": 'x'}}\n", null, bad.replace("\\\\", "\\"),
                    "must be a relative path such as main.py");
        }
        assertRefused(head + "source: {path: ../elsewhere}\n", "source.path", "../elsewhere", "must be a relative path");
        assertRefused(head + "source: {files: {a/b.py: x, a__b.py: y}}\n", "source.files[\"a__b.py\"]", "a__b.py",
                "must not be the same path as 'a/b.py' once '/' is written '__'");
        String longName = "d/".repeat(90) + "f.py";
        assertRefused(head + "source: {files: {" + longName + ": x}}\n", "source.files[\"" + longName + "\"]",
                longName, "must be at most 247 characters long (with '/' counted as 2)");
    }

    @Test
    void inlineSourceIsCappedAt512KiB() throws SpecException {
        String head = "name: a\nruntime: python\nhandler: main:h\nsource:\n  files:\n";
        // two files whose ConfigMap keys and text make exactly 512 KiB
        String a = "a".repeat(256 * 1024 - "code__a.py".length());
        String b = "b".repeat(256 * 1024 - "code__b.py".length());
        assertThat(validate(head + "    a.py: " + a + "\n    b.py: " + b + "\n")).isNotNull();

        SpecException e = refusal(head + "    a.py: " + a + "\n    b.py: " + b + "b\n");
        assertThat(e.getField()).isEqualTo("source");
        assertThat(e.getValue()).isEqualTo("524289 bytes in 2 files");
        assertThat(e.getAllowed()).contains("at most 524288 bytes (512 KiB) of inline source")
                .contains("source.git").contains("image built with it");
        SpecException code = refusal("name: a\nruntime: python\nhandler: main:h\nsource: {code: "
                + "x".repeat(600 * 1024) + "}\n");
        assertThat(code.getField()).isEqualTo("source");
        assertThat(code.getValue()).isEqualTo((600 * 1024 + "code__main.py".length()) + " bytes in 1 file");
    }

    @Test
    void gitRefusals() {
        String head = "name: a\nruntime: python\nhandler: main:h\n";

        assertRefused(head + "source: {git: https://github.com/o/r.git}\n", "source.git",
                "https://github.com/o/r.git", "must be a mapping {url: https://..., ref:");
        assertRefused(head + "source: {git: {ref: main}}\n", "source.git.url", null, "must be an https:// URL");
        assertRefused(head + "source: {git: {url: 'http://example.com/r.git', ref: main}}\n", "source.git.url",
                "http://example.com/r.git", "must be an https:// URL");
        assertRefused(head + "source: {git: {url: 'git@github.com:o/r.git', ref: main}}\n", "source.git.url",
                "git@github.com:o/r.git", "must be an https:// URL");
        assertRefused(head + "source: {git: {url: 'https://user:token@github.com/o/r.git', ref: main}}\n",
                "source.git.url", "https://***@github.com/o/r.git", "must not contain credentials");
        assertRefused(head + "source: {git: {url: 'https://github.com/o/r.git'}}\n", "source.git.ref", null,
                "(required, so that a version of the function always runs the same code)");
        assertRefused(head + "source: {git: {url: 'https://github.com/o/r.git', ref: --upload-pack=x}}\n",
                "source.git.ref", "--upload-pack=x", "not starting with '-'");
        assertRefused(head + "source: {git: {url: 'https://github.com/o/r.git', ref: 'a..b'}}\n",
                "source.git.ref", "a..b", "no '..'");
        assertRefused(head + "source: {git: {url: 'https://github.com/o/r.git', ref: 1.10}}\n",
                "source.git.ref", "1.1", "as quoted text");
        assertRefused(head + "source: {git: {url: 'https://github.com/o/r.git', ref: main, path: /abs}}\n",
                "source.git.path", "/abs", "must be a relative path");
        assertRefused(head + "source: {git: {url: 'https://github.com/o/r.git', ref: main, branch: x}}\n",
                "source.git.branch", "x", "the fields of source.git are: url, ref, path");
    }

    @Test
    void handlerRefusals() {
        String head = "name: a\nruntime: python\nsource: {code: 'x = 1'}\n";

        assertRefused(head, "handler", null, "must be module:function, such as main:handler");
        for (String bad : List.of("main.handler", "main:", ":handler", "1main:h", "main:h.x", "main:h:g", "ma-in:h",
                "main :h")) {
            assertRefused(head + "handler: '" + bad + "'\n", "handler", bad, "must be module:function");
        }
        assertRefused(head + "handler: [main:h]\n", "handler", "[main:h]", "must be module:function");
        assertRefused(head + "handler: {init: setup}\n", "handler.function", null, "must be module:function");
        assertRefused(head + "handler: {function: 'main:h', init: 'main:setup'}\n", "handler.init", "main:setup",
                "must be the name of a function of the handler's module");
        assertRefused(head + "handler: {function: 'main:h', init: h}\n", "handler.init", "h",
                "must not be the handler itself");
        assertRefused(head + "handler: {function: 'main:h', on_start: s}\n", "handler.on_start", "s",
                "the fields of handler are: function, init");
    }

    @Test
    void pythonVersionRefusals() {
        String head = "name: a\nruntime: python\nsource: {code: 'x = 1'}\nhandler: main:h\n";

        assertRefused(head + "pythonVersion: 3.10\n", "pythonVersion", "3.1",
                "must be one of 3.10, 3.11, 3.12, 3.13, as quoted text: quote it, as in pythonVersion: '3.10'"
                        + " (YAML reads 3.10 unquoted as the number 3.1)");
        assertRefused(head + "pythonVersion: 3.12\n", "pythonVersion", "3.12", "quote it");
        assertRefused(head + "pythonVersion: 3\n", "pythonVersion", "3", "quote it");
        for (String bad : List.of("3.9", "3.14", "3", "python3.12", "3.12.1", "")) {
            assertRefused(head + "pythonVersion: '" + bad + "'\n", "pythonVersion", bad,
                    "must be one of 3.10, 3.11, 3.12, 3.13");
        }
    }

    @Test
    void requirementRefusals() {
        String head = "name: a\nruntime: python\nsource: {code: 'x = 1'}\nhandler: main:h\n";

        assertRefused(head + "requirements: requests\n", "requirements", "requests", "must be a list of pip requirements");
        assertRefused(head + "requirements: [requests, 2]\n", "requirements[1]", "2", "must be one pip requirement");
        for (String bad : List.of("requests; rm -rf /", "requests && curl x", "requests | sh", "$(evil)",
                "requests`id`", "-r requirements.txt", "--index-url=https://evil", "requests\nflask",
                "req uests", "requests==", "requests >= 2 3", "")) {
            assertRefused(head + "requirements: [\"" + bad.replace("\n", "\\n") + "\"]\n", "requirements[0]", bad,
                    "no pip options (-r, --index-url), no shell characters (| & $ `), no line breaks");
        }
        StringBuilder many = new StringBuilder(head + "requirements:\n");
        for (int i = 0; i <= PythonFunctionParser.MAX_REQUIREMENTS; i++) {
            many.append("  - pkg").append(i).append('\n');
        }
        assertRefused(many.toString(), "requirements", "201 requirements", "at most 200 requirements");
    }

    @Test
    void sharedFieldsAreCheckedAsForContainers() {
        String head = "name: a\nruntime: python\nsource: {code: 'x = 1'}\nhandler: main:h\n";

        assertRefused(head + "image: 'https://registry/x'\n", "image", "https://registry/x", "must be an image reference");
        assertRefused(head + "env: {FUNCTION_HANDLER: x}\n", "env.FUNCTION_HANDLER", "FUNCTION_HANDLER",
                "must not start with FUNCTION_");
        assertRefused(head + "labels: {functions.jenkins.io/run-id: x}\n", "labels[\"functions.jenkins.io/run-id\"]",
                "functions.jenkins.io/run-id", "must not be one of the engine's own labels");
        assertRefused(head + "imagePullPolicy: always\n", "imagePullPolicy", "always", "Always, IfNotPresent, Never");
        assertRefused(head + "resources: {limits: {memory: 1GB}}\n", "resources.limits.memory", "1GB",
                "must be a Kubernetes quantity");
        assertRefused(head + "serviceAccount: Build_Bot\n", "serviceAccount", "Build_Bot", "DNS-1123 subdomain");
    }

    @Test
    void anotherRuntimesFunctionIsRefused() {
        FunctionSpec container = FunctionSpec.of("hello", "container", Map.of("image", "busybox"));

        SpecException e = catchThrowableOfType(() -> runtime.validate(container), SpecException.class);
        assertThat(e.getField()).isEqualTo("runtime");
        assertThat(e.getAllowed()).isEqualTo("must be 'python' for this runtime");
    }

    // ---- the job plan ------------------------------------------------------------------------

    @Test
    void planIsTheJobThenItsCodeConfigMap() throws SpecException {
        Plan plan = runtime.plan(request(FULL, Map.of(), null));

        assertThat(plan.objects()).hasSize(2);
        assertThat(plan.objects().get(0)).isInstanceOf(Job.class).isSameAs(plan.workload());
        assertThat(plan.objects().get(1)).isInstanceOf(ConfigMap.class);
        assertThat(plan.workload().getApiVersion()).isEqualTo("batch/v1");
        assertThat(plan.objects().get(1).getApiVersion()).isEqualTo("v1");
        assertThat(plan.action()).isEqualTo(ActionKind.JOB);
        assertThat(plan.namespace()).isEqualTo("ci");
        assertThat(plan.toYaml()).contains("kind: \"Job\"").contains("kind: \"ConfigMap\"");
    }

    @Test
    void jobMetadataAndSpecAreTheContainerRuntimes() throws SpecException {
        RunRequest request = request(FULL, Map.of(), Duration.ofMinutes(10));
        Job job = job(request);

        assertThat(job.getMetadata().getName()).isEqualTo(RunLabels.workloadName(request)).isEqualTo("greeter-r1");
        assertThat(job.getMetadata().getNamespace()).isEqualTo("ci");
        Map<String, String> expected = new LinkedHashMap<>(RunLabels.of(request));
        expected.put("team", "examples");
        assertThat(job.getMetadata().getLabels()).isEqualTo(expected)
                .containsEntry(RunLabels.RUNTIME, "python")
                .containsEntry(RunLabels.VERSION, request.function().version())
                .containsEntry(RunLabels.ACTION, "job");
        assertThat(job.getMetadata().getAnnotations())
                .isEqualTo(Map.of(RunLabels.JENKINS_BUILD_URL_ANNOTATION, "https://ci.example.com/job/app/7/"));
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).isEqualTo(expected);
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getCompletions()).isEqualTo(1);
        assertThat(job.getSpec().getParallelism()).isEqualTo(1);
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(600L);
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(86_400);
        assertThat(job(request(MINIMAL, Map.of(), null)).getSpec().getActiveDeadlineSeconds()).isEqualTo(3600L);
    }

    @Test
    void configMapHoldsTheRunnerAndTheFilesUnderTheirKeys() throws Exception {
        RunRequest request = request(FULL, Map.of(), null);
        Plan plan = runtime.plan(request);
        ConfigMap code = (ConfigMap) plan.objects().get(1);

        assertThat(code.getMetadata().getName()).isEqualTo("greeter-r1-code");
        assertThat(code.getMetadata().getNamespace()).isEqualTo("ci");
        assertThat(code.getMetadata().getLabels()).isEqualTo(plan.workload().getMetadata().getLabels());
        assertThat(code.getMetadata().getAnnotations()).isEqualTo(plan.workload().getMetadata().getAnnotations());
        assertThat(code.getMetadata().getOwnerReferences()).as("the engine sets the owner").isNullOrEmpty();
        assertThat(code.getImmutable()).isTrue();
        assertThat(code.getData()).containsOnlyKeys("runner.py", "code__main.py", "code__pkg____init__.py",
                "code__pkg__words.py");
        assertThat(code.getData().get("code__pkg__words.py"))
                .isEqualTo("def hello(name):\n    return f\"Hello, {name}!\"\n");
        assertThat(code.getData().get("code__pkg____init__.py")).isEmpty();
        try (InputStream in = PythonRuntime.class.getResourceAsStream("python/runner.py")) {
            assertThat(code.getData().get("runner.py")).isEqualTo(PythonRuntime.runner())
                    .isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .contains("def main(");
        }
        assertThat(code.getBinaryData()).isNullOrEmpty();
    }

    @Test
    void podMountsTheConfigMapReadOnlyAndAWorkDirectory() throws SpecException {
        PodSpec pod = job(request(FULL, Map.of(), null)).getSpec().getTemplate().getSpec();

        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getServiceAccountName()).isEqualTo("build-bot");
        assertThat(pod.getAutomountServiceAccountToken()).isNull();
        assertThat(pod.getVolumes()).extracting(Volume::getName).containsExactly("function-code", "function-work");
        Volume code = pod.getVolumes().get(0);
        assertThat(code.getConfigMap().getName()).isEqualTo("greeter-r1-code");
        assertThat(code.getConfigMap().getItems()).containsExactly(
                new KeyToPath("runner.py", null, "runner.py"),
                new KeyToPath("code__main.py", null, "code/main.py"),
                new KeyToPath("code__pkg____init__.py", null, "code/pkg/__init__.py"),
                new KeyToPath("code__pkg__words.py", null, "code/pkg/words.py"));
        assertThat(code.getHostPath()).isNull();
        Volume work = pod.getVolumes().get(1);
        assertThat(work.getEmptyDir()).isNotNull();
        assertThat(work.getConfigMap()).isNull();

        assertThat(pod.getContainers()).hasSize(1);
        Container c = pod.getContainers().get(0);
        assertThat(c.getVolumeMounts()).containsExactly(
                new VolumeMountBuilder().withName("function-code").withMountPath("/function").withReadOnly(true).build(),
                new VolumeMountBuilder().withName("function-work").withMountPath("/function-work").build());
    }

    @Test
    void containerRunsTheRunner() throws SpecException {
        Container c = job(request(FULL, Map.of(), null)).getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(c.getName()).isEqualTo(RunLabels.MAIN_CONTAINER).isEqualTo("function");
        assertThat(c.getImage()).isEqualTo("python:3.11-slim");
        assertThat(c.getCommand()).containsExactly("python3", "-u", "/function/runner.py");
        assertThat(c.getArgs()).isNullOrEmpty();
        assertThat(c.getWorkingDir()).isNull();
        assertThat(c.getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(c.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        assertThat(c.getTerminationMessagePolicy()).isEqualTo("File");
        assertThat(c.getResources().getRequests())
                .isEqualTo(Map.of("cpu", new Quantity("250m"), "memory", new Quantity("64Mi")));
        assertThat(c.getResources().getLimits()).isEqualTo(Map.of("cpu", new Quantity("1"),
                "memory", new Quantity("128Mi"), "nvidia.com/gpu", new Quantity("1")));
    }

    @Test
    void environmentIsTheEnginesThenTheRunnersThenTheFunctions() throws SpecException {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("name", "Ada");
        parameters.put("count", 3);
        RunRequest request = request(FULL, parameters, null);
        List<EnvVar> env = job(request).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();

        assertThat(env).extracting(EnvVar::getName).containsExactly("FUNCTION_NAME", "FUNCTION_VERSION",
                "FUNCTION_RUN_ID", "FUNCTION_PARAMETERS", "FUNCTION_HANDLER", "FUNCTION_INIT", "FUNCTION_CODE_DIR",
                "FUNCTION_DEPS_DIR", "FUNCTION_REQUIREMENTS", "FUNCTION_PYTHON_VERSION", "GREETING", "PORT");
        assertThat(env).extracting(EnvVar::getValue).containsExactly("greeter", request.function().version(), "r1",
                "{\"count\":3,\"name\":\"Ada\"}", "main:handler", "setup", "/function/code", "/function-work/deps",
                "requests==2.32.3\npandas>=2,<3", "3.11", "Hello", "8080");
        assertThat(env).allSatisfy(e -> assertThat(e.getValueFrom()).isNull());
    }

    @Test
    void minimalFunctionGetsNoTokenNoResourcesAndOnlyTheVariablesItNeeds() throws SpecException {
        RunRequest request = request(MINIMAL, Map.of(), null);
        Job job = job(request);
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);

        assertThat(pod.getServiceAccountName()).isNull();
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(c.getImage()).isEqualTo("python:3.12-slim");
        assertThat(c.getImagePullPolicy()).isNull();
        assertThat(c.getResources()).isNull();
        assertThat(c.getEnv()).extracting(EnvVar::getName).containsExactly("FUNCTION_NAME", "FUNCTION_VERSION",
                "FUNCTION_RUN_ID", "FUNCTION_PARAMETERS", "FUNCTION_HANDLER", "FUNCTION_CODE_DIR", "FUNCTION_DEPS_DIR",
                "FUNCTION_PYTHON_VERSION");
        assertThat(job.getMetadata().getLabels()).isEqualTo(RunLabels.of(request));
        ConfigMap code = (ConfigMap) runtime.plan(request).objects().get(1);
        assertThat(code.getMetadata().getName()).isEqualTo("hello-r1-code");
        assertThat(code.getData()).containsOnlyKeys("runner.py", "code__main.py");
    }

    @Test
    void gitSourceIsClonedIntoTheWorkDirectory() throws SpecException {
        RunRequest request = request(GIT, Map.of(), null);
        Plan plan = runtime.plan(request);
        PodSpec pod = ((Job) plan.workload()).getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);

        assertThat(c.getImage()).isEqualTo("python:3.12");
        Map<String, String> env = new LinkedHashMap<>();
        c.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
        assertThat(env).containsEntry("FUNCTION_HANDLER", "app.main:run")
                .containsEntry("FUNCTION_CODE_DIR", "/function-work/code")
                .containsEntry("FUNCTION_GIT_URL", "https://github.com/example/functions.git")
                .containsEntry("FUNCTION_GIT_REF", "v1.2.0")
                .containsEntry("FUNCTION_GIT_PATH", "greeter/src")
                .doesNotContainKey("FUNCTION_REQUIREMENTS");
        ConfigMap code = (ConfigMap) plan.objects().get(1);
        assertThat(code.getData()).containsOnlyKeys("runner.py");
        assertThat(pod.getVolumes().get(0).getConfigMap().getItems())
                .containsExactly(new KeyToPath("runner.py", null, "runner.py"));
    }

    @Test
    void theLargestInlineSourceFitsInAConfigMap() throws SpecException {
        String head = "name: big\nruntime: python\nhandler: main:h\nsource:\n  files:\n";
        StringBuilder yaml = new StringBuilder(head);
        int perFile = 4096;
        int files = PythonFunctionParser.MAX_SOURCE_BYTES / perFile;
        for (int i = 0; i < files; i++) {
            String key = "code__m" + i + ".py";
            yaml.append("    m").append(i).append(".py: ").append("x".repeat(perFile - key.length())).append('\n');
        }
        ConfigMap code = (ConfigMap) runtime.plan(request(yaml.toString(), Map.of(), null)).objects().get(1);

        long bytes = 0;
        for (Map.Entry<String, String> e : code.getData().entrySet()) {
            bytes += e.getKey().length() + e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        assertThat(bytes).isGreaterThan(PythonFunctionParser.MAX_SOURCE_BYTES).isLessThan(1024 * 1024);
    }

    @Test
    void theExampleRendersWithTheCommandLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"render", "examples/functions/python-hello.yaml", "--param", "name=Ada"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(Main.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("kind: \"Job\"").contains("kind: \"ConfigMap\"")
                .contains("image: \"python:3.12-slim\"").contains("code__main.py");
    }

    @Test
    void parametersAreCheckedAsForEveryRuntime() {
        String blob = "x".repeat(64 * 1024);

        SpecException e = catchThrowableOfType(() -> job(request(MINIMAL, Map.of("blob", blob), null)),
                SpecException.class);
        assertThat(e.getField()).isEqualTo("parameters");
        SpecException timeout = catchThrowableOfType(() -> job(request(MINIMAL, Map.of(), Duration.ofDays(8))),
                SpecException.class);
        assertThat(timeout.getField()).isEqualTo("timeout");
    }

    // ---- helpers ----------------------------------------------------------------------------

    FunctionSpec validate(String yaml) throws SpecException {
        return runtime.validate(new FunctionSpecReader().read(yaml, "test.yaml"));
    }

    private SpecException refusal(String yaml) {
        SpecException e = catchThrowableOfType(() -> validate(yaml), SpecException.class);
        assertThat(e).as("refused: %s", yaml).isNotNull();
        return e;
    }

    /** A refusal with this field (null: any), value and rule text; the message says all three. */
    private void assertRefused(String yaml, String field, String value, String allowed) {
        SpecException e = refusal(yaml);
        if (field != null) {
            assertThat(e.getField()).as("field of %s", yaml).isEqualTo(field);
        }
        assertThat(e.getValue()).as("value of %s", yaml).isEqualTo(value);
        assertThat(e.getAllowed()).as("rule of %s", yaml).contains(allowed);
        assertThat(e.getMessage()).contains("field '" + e.getField() + "'").endsWith(e.getAllowed());
    }

    private Job job(RunRequest request) throws SpecException {
        return (Job) runtime.plan(request).workload();
    }

    RunRequest request(String yaml, Map<String, Object> parameters, Duration timeout) throws SpecException {
        return RunRequest.builder(validate(yaml), ActionKind.JOB)
                .runId("r1")
                .namespace("ci")
                .parameters(parameters)
                .timeout(timeout)
                .origin(Map.of(RunLabels.JENKINS_JOB, "folder/app"))
                .profile(GPU)
                .annotations(new LinkedHashMap<>(Map.of(RunLabels.JENKINS_BUILD_URL_ANNOTATION,
                        "https://ci.example.com/job/app/7/")))
                .build();
    }
}
