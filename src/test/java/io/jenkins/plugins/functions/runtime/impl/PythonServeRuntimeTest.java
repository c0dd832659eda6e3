package io.jenkins.plugins.functions.runtime.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.spec.FunctionSpecReader;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The python runtime's {@code serve} plan: the objects it renders, and what it refuses before any of them. */
class PythonServeRuntimeTest {

    static final String ECHO = """
            name: echo
            runtime: python
            labels: {team: examples}
            source:
              files:
                main.py: |
                  from lib.words import greet
                  STATE = {}
                  def load(context):
                      STATE["greeting"] = context["parameters"].get("greeting", "Hello")
                  def handler(body, context):
                      return {"greeting": greet(STATE["greeting"], body["name"])}
                lib/words.py: |
                  def greet(greeting, name):
                      return f"{greeting}, {name}!"
            handler: {function: main:handler, init: load}
            env: {WORKERS: '2', LISTEN: 'port $(FUNCTION_PORT)'}
            """;

    private final PythonRuntime runtime = new PythonRuntime();

    private static FunctionSpec validate(PythonRuntime runtime, String yaml) throws SpecException {
        return runtime.validate(new FunctionSpecReader().read(yaml, "echo.yaml"));
    }

    private Plan serve(String yaml, String runId) throws SpecException {
        return runtime.plan(RunRequest.builder(validate(runtime, yaml), ActionKind.SERVE)
                .runId(runId)
                .namespace("ci")
                .parameters(Map.of("greeting", "Hi"))
                .annotations(new LinkedHashMap<>(Map.of(RunLabels.JENKINS_BUILD_ID_ANNOTATION, "team/app#7")))
                .build());
    }

    private Plan serve(String yaml) throws SpecException {
        return serve(yaml, "r1");
    }

