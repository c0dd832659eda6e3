package io.jenkins.plugins.functions.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.kubernetes.LogLine;
import io.jenkins.plugins.functions.kubernetes.RunHandle;
import io.jenkins.plugins.functions.kubernetes.RunListener;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.observability.TraceContext;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.model.ContainerFunction.CredentialRef;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.runtime.Profiles;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.impl.ContainerFunctionParser;
import io.jenkins.plugins.functions.spec.Fields;
import io.jenkins.plugins.functions.spec.PodFields;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.spec.FunctionSpecReader;
import io.jenkins.plugins.functions.spec.SpecException;
import io.jenkins.plugins.functions.spec.WorkspaceSources;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;

/**
 * The command line over the engine, for trying a function without Jenkins:
 * {@code render} prints the Kubernetes objects a run would create; {@code run} runs it on the
 * cluster of a kubeconfig through the same engine the Jenkins steps use.
 *
 * <p>Exit codes (sysexits where one fits): 0 done; 1 the run failed or was stopped; 2 the
 * function or the run's arguments were refused (the {@link SpecException} message on stderr);
 * 64 usage; 66 the file cannot be read; 69 the cluster cannot be reached; 70 an internal error.
 */
public final class Main {

    public static final int OK = 0;
    public static final int RUN_FAILED = 1;
    public static final int SPEC_ERROR = 2;
    public static final int USAGE = 64;
    public static final int NO_INPUT = 66;
    public static final int UNAVAILABLE = 69;
    public static final int SOFTWARE = 70;
    private static final SecureRandom RANDOM = new SecureRandom();

