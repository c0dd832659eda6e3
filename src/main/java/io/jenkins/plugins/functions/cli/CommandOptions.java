package io.jenkins.plugins.functions.cli;

import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.Durations;
import io.jenkins.plugins.functions.spec.Names;
import io.jenkins.plugins.functions.spec.SpecException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of {@code render} and {@code run}; a null namespace means the command's default.
 * Parsing the arguments is a piece of its own, apart from {@link Main}, which runs the commands:
 * every mistake here is a {@link UsageException}.
 */
record CommandOptions(Path file, ActionKind action, String namespace, Map<String, Object> parameters, Duration timeout,
                      Path kubeconfig, Path profiles) {

    static CommandOptions parse(List<String> args) throws UsageException {
        Path file = null;
        ActionKind action = ActionKind.JOB;
        String namespace = null;
        Map<String, Object> parameters = new LinkedHashMap<>();
        Duration timeout = null;
        Path kubeconfig = null;
        Path profiles = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String value = null;
            if (arg.startsWith("--") && arg.contains("=")) {
                name = arg.substring(0, arg.indexOf('='));
                value = arg.substring(arg.indexOf('=') + 1);
            }
            switch (name) {
                case "--action", "--namespace", "--param", "--timeout", "--kubeconfig", "--profiles" -> {
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
                        case "--kubeconfig" -> kubeconfig = Path.of(value);
                        case "--profiles" -> profiles = Path.of(value);
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
        return new CommandOptions(file, action, namespace, parameters, timeout, kubeconfig, profiles);
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

    /** {@code 90s}, {@code 10m}, {@code 2h}, {@code 1d}, or parts of these together ({@code 1h30m}). */
    static Duration parseDuration(String text) throws UsageException {
        try {
            if (text == null || text.matches("\\d+")) {
                throw new SpecException("--timeout", text, "a unit is needed");
            }
            return Durations.parse("--timeout", text);
        } catch (SpecException | ArithmeticException e) {
            throw new UsageException("--timeout '" + text + "' is not a duration such as 90s, 10m, 2h or 1h30m");
        }
    }
}
