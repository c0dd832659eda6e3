package io.jenkins.plugins.functions.spec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns what YAML or a Pipeline hands us into plain JSON values: {@code String}, {@code Long}
 * (or {@code BigInteger} beyond it), {@code Double} or {@code BigDecimal}, {@code Boolean},
 * {@code List} and {@code Map<String, ?>} (insertion order kept, null entries dropped).
 *
 * <p>Groovy hands us {@code GString}s (a {@code CharSequence}), {@code Integer}s and
 * {@code BigDecimal}s; YAML {@code Integer}s and {@code Double}s. Converting once, here, means
 * the rest of the engine sees one set of types and the same spec hashes the same whichever way
 * it came in. Anything else (dates, byte arrays, sets, closures) is refused rather than turned
 * into its {@code toString()}, which would silently change what the user wrote.
 */
public final class PlainValues {

    /** A generous cap on values: a spec has dozens. It bounds what shared YAML aliases can expand to. */
    public static final int MAX_VALUES = 100_000;

    private static final String ALLOWED = "must be text, a number, true or false, a list or a mapping";

    private int count;

    private PlainValues() {
    }

    /** A whole mapping (step arguments, run parameters): keys must be text. */
    public static Map<String, Object> ofMap(Map<?, ?> values, String field) throws SpecException {
        Object plain = new PlainValues().plain(values, field);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) plain;
        return map;
    }

    /** Any one value. */
    public static Object of(Object value, String field) throws SpecException {
        return new PlainValues().plain(value, field);
    }

    private Object plain(Object value, String field) throws SpecException {
        if (++count > MAX_VALUES) {
            throw new SpecException(field, "more than " + MAX_VALUES + " values",
                    "a function spec holds at most " + MAX_VALUES + " values (after expanding YAML aliases)");
        }
        if (value == null || value instanceof String || value instanceof Boolean) {
            return value;
        }
        if (value instanceof CharSequence text) {
            return text.toString();
        }
        if (value instanceof Number n) {
            return number(n, field);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof CharSequence key)) {
                    throw new SpecException(Fields.path(field, String.valueOf(e.getKey())), e.getKey(),
                            "keys must be text (quote a key that reads as a number, true/false or null)");
                }
                String k = key.toString();
                Object v = plain(e.getValue(), Fields.path(field, k));
                if (v != null) {
                    copy.put(k, v);
                }
            }
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> || value instanceof Object[]) {
            List<?> items = value instanceof List<?> l ? l : List.of((Object[]) value);
            List<Object> copy = new ArrayList<>(items.size());
            int i = 0;
            for (Object item : items) {
                copy.add(plain(item, Fields.index(field, i++)));
            }
            return Collections.unmodifiableList(copy);
        }
        throw new SpecException(field, value.getClass().getSimpleName() + " " + value, ALLOWED);
    }

    private static Object number(Number n, String field) throws SpecException {
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
            return n.longValue();
        }
        if (n instanceof BigInteger big) {
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        if (n instanceof BigDecimal) {
            return n;
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new SpecException(field, n, "must be a finite number");
            }
            return d;
        }
        throw new SpecException(field, n, ALLOWED);
    }
}
