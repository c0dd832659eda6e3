package io.jenkins.plugins.functions.runtime.impl;

import io.jenkins.plugins.functions.model.Durations;
import io.jenkins.plugins.functions.model.ModelUri;
import io.jenkins.plugins.functions.model.ModelUri.Scheme;
import io.jenkins.plugins.functions.model.Resources;
import io.jenkins.plugins.functions.spec.Fields;
import io.jenkins.plugins.functions.spec.Names;
import io.jenkins.plugins.functions.spec.SpecException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Field readers the model runtimes ({@code vllm}, {@code kubeai}, {@code modelserve}) share, each
 * refusal a {@link SpecException} naming the field, the value and what is allowed.
 */
final class ModelFields {

    static final String PROFILE = "profile";
    static final String PROFILE_RULE = "must be the name of a profile the administrator configured"
            + " (Manage Jenkins » System » Function Runtimes): a DNS-1123 label such as gpu-small";

    /** {@code org/name} as on the Hugging Face hub; the name alone for the few legacy ids ({@code gpt2}). */
    private static final Pattern HF_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}(/[A-Za-z0-9][A-Za-z0-9._-]{0,95})?");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    /** Path segments of object keys and claim paths: no spaces, no control characters, no '..'. */
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9._~+=@,:-]+(/[A-Za-z0-9._~+=@,:-]+)*/?");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:[0-9]{1,5})?");
    private static final Pattern OLLAMA = Pattern.compile("[a-z0-9][a-z0-9._/-]{0,127}(:[A-Za-z0-9._-]{1,64})?");
    private static final int MAX_URI = 2048;

    private ModelFields() {
    }

    /** The rule text for the schemes a runtime takes, such as "a Hugging Face id (Org/name), s3://bucket/path or ...". */
    static String uriRule(Set<Scheme> schemes) {
        StringBuilder b = new StringBuilder("must be ");
        List<String> parts = new java.util.ArrayList<>();
        if (schemes.contains(Scheme.HF)) {
            parts.add("a Hugging Face model id such as Qwen/Qwen2.5-0.5B-Instruct (or hf://Qwen/Qwen2.5-0.5B-Instruct)");
        }
        if (schemes.contains(Scheme.S3)) {
            parts.add("s3://bucket/path");
        }
        if (schemes.contains(Scheme.PVC)) {
            parts.add("pvc://claim or pvc://claim/path (a PersistentVolumeClaim of the run's namespace, mounted"
                    + " read-only)");
        }
        if (schemes.contains(Scheme.HTTPS)) {
            parts.add("https://host/path/file");
        }
        if (schemes.contains(Scheme.OLLAMA)) {
            parts.add("ollama://name:tag");
        }
        b.append(String.join(", ", parts.subList(0, parts.size() - 1)));
        if (parts.size() > 1) {
            b.append(" or ");
        }
        b.append(parts.get(parts.size() - 1));
        return b.append("; no spaces, no '..' segments").toString();
    }

    /** A model location of one of the given schemes. */
    static ModelUri modelUri(Object value, String field, Set<Scheme> schemes) throws SpecException {
        String rule = uriRule(schemes);
        if (value == null) {
            throw new SpecException(field, null, rule);
        }
        String text = Fields.text(value, field, rule);
        ModelUri uri = parseUri(text);
        if (uri == null || !schemes.contains(uri.scheme()) || text.length() > MAX_URI) {
            throw new SpecException(field, text, rule);
        }
        return uri;
    }

    private static ModelUri parseUri(String text) {
        int sep = text.indexOf("://");
        if (sep < 0) {
            return HF_ID.matcher(text).matches() ? new ModelUri(Scheme.HF, text, null, text) : null;
        }
        String scheme = text.substring(0, sep);
        String rest = text.substring(sep + 3);
        switch (scheme) {
            case "hf":
                return HF_ID.matcher(rest).matches() ? new ModelUri(Scheme.HF, text, null, rest) : null;
            case "s3": {
                int slash = rest.indexOf('/');
                String bucket = slash < 0 ? rest : rest.substring(0, slash);
                String key = slash < 0 ? "" : rest.substring(slash + 1);
                if (!BUCKET.matcher(bucket).matches() || (!key.isEmpty() && !safePath(key))) {
                    return null;
                }
                return new ModelUri(Scheme.S3, text, null, key);
            }
            case "pvc": {
                int slash = rest.indexOf('/');
                String claim = slash < 0 ? rest : rest.substring(0, slash);
                String path = slash < 0 ? "" : rest.substring(slash + 1);
                if (!Names.isDns1123Subdomain(claim) || (!path.isEmpty() && !safePath(path))) {
                    return null;
                }
                return new ModelUri(Scheme.PVC, text, claim, path);
            }
            case "https": {
                int slash = rest.indexOf('/');
                if (slash < 0) {
                    return null;
                }
                String host = rest.substring(0, slash);
                String path = rest.substring(slash + 1);
                if (!HOST.matcher(host).matches() || path.isEmpty() || path.endsWith("/") || !safePath(path)) {
                    return null;
                }
                return new ModelUri(Scheme.HTTPS, text, null, path);
            }
            case "ollama":
                return OLLAMA.matcher(rest).matches() && !rest.contains("..")
                        ? new ModelUri(Scheme.OLLAMA, text, null, rest) : null;
            default:
                return null;
        }
    }

    private static boolean safePath(String path) {
        if (!SAFE_PATH.matcher(path).matches()) {
            return false;
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                return false;
            }
        }
        return true;
    }

    /** A whole number from min to max (YAML integers only: {@code 2}, not {@code "2"} or {@code 2.5}). */
    static int whole(Object value, String field, int min, int max, String rule) throws SpecException {
        if (!(value instanceof Integer || value instanceof Long)) {
            throw new SpecException(field, value, rule);
        }
        long n = ((Number) value).longValue();
        if (n < min || n > max) {
            throw new SpecException(field, value, rule);
        }
        return (int) n;
    }

    /** One of the given words, case as written. */
    static String choice(Object value, String field, List<String> allowed) throws SpecException {
        String rule = "must be one of " + String.join(", ", allowed);
        String text = Fields.text(value, field, rule);
        if (!allowed.contains(text)) {
            throw new SpecException(field, text, rule);
        }
        return text;
    }

    /** The profile's name, or null when the function names none. */
    static String profile(Object value) throws SpecException {
        if (value == null) {
            return null;
        }
        String name = Fields.text(value, PROFILE, PROFILE_RULE);
        if (!Names.isDns1123Label(name)) {
            throw new SpecException(PROFILE, name, PROFILE_RULE);
        }
        return name;
    }

    /** A duration from min to max, written as {@code 20m}, {@code 1h30m} or seconds. */
    static Duration duration(Object value, String field, Duration min, Duration max) throws SpecException {
        String rule = "must be a duration from " + words(min) + " to " + words(max) + ", such as 20m or 1h30m";
        Duration d;
        try {
            d = Durations.parse(field, value);
        } catch (SpecException e) {
            throw new SpecException(field, value, rule);
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new SpecException(field, value, rule);
        }
        return d;
    }

    private static String words(Duration d) {
        return d.toHours() > 0 && d.toMinutesPart() == 0 ? d.toHours() + "h"
                : d.toMinutes() > 0 && d.toSecondsPart() == 0 ? d.toMinutes() + "m" : d.toSeconds() + "s";
    }

    /** Environment variables as a mapping of names to text, sorted by name. */
    static Map<String, String> envMap(Object value, String field) throws SpecException {
        if (value == null) {
            return Map.of();
        }
        String rule = "must be a mapping of variable names to values, such as {VLLM_LOGGING_LEVEL: DEBUG}";
        Map<String, String> env = new TreeMap<>();
        for (Map.Entry<String, Object> e : Fields.mapping(value, field, rule).entrySet()) {
            String path = Fields.path(field, e.getKey());
            if (!Names.isEnvName(e.getKey())) {
                throw new SpecException(path, e.getKey(), Names.ENV_NAME_RULE);
            }
            if (e.getKey().startsWith(ContainerFunctionParser.RESERVED_ENV_PREFIX)) {
                throw new SpecException(path, e.getKey(), "must not start with "
                        + ContainerFunctionParser.RESERVED_ENV_PREFIX + ": the engine keeps that prefix");
            }
            env.put(e.getKey(), e.getValue() == null ? "" : Fields.scalarText(e.getValue(), path,
                    ContainerFunctionParser.ITEM_RULE));
        }
        return Collections.unmodifiableMap(env);
    }

    /**
     * CPU and memory requests and limits as a container function has them; GPUs are refused here:
     * a model function asks for them with {@code gpus}, which a profile turns into its resource name.
     */
    static Resources resources(Object value) throws SpecException {
        Resources r = ContainerFunctionParser.resources(value);
        if (r.limits().gpu() != null) {
            throw new SpecException(ContainerFunctionParser.RESOURCES + ".limits.gpu", r.limits().gpu(),
                    "is not used by model functions: ask for GPUs with the field gpus (the profile names the"
                            + " GPU resource)");
        }
        return r;
    }

    /** The set's values in a message: {@code a, b, c}. */
    static String list(Set<String> values) {
        return values.stream().sorted().collect(Collectors.joining(", "));
    }
}
