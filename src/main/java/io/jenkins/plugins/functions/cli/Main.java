package io.jenkins.plugins.functions.cli;

import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.spec.FunctionSpecReader;
import io.jenkins.plugins.functions.spec.Names;
import io.jenkins.plugins.functions.spec.SpecException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line over the engine, for trying a function without Jenkins:
 * {@code render} prints the Kubernetes objects a run would create.
 *
 * <p>Exit codes (sysexits where one fits): 0 done; 2 the function or the run's arguments were
 * refused (the {@link SpecException} message on stderr); 64 usage; 66 the file cannot be read;
 * 70 not available or an internal error.
 */
public final class Main {

    public static final int OK = 0;
    public static final int SPEC_ERROR = 2;
    public static final int USAGE = 64;
    public static final int NO_INPUT = 66;
    public static final int SOFTWARE = 70;

    static final String USAGE_TEXT = String.join("\n",
            "usage: functions render <file.yaml> [--action job] [--namespace ns] [--param key=value ...] [--timeout 10m]",
            "       functions run <file.yaml> ...        (not available in this build)",
            "",
            "render  reads a function file, validates it and prints the Kubernetes objects one run would",
            "        create, as YAML. Nothing is sent to a cluster. The run id is render-<version>, so the",
            "        output depends only on the file and the options.",
            "  --action     the action to plan (default: job)",
            "  --namespace  the namespace of the objects (default: default)",
            "  --param      a run parameter, repeatable; values are text",
            "  --timeout    how long the run may take: 90s, 10m, 2h, 1d or combined as 1h30m (default: 1h)",
            "");

    private static final Pattern DURATION = Pattern.compile("(?:[0-9]+[dhms])+");
    private static final Pattern DURATION_PART = Pattern.compile("([0-9]+)([dhms])");

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
                    return render(Options.parse(rest), out, err);
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
            err.println("functions: " + e.getMessage());
            err.print(USAGE_TEXT);
            return USAGE;
        } catch (RuntimeException e) {
            err.println("functions: internal error: " + e);
            return SOFTWARE;
        }
    }

    private static int render(Options options, PrintStream out, PrintStream err) {
        String origin = options.file().toString();
        byte[] yaml;
        try (InputStream in = Files.newInputStream(options.file())) {
            // one byte more than allowed is enough for the reader to refuse an oversized file
            yaml = in.readNBytes(FunctionSpecReader.MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            err.println("functions: cannot read " + origin + ": no such file");
            return NO_INPUT;
        } catch (IOException e) {
            err.println("functions: cannot read " + origin + ": " + e);
            return NO_INPUT;
        }
        try {
            RuntimeRegistry runtimes = RuntimeRegistry.fromServiceLoader(Main.class.getClassLoader());
            FunctionSpec function = runtimes.validate(new FunctionSpecReader().read(yaml, origin));
            RunRequest request = RunRequest.builder(function, options.action())
                    .runId("render-" + function.version().substring(0, 8))
                    .namespace(options.namespace())
                    .parameters(options.parameters())
                    .timeout(options.timeout())
                    .build();
            Plan plan = runtimes.plan(request);
            out.print(plan.toYaml());
            return OK;
        } catch (SpecException e) {
            err.println(e.getOrigin() == null ? e.withOrigin(origin).getMessage() : e.getMessage());
            return SPEC_ERROR;
        }
    }

    // ---- run: RESERVED ------------------------------------------------------------------------
    // The `run` subcommand is added by another change: it reads and validates the file as render
    // does, then hands the request to io.jenkins.plugins.functions.kubernetes.FunctionEngine and
    // waits for the outcome. Until then it is not available; keep the exit code (70) stable.
    private static int runCommand(List<String> args, PrintStream out, PrintStream err) {
        err.println("run: not available in this build");
        return SOFTWARE;
    }
    // ---- end of run ---------------------------------------------------------------------------

    /** {@code 90s}, {@code 10m}, {@code 2h}, {@code 1d}, or parts of these together ({@code 1h30m}). */
    static Duration parseDuration(String text) throws UsageException {
        if (text == null || !DURATION.matcher(text).matches()) {
            throw new UsageException("--timeout '" + text + "' is not a duration such as 90s, 10m, 2h or 1h30m");
        }
        Duration total = Duration.ZERO;
        Matcher part = DURATION_PART.matcher(text);
        try {
            while (part.find()) {
                long n = Long.parseLong(part.group(1));
                total = total.plus(switch (part.group(2)) {
                    case "d" -> Duration.ofDays(n);
                    case "h" -> Duration.ofHours(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofSeconds(n);
                });
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw new UsageException("--timeout '" + text + "' is too long");
        }
        return total;
    }

    /** A mistake in the command line itself: answered with the usage text and exit code 64. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** The options of {@code render} (and later {@code run}). */
    record Options(Path file, ActionKind action, String namespace, Map<String, Object> parameters, Duration timeout) {

        static Options parse(List<String> args) throws UsageException {
            Path file = null;
            ActionKind action = ActionKind.JOB;
            String namespace = "default";
            Map<String, Object> parameters = new LinkedHashMap<>();
            Duration timeout = null;
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                String name = arg;
                String value = null;
                if (arg.startsWith("--") && arg.contains("=")) {
                    name = arg.substring(0, arg.indexOf('='));
                    value = arg.substring(arg.indexOf('=') + 1);
                }
                switch (name) {
                    case "--action", "--namespace", "--param", "--timeout" -> {
                        if (value == null) {
                            if (i + 1 >= args.size()) {
                                throw new UsageException(name + " needs a value");
                            }
                            value = args.get(++i);
                        }
                        switch (name) {
                            case "--action" -> action = action(value);
                            case "--namespace" -> namespace = namespace(value);
                            case "--param" -> parameter(parameters, value);
                            default -> timeout = parseDuration(value);
                        }
                    }
                    default -> {
                        if (arg.startsWith("-")) {
                            throw new UsageException("unknown option '" + arg + "'");
                        }
                        if (file != null) {
                            throw new UsageException("one function file at a time, not also '" + arg + "'");
                        }
                        file = Path.of(arg);
                    }
                }
            }
            if (file == null) {
                throw new UsageException("which function file?");
            }
            return new Options(file, action, namespace, parameters, timeout);
        }

        private static ActionKind action(String value) throws UsageException {
            try {
                return ActionKind.parse(value);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }

        private static String namespace(String value) throws UsageException {
            if (!Names.isDns1123Label(value)) {
                throw new UsageException("--namespace '" + value + "' " + Names.DNS_1123_LABEL_RULE);
            }
            return value;
        }

        private static void parameter(Map<String, Object> parameters, String value) throws UsageException {
            int eq = value.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--param '" + value + "' is not key=value");
            }
            String key = value.substring(0, eq);
            if (parameters.putIfAbsent(key, value.substring(eq + 1)) != null) {
                throw new UsageException("--param '" + key + "' is given twice");
            }
        }
    }
}
