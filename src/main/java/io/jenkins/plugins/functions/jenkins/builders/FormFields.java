package io.jenkins.plugins.functions.jenkins.builders;

import io.jenkins.plugins.functions.spec.SpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The text of a builder's form fields, read into the values a function takes. A form has only
 * text boxes and text areas, so lists are one item per line, environment variables
 * {@code NAME=value} per line, and parameters a YAML mapping. Every refusal is a
 * {@link SpecException} naming the builder, the field, the value and what is allowed.
 */
final class FormFields {

    /** The largest parameters text read (the run's parameters are limited to 64 KiB of JSON anyway). */
    static final int MAX_PARAMETERS_CHARS = 256 * 1024;

    private FormFields() {
    }

    /** Null or blank as null; otherwise trimmed. */
    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** One item per line, trimmed; blank lines are skipped. */
    static List<String> lines(String text) {
        if (text == null) {
            return null;
        }
        List<String> items = new ArrayList<>();
        for (String line : text.split("\\R")) {
            if (!line.isBlank()) {
                items.add(line.strip());
            }
        }
        return items.isEmpty() ? null : items;
    }

    /** {@code NAME=value} per line; the value may be empty and may contain {@code =}. */
    static Map<String, Object> environment(String caller, String text) throws SpecException {
        return keyValues(caller, "env", text);
    }

    /**
     * {@code KEY=value} per line of a field ({@code env}, an image build's {@code buildArgs}); the
     * value may be empty and may contain {@code =}. A refused line is never repeated: its value may
     * be a secret.
     */
    static Map<String, Object> keyValues(String caller, String field, String text) throws SpecException {
        List<String> lines = lines(text);
        if (lines == null) {
            return null;
        }
        Map<String, Object> env = new LinkedHashMap<>();
        for (String line : lines) {
            int eq = line.indexOf('=');
            String name = eq < 0 ? "" : line.substring(0, eq).trim();
            if (name.isEmpty()) {
                // The name only: the value may be a secret, so it is never repeated.
                throw new SpecException(caller, field, eq < 0 ? "(a line without '=')" : "(a line without a name)",
                        "one NAME=value per line");
            }
            env.put(name, line.substring(eq + 1));
        }
        return env;
    }

    /** A YAML mapping ({@code name: Jenkins}, one key per line, or a flow mapping {@code {a: 1}}). */
    static Map<String, Object> mapping(String caller, String field, String text) throws SpecException {
        if (text == null || text.isBlank()) {
            return null;
        }
        String allowed = "a YAML mapping, one 'key: value' per line (such as 'name: Jenkins')";
        if (text.length() > MAX_PARAMETERS_CHARS) {
            throw new SpecException(caller, field, text.length() + " characters", allowed + " of at most "
                    + MAX_PARAMETERS_CHARS + " characters");
        }
        Object parsed;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            parsed = new Yaml(new SafeConstructor(options)).load(text);
        } catch (YAMLException e) {
            throw new SpecException(caller, field, firstLine(text), allowed + " (" + firstLine(e.getMessage()) + ")");
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new SpecException(caller, field, firstLine(text), allowed);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            result.put(String.valueOf(e.getKey()), e.getValue());
        }
        return result;
    }

    /**
     * Ports, separated by commas or spaces: {@code 8080}, or named {@code http:8080}. What is not
     * a port number is passed on as written, for the runtime to refuse with its own rule.
     */
    static List<Object> ports(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        List<Object> ports = new ArrayList<>();
        for (String item : text.trim().split("[,\\s]+")) {
            int colon = item.indexOf(':');
            if (colon > 0) {
                Map<String, Object> named = new LinkedHashMap<>();
                named.put("name", item.substring(0, colon));
                named.put("port", number(item.substring(colon + 1)));
                ports.add(named);
            } else {
                ports.add(number(item));
            }
        }
        return ports;
    }

    private static Object number(String text) {
        return text.matches("\\d{1,9}") ? (Object) Integer.valueOf(text) : text;
    }

    /** A whole number of at least {@code min}. */
    static Integer integer(String caller, String field, String text, int min) throws SpecException {
        if (text == null) {
            return null;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new SpecException(caller, field, text, "a whole number, at least " + min);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        String line = text.strip().split("\\R", 2)[0];
        return line.length() > 80 ? line.substring(0, 77) + "..." : line;
    }
}
