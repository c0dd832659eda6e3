package io.jenkins.plugins.functions.jenkins.builders;

import static org.assertj.core.api.Assertions.assertThat;

import com.thoughtworks.xstream.XStream;
import hudson.model.TaskListener;
import hudson.tasks.Builder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.jenkins.FakeEnvVars;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.runtime.build.LocalContextFiles;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The example freestyle jobs ({@code examples/freestyle/config.xml}, {@code build-image.xml}) as
 * Jenkins would build them:
 * its function steps are read from the job's XML (XStream, as Jenkins loads {@code config.xml})
 * and performed in order on one build, with this repository as the workspace, against the cluster
 * simulation; each step sees the build's parameters and the variables of the steps before it.
 * The images' behaviour is simulated; the function files and the job are the real ones.
 */
class ExampleFreestyleJobTest {

    private static final Path JOB = Path.of("examples/freestyle/config.xml");
    private static final Path BUILD_IMAGE_JOB = Path.of("examples/freestyle/build-image.xml");
    private static final String BUILDER = "registry.test/buildkit:rootless";
    private static final String PASSWORD = "registry-robot-password-31337";
    private static final String BUILDERS = "io.jenkins.plugins.functions.jenkins.builders.";

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;
    private Clusters.Resolver previous;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final TaskListener listener = () -> new PrintStream(log, true, StandardCharsets.UTF_8);
    private FakeBuild build;

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        engine = new FunctionEngine(client, EngineOptions.defaults().withLogDrainTimeout(Duration.ofSeconds(5)));
        RuntimeRegistry runtimes = RuntimeRegistry.fromServiceLoader(getClass().getClassLoader());
        build = new FakeBuild("examples/functions-freestyle", 1);
        previous = Clusters.setResolver(b -> new Clusters.Target(engine, "default", runtimes,
                id -> id.equals(build.getExternalizableId()) ? build : null)
                .withCredentials((id, forBuild) -> id.equals("registry-robot")
                        ? CredentialValue.usernamePassword(id, "robot$functions", PASSWORD) : null)
                .withBuilderImage(BUILDER));
    }

    @AfterEach
    void stop() {
        Clusters.setResolver(previous);
        engine.close();
        client.close();
        sim.close();
    }

    /** The job's build steps: ours as objects, any other as its element name. */
    private static List<Object> steps(Path job) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Element builders = (Element) factory.newDocumentBuilder().parse(job.toFile())
                .getElementsByTagName("builders").item(0);
        XStream xstream = new XStream();
        xstream.allowTypesByWildcard(new String[] {"io.jenkins.plugins.functions.**"});
        var transformer = TransformerFactory.newInstance().newTransformer();
        transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
        List<Object> steps = new ArrayList<>();
        for (Node n = builders.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                if (e.getTagName().startsWith(BUILDERS)) {
                    StringWriter xml = new StringWriter();
                    transformer.transform(new DOMSource(e), new StreamResult(xml));
                    steps.add(xstream.fromXML(xml.toString()));
                } else {
                    steps.add(e.getTagName());
                }
            }
        }
        return steps;
    }

    /** The build's environment as Jenkins gives it to a step: parameters, then the actions' variables. */
    private FakeEnvVars environment(Map<String, String> parameters) {
        Map<String, String> base = new LinkedHashMap<>(parameters);
        base.put("BUILD_NUMBER", "1");
        FakeEnvVars env = new FakeEnvVars(base);
        build.getActions(FunctionResultEnvironment.class).forEach(a -> a.buildEnvironment(build, env));
        return env;
    }

    /** Performs the job's steps in order; returns the environments its shell steps would see. */
    private List<Map<String, String>> perform(List<Object> steps, Map<String, String> parameters) throws Exception {
        Path root = Path.of(".");
        LocalFolder workspace = new LocalFolder(root);
        List<Map<String, String>> shellEnvironments = new ArrayList<>();
        for (Object step : steps) {
            if (step instanceof FunctionBuilder function) {
                function.perform(build, workspace, new LocalContextFiles(root), environment(parameters), listener);
            } else if (step instanceof StopFunctionBuilder stop) {
                stop.perform(build, environment(parameters), listener);
            } else {
                assertThat(step).isNotInstanceOf(Builder.class);
                shellEnvironments.add(Map.copyOf(environment(parameters)));
            }
        }
        return shellEnvironments;
    }

    @Test
    void theExampleJobRunsServesTestsAndStops() throws Exception {
        sim.onImage("busybox:1.36", PodBehavior.succeed().logs("Hello, Ada! (run ...)")
                .terminationMessage("{\"greeting\":\"Hello, Ada!\"}"));
        sim.onImage("python:3.12-slim", PodBehavior.longRunning().readyAfter(Duration.ofMillis(100)));
        sim.onImage("curlimages/curl:8.8.0", PodBehavior.succeed()
                .terminationMessage("{\"greeting\":\"Hello, Ada!\",\"version\":\"1\"}"));

        List<Object> steps = steps(JOB);
        assertThat(steps).extracting(s -> s instanceof String name ? name : s.getClass().getSimpleName())
                .containsExactly("RunFunctionBuilder", "hudson.tasks.Shell", "ServeFunctionBuilder",
                        "RunFunctionBuilder", "hudson.tasks.Shell", "StopFunctionBuilder");
        List<Map<String, String>> shellEnvironments = perform(steps, Map.of("WHO", "Ada"));

        List<FunctionRunAction> runs = FunctionRunAction.of(build);
        assertThat(runs).extracting(FunctionRunAction::getFunction)
                .containsExactly("hello", "greeter-web", "greeter-web-smoke");
        FunctionRunAction hello = runs.get(0);
        assertThat(hello.getState()).isEqualTo("COMPLETED");
        assertThat(hello.getParameters()).isEqualTo(Map.of("name", "Ada"));
        assertThat(shellEnvironments.get(0)).containsEntry("FUNCTION_OUTPUT_GREETING", "Hello, Ada!")
                .containsEntry("FUNCTION_RUN_ID", hello.getRunId()).containsEntry("FUNCTION_EXIT_CODE", "0");

        FunctionRunAction web = runs.get(1);
        assertThat(web.getAction()).isEqualTo("serve");
        assertThat(web.getState()).as("stopped by the job's last step").isEqualTo("STOPPED");
        assertThat(web.getOutputs()).containsEntry("url", "http://greeter-web.default.svc:8080");

        FunctionRunAction smoke = runs.get(2);
        assertThat(smoke.getState()).isEqualTo("COMPLETED");
        assertThat(smoke.getSpec()).as("the serve step's URL reached the smoke test; $$ stayed a $ for its shell")
                .contains("{\"name\":\"WEB_URL\",\"value\":\"http://greeter-web.default.svc:8080\"}")
                .contains("{\"name\":\"WHO\",\"value\":\"Ada\"}")
                .contains("curl -fsS -o /dev/termination-log \\\"$WEB_URL/?name=$WHO\\\"");
        assertThat(shellEnvironments.get(1)).containsEntry("FUNCTION_OUTPUTS", "{\"greeting\":\"Hello, Ada!\",\"version\":\"1\"}")
                .doesNotContainKey("FUNCTION_URL");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("Stopped default/greeter-web (served by"
                + " examples/functions-freestyle#1)");
        assertThat(client.apps().deployments().inNamespace("default").list().getItems()).isEmpty();
    }

    @Test
    void theBuildImageExampleJobBuildsAndRunsWhatItBuilt() throws Exception {
        String pushed = "registry.test/functions/hello-app:1";
        String digest = "sha256:" + "a1".repeat(32);
        sim.onImage(BUILDER, PodBehavior.succeed().logs("[build] pushed " + pushed + "@" + digest)
                .terminationMessage("{\"image\":\"" + pushed + "@" + digest + "\",\"digest\":\"" + digest + "\"}"));
        sim.onImage(pushed + "@" + digest, PodBehavior.succeed().logs("Hello, Ada, from hello-app 1.0.1")
                .terminationMessage("{\"greeting\":\"Hello, Ada\",\"version\":\"1.0.1\"}"));

        List<Object> steps = steps(BUILD_IMAGE_JOB);
        assertThat(steps).extracting(s -> s instanceof String name ? name : s.getClass().getSimpleName())
                .containsExactly("BuildImageBuilder", "hudson.tasks.Shell", "RunFunctionBuilder", "hudson.tasks.Shell");
        // the build namespace is the default one here: the simulation's only allowed namespace
        List<Map<String, String>> shellEnvironments = perform(steps, Map.of("REGISTRY", "registry.test/functions",
                "BUILD_NAMESPACE", "default", "WHO", "Ada"));

        List<FunctionRunAction> runs = FunctionRunAction.of(build);
        assertThat(runs).extracting(FunctionRunAction::getAction).containsExactly("build", "job");
        FunctionRunAction image = runs.get(0);
        assertThat(image.getState()).isEqualTo("COMPLETED");
        assertThat(image.getFunction()).isEqualTo("hello-app");
        assertThat(image.getObjects()).hasSize(3).anySatisfy(o -> assertThat(o).endsWith("-context"));
        assertThat(shellEnvironments.get(0)).containsEntry("FUNCTION_IMAGE", pushed + "@" + digest)
                .containsEntry("FUNCTION_DIGEST", digest);
        FunctionRunAction run = runs.get(1);
        assertThat(run.getState()).isEqualTo("COMPLETED");
        assertThat(run.getSpec()).as("the run's image is the pushed one, pinned by digest")
                .contains("\"image\":\"" + pushed + "@" + digest + "\"");
        assertThat(shellEnvironments.get(1)).containsEntry("FUNCTION_OUTPUT_GREETING", "Hello, Ada")
                .containsEntry("FUNCTION_OUTPUT_VERSION", "1.0.1").doesNotContainKey("FUNCTION_IMAGE");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("Building " + pushed
                + " from workspace folder 'examples/build/hello-app'").doesNotContain(PASSWORD);
    }
}
