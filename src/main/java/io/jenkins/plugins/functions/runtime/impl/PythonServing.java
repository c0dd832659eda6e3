package io.jenkins.plugins.functions.runtime.impl;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.PythonFunction;
import io.jenkins.plugins.functions.model.PythonFunction.Git;
import io.jenkins.plugins.functions.model.ServiceSettings;
import io.jenkins.plugins.functions.runtime.CredentialEnv;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.spec.SpecException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The {@code serve} action of the {@code python} runtime: the runner in its server mode
 * ({@code FUNCTION_ACTION=serve}), the handler behind HTTP, in a Deployment with a Service in
 * front of it (the same {@link ServiceObjects} as a served container function).
 *
 * <p>Objects, in creation order: the Deployment {@code <name>} (the workload), the Service
 * {@code <name>}, and the ConfigMap {@code <name>-code-<hash>} with the runner and the code, both
 * owned by the Deployment. The ConfigMap is named after a hash of its content, so a new version of
 * the code is a new ConfigMap and a new pod template: the Deployment rolls forward, and the old
 * pods keep the ConfigMap they mounted until they are gone. Serving unchanged code again reuses
 * the ConfigMap of that name.
 *
 * <p>Probes: the runner answers {@code GET /healthz} with 200 once the code is loaded and the
 * init function has run, 503 before and while it stops. That is the readiness probe, and the
 * startup probe, which gives the setup (a git clone, a pip install, the init function) a window of
 * {@value #STARTUP_WINDOW_SECONDS} seconds, {@value #STARTUP_WINDOW_INSTALLING_SECONDS} when it
 * clones or installs. No liveness probe: the server answers its health check on its own thread,
 * so a busy handler is not a dead one, and restarting a slow pod would only make it slower.
 */
final class PythonServing {

    /** The port the runner serves on when the function names none. */
    static final int DEFAULT_PORT = 8080;
    static final String DEFAULT_PORT_NAME = "http";
    static final String HEALTH_PATH = "/healthz";
    static final String ENV_ACTION = "FUNCTION_ACTION";
    static final String ENV_PORT = "FUNCTION_PORT";
    static final String SERVE = "serve";
    static final String CONFIG_MAP_INFIX = "-code-";
    static final int READINESS_PERIOD_SECONDS = 5;
    static final int READINESS_FAILURE_THRESHOLD = 3;
    static final int STARTUP_PERIOD_SECONDS = 2;
    /** How long the startup probe waits for the code to load and the init function to run. */
    static final int STARTUP_WINDOW_SECONDS = 300;
    /** The same when the pod also clones a git source or installs requirements first. */
    static final int STARTUP_WINDOW_INSTALLING_SECONDS = 600;

    static final String PORTS_RULE = "must be one port for a python function, such as [8080] (the default) or"
            + " [{name: http, port: 8080}]: the runner serves the handler on it";

    private PythonServing() {
    }

    /** The serving fields of a python function: those of any served function, with at most one port. */
    static ServiceSettings settings(FunctionSpec spec) throws SpecException {
        ServiceSettings settings = ServiceSettingsParser.parse(spec);
        if (settings.ports().size() > 1) {
            throw new SpecException(ServiceSettingsParser.PORTS, spec.field(ServiceSettingsParser.PORTS), PORTS_RULE);
        }
        return settings;
    }

    /** The port the runner serves on: the function's, else {@value #DEFAULT_PORT} named {@code http}. */
    static ServiceSettings.Port port(ServiceSettings settings) {
        return settings.ports().isEmpty() ? new ServiceSettings.Port(DEFAULT_PORT_NAME, DEFAULT_PORT)
                : settings.ports().get(0);
    }

    /**
     * Whether the pod installs the requirements when it starts: only in the default image. An
     * image the function names (such as one {@code build} made) is expected to hold them, so the
     * pods of a service start without reaching a package index.
     */
    static boolean installsRequirements(PythonFunction function) {
        return !function.requirements().isEmpty()
                && function.image().equals(PythonFunctionParser.defaultImage(function.pythonVersion(), function.source()));
    }

    static Plan plan(PythonRuntime runtime, PythonFunction function, RunRequest request) throws SpecException {
        ServiceSettings settings = settings(request.function());
        String name = function.name();
        ServiceSettingsParser.checkServiceName(name);
        ServiceSettings.Port port = port(settings);
        boolean installs = installsRequirements(function);
        Map<String, String> labels = PodTemplates.labels(function.labels(), request);

        ConfigMap code = PythonRuntime.configMap(function, request, labels, name);
        String configMapName = configMapName(name, code.getData());
        code.getMetadata().setName(configMapName);

        CredentialEnv env = CredentialEnv.of(function.env(), request, name, labels);
        PodTemplateSpec template = runtime.podTemplate(function, request, labels, configMapName, "Always", env);
        Container container = template.getSpec().getContainers().get(0);
        container.setPorts(ServiceObjects.containerPorts(List.of(port)));
        container.setEnv(environment(container.getEnv(), port, installs));
        container.setReadinessProbe(health(port).withPeriodSeconds(READINESS_PERIOD_SECONDS)
                .withFailureThreshold(READINESS_FAILURE_THRESHOLD).build());
        boolean setsUpLong = installs || function.source() instanceof Git;
        int window = setsUpLong ? STARTUP_WINDOW_INSTALLING_SECONDS : STARTUP_WINDOW_SECONDS;
        container.setStartupProbe(health(port).withPeriodSeconds(STARTUP_PERIOD_SECONDS)
                .withFailureThreshold(window / STARTUP_PERIOD_SECONDS).build());

        Map<String, String> selector = ServiceObjects.selector(name, request);
        ObjectMeta metadata = ServiceObjects.metadata(name, request, labels);
        Deployment deployment = ServiceObjects.deployment(metadata, selector, settings.replicas(), template);
        Service service = ServiceObjects.service(metadata, selector, settings, List.of(port));
        // the Deployment first: the engine creates the workload, then the objects it owns
        return PodTemplates.plan(request, deployment, env, service, code);
    }

    private static ProbeBuilder health(ServiceSettings.Port port) {
        return new ProbeBuilder().withNewHttpGet().withPath(HEALTH_PATH).withPort(new IntOrString(port.port()))
                .endHttpGet();
    }

    /**
     * The job's environment with the server mode's variables after the runner's (before the
     * function's own, which may use them as {@code $(FUNCTION_PORT)}), and without the
     * requirements when the image holds them.
     */
    private static List<EnvVar> environment(List<EnvVar> jobEnvironment, ServiceSettings.Port port, boolean installs) {
        List<EnvVar> env = new ArrayList<>();
        boolean added = false;
        for (EnvVar e : jobEnvironment) {
            if (!installs && PythonRuntime.ENV_REQUIREMENTS.equals(e.getName())) {
                continue;
            }
            env.add(e);
            if (PythonRuntime.ENV_PYTHON_VERSION.equals(e.getName())) {
                env.add(new EnvVar(ENV_ACTION, SERVE, null));
                env.add(new EnvVar(ENV_PORT, Integer.toString(port.port()), null));
                added = true;
            }
        }
        if (!added) {
            throw new IllegalStateException("the python runtime's environment has no " + PythonRuntime.ENV_PYTHON_VERSION);
        }
        return env;
    }

    /**
     * {@code <name>-code-<10 hex digits of the SHA-256 of the data>}: a new runner or new code is
     * a new name (a ConfigMap is immutable), the same ones the same name.
     */
    static String configMapName(String functionName, Map<String, String> data) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
        data.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            sha256.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
            sha256.update(e.getValue().getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
        });
        return functionName + CONFIG_MAP_INFIX + HexFormat.of().formatHex(sha256.digest()).substring(0, 10);
    }
}
