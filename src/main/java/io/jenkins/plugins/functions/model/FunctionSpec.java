package io.jenkins.plugins.functions.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A function: a name, the runtime that executes it, and the runtime's own fields (for the
 * {@code container} runtime: image, command, env, ...). Immutable. The fields are kept in a
 * canonical form (maps sorted by key, lists in order, scalars as given) so that the same spec
 * always has the same {@link #version()}, whatever order the YAML file or the step arguments
 * listed it in.
 *
 * <p>The model is generic on purpose: runtimes are an extension point, and a runtime added by
 * another plugin brings fields this class cannot know. Each runtime reads its fields into its own
 * typed view when it validates and plans.
 */
public final class FunctionSpec {

    /** Hex characters of the SHA-256 kept as the version: short enough for a label value. */
    private static final int VERSION_LENGTH = 16;

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final String name;
    private final String runtime;
    private final Map<String, Object> fields;
    private final String version;

    private FunctionSpec(String name, String runtime, Map<String, Object> fields) {
        this.name = Objects.requireNonNull(name, "name");
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.fields = fields;
        this.version = hash(toMap());
    }

    /**
     * A spec from already validated parts. {@code fields} holds only the runtime's own fields
     * (not {@code name} or {@code runtime}); null values are dropped.
     */
    public static FunctionSpec of(String name, String runtime, Map<String, ?> fields) {
        return new FunctionSpec(name, runtime, canonicalMap(fields == null ? Map.of() : fields));
    }

    public String name() {
        return name;
    }

    public String runtime() {
        return runtime;
    }

    /** The runtime's own fields, canonical and unmodifiable. */
    public Map<String, Object> fields() {
        return fields;
    }

    /** One of the runtime's fields, or null. */
    public Object field(String key) {
        return fields.get(key);
    }

    /** A stable content hash of the whole spec: it changes whenever the spec changes. */
    public String version() {
        return version;
    }

    /** The whole spec as a map in file form: name, runtime, then the runtime's fields. */
    public Map<String, Object> toMap() {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("name", name);
        all.put("runtime", runtime);
        all.putAll(fields);
        return Collections.unmodifiableMap(all);
    }

    /** The canonical JSON the version is computed from (sorted keys, no whitespace). */
    public String toCanonicalJson() {
        try {
            return CANONICAL.writeValueAsString(new TreeMap<>(toMap()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a function spec holds only JSON values", e);
        }
    }

    /** A spec with one field replaced (null removes it): specs are values, never mutated. */
    public FunctionSpec withField(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(fields);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return of(name, runtime, copy);
    }

    private static String hash(Map<String, Object> all) {
        try {
            byte[] json = CANONICAL.writeValueAsBytes(new TreeMap<>(all));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
            return HexFormat.of().formatHex(digest).substring(0, VERSION_LENGTH);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash a function spec", e);
        }
    }

    private static Map<String, Object> canonicalMap(Map<String, ?> source) {
        Map<String, Object> sorted = new TreeMap<>();
        for (Map.Entry<String, ?> e : source.entrySet()) {
            if (e.getValue() != null) {
                sorted.put(String.valueOf(e.getKey()), canonical(e.getValue()));
            }
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(sorted));
    }

    private static Object canonical(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), v));
            return canonicalMap(copy);
        }
        if (value instanceof Iterable<?> list) {
            List<Object> copy = new ArrayList<>();
            for (Object item : list) {
                copy.add(item == null ? null : canonical(item));
            }
            return Collections.unmodifiableList(copy);
        }
        // Groovy's GString arrives from Pipeline arguments: it is a CharSequence.
        if (value instanceof CharSequence) {
            return value.toString();
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value;
        }
        return String.valueOf(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FunctionSpec other && version.equals(other.version) && toMap().equals(other.toMap());
    }

    @Override
    public int hashCode() {
        return version.hashCode();
    }

    @Override
    public String toString() {
        return name + "@" + version + " (" + runtime + ")";
    }
}