    static final String USAGE_TEXT = String.join("\n",
            "usage: function-runtimes render <file.yaml> [--action job] [--namespace ns] [--param key=value ...] [--timeout 10m]",
            "                                [--profiles profiles.yaml]",
            "       function-runtimes run <file.yaml> [--kubeconfig file] [--namespace ns] [--param key=value ...] [--timeout 10m]",
            "                                [--profiles profiles.yaml]",
            "",
            "render  reads a function file, validates it and prints the Kubernetes objects one run would",
            "        create, as YAML. Nothing is sent to a cluster. The run id is render-<version>, so the",
            "        output depends only on the file and the options.",
            "run     runs the function once on the cluster of the kubeconfig (--kubeconfig, else KUBECONFIG,",
            "        else ~/.kube/config, else the pod's service account), streams its log to stdout, prints",
            "        the outcome and its outputs, and deletes the Job. Ctrl-C stops the run and deletes it.",
            "  --action      the action (default: job)",
            "  --namespace   the namespace of the objects (default: render: default; run: the kubeconfig's)",
            "  --param       a run parameter, repeatable; values are text",
            "  --timeout     how long the run may take: 90s, 10m, 2h, 1d or combined as 1h30m (default: 1h)",
            "  --kubeconfig  run only: the kubeconfig file to use",
            "  --profiles    a YAML file of profiles by name, as in the global configuration, such as",
            "                gpu-small: {nodeSelector: {pool: gpu}, gpuResourceName: nvidia.com/gpu}",
            "env values from Jenkins credentials ({credentialsId: ...}) exist only in Jenkins: render shows",
            "their Secret with its values redacted; run refuses them.",
            "");


    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The whole command: what {@link #main} does, without exiting, for tests. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(USAGE_TEXT);
            return USAGE;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            switch (args[0]) {
                case "render":
                    return render(CommandOptions.parse(rest), out, err);
                case "run":
                    return runCommand(rest, out, err);
                case "help":
                case "-h":
                case "--help":
                    out.print(USAGE_TEXT);
                    return OK;
                default:
                    throw new UsageException("unknown command '" + args[0] + "'");
            }
        } catch (UsageException e) {
            err.println("function-runtimes: " + e.getMessage());
            err.print(USAGE_TEXT);
            return USAGE;
        } catch (RuntimeException e) {
            err.println("function-runtimes: internal error: " + e);
            return SOFTWARE;
        }
    }

    private static int render(CommandOptions options, PrintStream out, PrintStream err) {
        try {
            FunctionSpec function = read(options);
            Plan plan = plan(function, options, "render-" + function.version().substring(0, 8),
                    options.namespace() != null ? options.namespace() : "default", true);
            out.print(plan.toYaml());
            return OK;
        } catch (SpecException e) {
            err.println(e.getOrigin() == null ? e.withOrigin(options.file().toString()).getMessage() : e.getMessage());
            return SPEC_ERROR;
        } catch (IOException e) {
            err.println("function-runtimes: cannot read " + options.file() + ": "
                    + (e instanceof NoSuchFileException ? "no such file" : e.toString()));
            return NO_INPUT;
        }
    }

    /** Reads and validates the function file with the runtimes on the class path. */
    private static FunctionSpec read(CommandOptions options) throws IOException, SpecException {
        byte[] yaml;
        try (InputStream in = Files.newInputStream(options.file())) {
            // one byte more than allowed is enough for the reader to refuse an oversized file
            yaml = in.readNBytes(FunctionSpecReader.MAX_BYTES + 1);
        }
        String origin = options.file().toString();
        FunctionSpec spec = new FunctionSpecReader().read(yaml, origin);
        try {
            // source.path is read relative to the current directory, as a build reads it from its workspace
            spec = WorkspaceSources.resolve(spec, new LocalWorkspace(Path.of("")));
        } catch (SpecException e) {
            throw e.getOrigin() == null ? e.withOrigin(origin) : e;
        }
        return runtimes().validate(spec);
    }

    private static Plan plan(FunctionSpec function, CommandOptions options, String runId, String namespace)
            throws SpecException {
        return plan(function, options, runId, namespace, false);
    }

    /**
     * @param placeholders render only: credentials stand for themselves ({@code <id>}), as the
     *                     command line cannot resolve Jenkins credentials; run refuses them
     */
    private static Plan plan(FunctionSpec function, CommandOptions options, String runId, String namespace,
            boolean placeholders) throws SpecException {
        Map<String, CredentialValue> credentials = new LinkedHashMap<>();
        for (Map.Entry<String, CredentialRef> e : PodFields.credentialRefs(function).entrySet()) {
            String id = e.getValue().credentialsId();
            if (!placeholders) {
                throw new SpecException(Fields.path("env", e.getKey()), id, "a value the command line can give:"
                        + " Jenkins credentials are resolved only by the Jenkins steps (render shows the Secret"
                        + " with its values redacted)");
            }
            credentials.putIfAbsent(id, e.getValue().key() != null
                    ? CredentialValue.usernamePassword(id, "<" + id + ">", "<" + id + ">")
                    : CredentialValue.secretText(id, "<" + id + ">"));
        }
        RunRequest request = RunRequest.builder(function, options.action())
                .runId(runId)
                .namespace(namespace)
                .parameters(options.parameters())
                .timeout(options.timeout())
                .profile(Profiles.choose(function, profiles(options.profiles())))
                .credentials(credentials)
                // run: the caller's trace context (a CI job's TRACEPARENT) continues in the pods
                .trace(placeholders ? null : TraceContext.fromEnvironment(System.getenv()).orElse(null))
                .build();
        return runtimes().plan(request);
    }

    /** The profiles of a {@code --profiles} file: a mapping of names to their settings. */
    @SuppressWarnings("unchecked")
    static Map<String, Profile> profiles(Path file) throws SpecException {
        if (file == null) {
            return Map.of();
        }
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            throw new SpecException("--profiles", file.toString(), "a readable YAML file of profiles by name ("
                    + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()) + ")");
        }
        Map<String, Object> byName = doc == null ? Map.of() : Fields.mapping(doc, "--profiles",
                "a YAML mapping of profile names to their settings");
        Map<String, Profile> profiles = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : byName.entrySet()) {
            Map<String, Object> settings = e.getValue() == null ? Map.of()
                    : Fields.mapping(e.getValue(), e.getKey(), "a mapping of the profile's settings");
            try {
                profiles.put(e.getKey(), Profiles.read(e.getKey(), settings, ContainerFunctionParser::resources));
            } catch (SpecException bad) {
                throw bad.withOrigin(file + " (profile '" + e.getKey() + "')");
            }
        }
        return profiles;
    }

    private static RuntimeRegistry runtimes() {
        return RuntimeRegistry.fromServiceLoader(Main.class.getClassLoader());
    }

    /**
     * Runs the function once on a cluster, through the same engine as the Jenkins steps, and
     * waits for its end. Ctrl-C stops the run (its Job is deleted) before exiting.
     */
    private static int runCommand(List<String> args, PrintStream out, PrintStream err) throws UsageException {
        CommandOptions options = CommandOptions.parse(args);
        FunctionSpec function;
        try {
            function = read(options);
        } catch (SpecException e) {
            err.println(e.getOrigin() == null ? e.withOrigin(options.file().toString()).getMessage() : e.getMessage());
            return SPEC_ERROR;
        } catch (IOException e) {
            err.println("function-runtimes: cannot read " + options.file() + ": "
                    + (e instanceof NoSuchFileException ? "no such file" : e.toString()));
            return NO_INPUT;
        }
        ClusterSettings settings;
        try {
            settings = options.kubeconfig() == null ? ClusterSettings.autoConfigured(null)
                    : ClusterSettings.kubeconfig(Files.readString(options.kubeconfig()), null);
        } catch (IOException e) {
            err.println("function-runtimes: cannot read kubeconfig " + options.kubeconfig() + ": " + e);
            return NO_INPUT;
        }
        KubernetesClient client;
        try {
            client = KubernetesClients.create(settings);
        } catch (RuntimeException e) {
            err.println("function-runtimes: cannot configure a cluster connection: " + e.getMessage());
            return UNAVAILABLE;
        }
        try (client; FunctionEngine engine = new FunctionEngine(client, EngineOptions.defaults())) {
            String namespace = options.namespace() != null ? options.namespace()
                    : client.getNamespace() != null ? client.getNamespace() : "default";
            Plan plan;
            try {
                plan = plan(function, options, newRunId(), namespace);
            } catch (SpecException e) {
                err.println(e.getOrigin() == null ? e.withOrigin(options.file().toString()).getMessage() : e.getMessage());
                return SPEC_ERROR;
            }
            err.println("function-runtimes: running " + function.name() + " (version " + function.version() + ") as "
                    + plan.workload().getKind() + " " + namespace + "/" + plan.workload().getMetadata().getName()
                    + " on " + client.getMasterUrl());
            RunHandle handle = engine.start(plan, new RunListener() {
                @Override
                public void onEvent(String message) {
                    err.println("function-runtimes: " + message);
                }

                @Override
                public void onState(RunState state, Instant at, String detail) {
                    err.println("function-runtimes: " + state.name().toLowerCase(Locale.ROOT)
                            + (detail == null ? "" : " (" + detail + ")"));
                }

                @Override
                public void onLog(LogLine line) {
                    out.println(line.text());
                }

                @Override
                public void onComplete(RunOutcome outcome) {
                }
            });
            // Ctrl-C: stop the run, so its Job does not outlive the command.
            Thread stopper = new Thread(() -> {
                handle.stop("interrupted");
                handle.outcome().join();
            }, "function-runtimes-stop");
            Runtime.getRuntime().addShutdownHook(stopper);
            RunOutcome outcome = handle.outcome().join();
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // the hook is already running: it waits for the same outcome
            }
            err.println("function-runtimes: " + outcome.state() + " (" + outcome.reason()
                    + (outcome.exitCode() == null ? "" : ", exit code " + outcome.exitCode()) + "): "
                    + outcome.message());
            if (!outcome.outputs().isEmpty()) {
                err.println("function-runtimes: outputs " + outcome.outputs());
            }
            return outcome.succeeded() ? OK : RUN_FAILED;
        }
    }

    private static String newRunId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder id = new StringBuilder("cli");
        for (int i = 0; i < 7; i++) {
            id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return id.toString();
    }
}