    private static Container container(Plan plan) {
        return ((Deployment) plan.workload()).getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static ConfigMap configMap(Plan plan) {
        return (ConfigMap) plan.objects().stream().filter(o -> o instanceof ConfigMap).findFirst().orElseThrow();
    }

    private static Map<String, String> env(Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        container.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
        return env;
    }

    private SpecException refusal(String yaml) {
        SpecException e = catchThrowableOfType(() -> serve(yaml), SpecException.class);
        assertThat(e).as("refused: %s", yaml).isNotNull();
        assertThat(e.getMessage()).contains("field '" + e.getField() + "'").endsWith(e.getAllowed());
        return e;
    }

    // ---- the objects --------------------------------------------------------------------------

    @Test
    void planIsTheDeploymentThenItsServiceThenItsCodeConfigMap() throws SpecException {
        Plan plan = serve(ECHO);

        assertThat(plan.objects()).extracting(HasMetadata::getKind).containsExactly("Deployment", "Service", "ConfigMap");
        assertThat(plan.workload()).isSameAs(plan.objects().get(0));
        Deployment deployment = (Deployment) plan.workload();
        Service service = (Service) plan.objects().get(1);
        assertThat(deployment.getMetadata().getName()).isEqualTo("echo");
        assertThat(service.getMetadata().getName()).isEqualTo("echo");
        assertThat(configMap(plan).getMetadata().getName()).matches("echo-code-[0-9a-f]{10}");
        for (HasMetadata object : plan.objects()) {
            assertThat(object.getMetadata().getNamespace()).isEqualTo("ci");
            assertThat(object.getMetadata().getLabels()).containsEntry("team", "examples")
                    .containsEntry(RunLabels.RUNTIME, "python").containsEntry(RunLabels.ACTION, "serve")
                    .containsEntry(RunLabels.RUN_ID, "r1");
            assertThat(object.getMetadata().getAnnotations()).containsEntry(RunLabels.JENKINS_BUILD_ID_ANNOTATION,
                    "team/app#7");
        }
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        assertThat(deployment.getSpec().getSelector().getMatchLabels()).isEqualTo(Map.of(
                RunLabels.MANAGED_BY, RunLabels.MANAGER, RunLabels.FUNCTION, "echo", RunLabels.ACTION, "serve"));
        assertThat(service.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getPort()).isEqualTo(8080);
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
        });
    }

    @Test
    void theSelectorAndServiceAreAContainerFunctionsSoAFunctionCanChangeRuntime() throws SpecException {
        Plan python = serve(ECHO);
        Plan container = new ContainerRuntime().plan(RunRequest.builder(new ContainerRuntime().validate(
                        FunctionSpec.of("echo", "container", Map.of("image", "example.com/echo:1", "ports", List.of(8080)))),
                ActionKind.SERVE).runId("r2").namespace("ci").build());

        assertThat(((Deployment) python.workload()).getSpec().getSelector())
                .isEqualTo(((Deployment) container.workload()).getSpec().getSelector());
        assertThat(((Service) python.objects().get(1)).getSpec())
                .isEqualTo(((Service) container.objects().get(1)).getSpec());
    }

    @Test
    void thePodRunsTheRunnersServerModeOnThePort() throws SpecException {
        Plan plan = serve(ECHO);
        PodSpec pod = ((Deployment) plan.workload()).getSpec().getTemplate().getSpec();
        Container c = container(plan);

        assertThat(pod.getRestartPolicy()).isEqualTo("Always");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(c.getName()).isEqualTo(RunLabels.MAIN_CONTAINER);
        assertThat(c.getImage()).isEqualTo("python:3.12-slim");
        assertThat(c.getCommand()).containsExactly("python3", "-u", "/function/runner.py");
        assertThat(c.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getContainerPort()).isEqualTo(8080);
            assertThat(p.getProtocol()).isEqualTo("TCP");
        });
        // the runner's variables, then the server mode's, then the function's, which may use them
        assertThat(c.getEnv()).extracting(EnvVar::getName).containsExactly("FUNCTION_NAME", "FUNCTION_VERSION",
                "FUNCTION_RUN_ID", "FUNCTION_PARAMETERS", "FUNCTION_HANDLER", "FUNCTION_INIT", "FUNCTION_CODE_DIR",
                "FUNCTION_DEPS_DIR", "FUNCTION_PYTHON_VERSION", "FUNCTION_ACTION", "FUNCTION_PORT", "LISTEN", "WORKERS");
        assertThat(env(c)).containsEntry("FUNCTION_ACTION", "serve").containsEntry("FUNCTION_PORT", "8080")
                .containsEntry("FUNCTION_HANDLER", "main:handler").containsEntry("FUNCTION_INIT", "load")
                .containsEntry("FUNCTION_PARAMETERS", "{\"greeting\":\"Hi\"}");
    }

    @Test
    void theProbesAskTheRunnersHealthCheckAndAllowForTheSetup() throws SpecException {
        Container plain = container(serve(ECHO));
        Container installing = container(serve(ECHO + "requirements: [requests==2.32.3]\n"));

        Probe readiness = plain.getReadinessProbe();
        assertThat(readiness.getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(readiness.getHttpGet().getPort().getIntVal()).isEqualTo(8080);
        assertThat(readiness.getPeriodSeconds()).isEqualTo(5);
        assertThat(readiness.getFailureThreshold()).isEqualTo(3);
        Probe startup = plain.getStartupProbe();
        assertThat(startup.getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(startup.getHttpGet().getPort().getIntVal()).isEqualTo(8080);
        assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold()).as("seconds to set up").isEqualTo(300);
        Probe installingStartup = installing.getStartupProbe();
        assertThat(installingStartup.getPeriodSeconds() * installingStartup.getFailureThreshold())
                .as("seconds to install the requirements and set up").isEqualTo(600);
        assertThat(plain.getLivenessProbe()).as("a busy handler is not a dead one").isNull();
    }

    @Test
    void theRequirementsAreInstalledAtStartOnlyInTheDefaultImage() throws SpecException {
        String withRequirements = ECHO + "requirements: [requests==2.32.3]\n";
        Container installing = container(serve(withRequirements));
        Container built = container(serve(withRequirements + "image: registry.example.com/echo:1\n"));

        assertThat(env(installing)).containsEntry("FUNCTION_REQUIREMENTS", "requests==2.32.3");
        assertThat(env(built)).doesNotContainKey("FUNCTION_REQUIREMENTS");
        assertThat(built.getImage()).isEqualTo("registry.example.com/echo:1");
        assertThat(built.getStartupProbe().getFailureThreshold()).as("nothing to install").isEqualTo(150);
    }

    @Test
    void aPortTypeAndReplicasOfTheFunctionAreUsed() throws SpecException {
        Plan plan = serve(ECHO + "ports: [{name: api, port: 9000}]\nreplicas: 3\nserviceType: NodePort\n");
        Container c = container(plan);
        Service service = (Service) plan.objects().get(1);

        assertThat(((Deployment) plan.workload()).getSpec().getReplicas()).isEqualTo(3);
        assertThat(env(c)).containsEntry("FUNCTION_PORT", "9000");
        assertThat(c.getPorts()).singleElement().satisfies(p -> assertThat(p.getName()).isEqualTo("api"));
        assertThat(c.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(9000);
        assertThat(c.getStartupProbe().getHttpGet().getPort().getIntVal()).isEqualTo(9000);
        assertThat(service.getSpec().getType()).isEqualTo("NodePort");
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort()).isEqualTo(9000);
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("api");
        });
    }

    // ---- the code ConfigMap -------------------------------------------------------------------

    @Test
    void theConfigMapIsNamedByItsContentAndMountedByThePods() throws SpecException {
        Plan first = serve(ECHO, "r1");
        Plan again = serve(ECHO, "r2");
        Plan changed = serve(ECHO.replace("f\"{greeting}, {name}!\"", "f\"{greeting}, {name}!!\""), "r3");
        ConfigMap code = configMap(first);

        assertThat(configMap(again).getMetadata().getName()).as("the same code, another run")
                .isEqualTo(code.getMetadata().getName());
        assertThat(configMap(changed).getMetadata().getName()).as("new code").isNotEqualTo(code.getMetadata().getName());
        assertThat(code.getImmutable()).isTrue();
        assertThat(code.getData()).containsOnlyKeys("runner.py", "code__main.py", "code__lib__words.py");
        assertThat(code.getData().get("runner.py")).isEqualTo(PythonRuntime.runner());
        for (Plan plan : List.of(first, changed)) {
            Volume volume = ((Deployment) plan.workload()).getSpec().getTemplate().getSpec().getVolumes().stream()
                    .filter(v -> v.getConfigMap() != null).findFirst().orElseThrow();
            assertThat(volume.getConfigMap().getName()).isEqualTo(configMap(plan).getMetadata().getName());
        }
    }

    @Test
    void theServingFieldsArePartOfTheVersionAndAJobIgnoresThem() throws SpecException {
        FunctionSpec plain = validate(runtime, ECHO);
        FunctionSpec served = validate(runtime, ECHO + "ports: [8080]\n");
        FunctionSpec named = validate(runtime, ECHO + "ports: [{name: http, port: 8080}]\n");

        assertThat(served.version()).isNotEqualTo(plain.version()).isEqualTo(named.version());
        assertThat(served.field("ports")).isEqualTo(List.of(Map.of("name", "http", "port", 8080)));
        Plan job = runtime.plan(RunRequest.builder(served, ActionKind.JOB).runId("r1").namespace("ci").build());
        assertThat(job.workload()).isInstanceOf(Job.class);
        assertThat(((Job) job.workload()).getSpec().getTemplate().getSpec().getContainers().get(0).getPorts()).isEmpty();
    }

    // ---- refusals: field, value, what is allowed ---------------------------------------------

    @Test
    void anInitFunctionTheCodeDoesNotHaveIsRefused() {
        SpecException e = refusal(ECHO.replace("init: load", "init: load_model"));

        assertThat(e.getField()).isEqualTo("handler.init");
        assertThat(e.getValue()).isEqualTo("load_model");
        assertThat(e.getAllowed()).isEqualTo("must be a function of the handler's module 'main', and main.py (in"
                + " source) has no 'load_model': define def load_model(): there, or name the function it has");
    }

    @Test
    void anInitFunctionIsLookedForOnlyInTheHandlersOwnFile() throws SpecException {
        // in a package's __init__.py, imported from elsewhere, or in a module that is not in the source
        String pkg = """
                name: echo
                runtime: python
                source:
                  files:
                    app/__init__.py: |
                      from app.setup import warm_up
                      def run(body):
                          return body
                    app/setup.py: |
                      def warm_up():
                          pass
                handler: {function: 'app:run', init: warm_up}
                """;
        assertThat(serve(pkg).workload()).isInstanceOf(Deployment.class);
        SpecException wrongFile = refusal(pkg.replace("init: warm_up", "init: cool_down"));
        assertThat(wrongFile.getAllowed()).contains("app/__init__.py (in source) has no 'cool_down'");
        String fromTheImage = ECHO.replace("function: main:handler", "function: 'service.api:handle'");
        assertThat(serve(fromTheImage).workload()).as("service/api.py is not in the source: the image may have it")
                .isInstanceOf(Deployment.class);
        String git = """
                name: echo
                runtime: python
                source: {git: {url: 'https://github.com/example/functions.git', ref: v1}}
                handler: {function: main:handler, init: anything}
                """;
        assertThat(serve(git).workload()).isInstanceOf(Deployment.class);
    }

    @Test
    void aHandlerThatIsNotModuleFunctionIsRefused() {
        SpecException e = refusal(ECHO.replace("function: main:handler", "function: main.handler"));

        assertThat(e.getField()).isEqualTo("handler.function");
        assertThat(e.getValue()).isEqualTo("main.handler");
        assertThat(e.getAllowed()).startsWith("must be module:function, such as main:handler");
    }

    @Test
    void morePortsThanOneAreRefused() {
        SpecException e = refusal(ECHO + "ports: [8080, 9090]\n");

        assertThat(e.getField()).isEqualTo("ports");
        assertThat(e.getAllowed()).startsWith("must be one port for a python function, such as [8080] (the default)");
    }

    @Test
    void portsAreCheckedAsForEveryServedFunction() {
        SpecException range = refusal(ECHO + "ports: [0]\n");
        SpecException type = refusal(ECHO + "ports: [8080]\nserviceType: External\n");

        assertThat(range.getField()).isEqualTo("ports[0]");
        assertThat(range.getValue()).isEqualTo("0");
        assertThat(range.getAllowed()).isEqualTo("must be a port number from 1 to 65535");
        assertThat(type.getField()).isEqualTo("serviceType");
        assertThat(type.getAllowed()).isEqualTo("must be one of ClusterIP, NodePort, LoadBalancer");
    }

    @Test
    void aReadinessProbeOfItsOwnIsRefusedSayingWhy() {
        SpecException e = refusal(ECHO + "readinessProbe: {path: /ready, port: 8080}\n");

        assertThat(e.getField()).isEqualTo("readinessProbe");
        assertThat(e.getAllowed()).contains("the runner's GET /healthz on its port, which answers 200 once the code"
                + " is loaded and the init function has run");
    }

    @Test
    void aNameThatCannotBeAServiceIsRefusedForServeOnly() throws SpecException {
        String yaml = ECHO.replace("name: echo", "name: 9lives");
        SpecException e = refusal(yaml);

        assertThat(e.getField()).isEqualTo("name");
        assertThat(e.getValue()).isEqualTo("9lives");
        assertThat(e.getAllowed()).startsWith("must start with a letter to be served");
        assertThat(runtime.plan(RunRequest.builder(validate(runtime, yaml), ActionKind.JOB).runId("r1").build())
                .workload()).isInstanceOf(Job.class);
    }

    @Test
    void deployIsRefusedNamingWhatIsSupported() throws SpecException {
        SpecException e = catchThrowableOfType(() -> runtime.plan(RunRequest.builder(validate(runtime, ECHO),
                ActionKind.DEPLOY).runId("r1").build()), SpecException.class);

        assertThat(e.getField()).isEqualTo("action");
        assertThat(e.getValue()).isEqualTo("deploy");
        assertThat(e.getAllowed()).isEqualTo("runtime 'python' supports build, job, serve");
    }
}
