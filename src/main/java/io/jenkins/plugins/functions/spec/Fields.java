package io.jenkins.plugins.functions.spec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Typed access to the plain values of a spec (see {@link PlainValues}), each check naming the
 * field's path so every refusal is a {@link SpecException} the user can act on. Shared by the
 * reader and the runtimes, so paths and wording are the same everywhere.
 */
public final class Fields {

    /** Keys that read well after a dot; any other key is written {@code parent["key"]}. */
    private static final Pattern SIMPLE_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    private Fields() {
    }

    /** The path of a mapping entry: {@code resources.limits}, {@code labels["app.kubernetes.io/name"]}. */
    public static String path(String parent, String key) {
        if (SIMPLE_KEY.matcher(key).matches()) {
            return parent == null || parent.isEmpty() ? key : parent + "." + key;
        }
        String quoted = "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
        return (parent == null ? "" : parent) + quoted;
    }

    /** The path of a list item: {@code env[2]}. */
    public static String index(String parent, int i) {
        return parent + "[" + i + "]";
    }

    /** A value that must be text (a YAML string); numbers and true/false are refused. */
    public static String text(Object value, String field, String allowed) throws SpecException {
        if (value instanceof String s) {
            return s;
        }
        throw new SpecException(field, value, allowed);
    }

    /**
     * A scalar as text: strings as they are, numbers in plain notation, true/false. For fields
     * Kubernetes wants as strings but people write as YAML numbers ({@code PORT: 8080}).
     */
    public static String scalarText(Object value, String field, String allowed) throws SpecException {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Number n) {
            return plainNumber(n);
        }
        if (value instanceof Boolean b) {
            return b.toString();
        }
        throw new SpecException(field, value, allowed);
    }

    /** A list (never null: a missing value must be handled by the caller). */
    public static List<?> list(Object value, String field, String allowed) throws SpecException {
        if (value instanceof List<?> list) {
            return list;
        }
        throw new SpecException(field, value, allowed);
    }

    /** A mapping with text keys, as {@link PlainValues} makes them. */
    public static Map<String, Object> mapping(Object value, String field, String allowed) throws SpecException {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new SpecException(field, e.getKey(), "keys must be text");
                }
                copy.put(key, e.getValue());
            }
            return Collections.unmodifiableMap(copy);
        }
        throw new SpecException(field, value, allowed);
    }

    /**
     * Refuses the first key that is not allowed, listing the allowed ones and, when the key is
     * only a spelling away from one ({@code working_dir}, {@code ImagePullPolicy}), naming it.
     *
     * @param what the kind of mapping for the message, such as {@code "a 'container' function"}
     */
    public static void onlyKnown(Map<String, ?> values, String parent, Collection<String> allowed, String what)
            throws SpecException {
        for (Map.Entry<String, ?> e : values.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                StringBuilder rule = new StringBuilder("unknown field; the fields of ").append(what)
                        .append(" are: ").append(String.join(", ", allowed));
                String near = nearest(e.getKey(), allowed);
                if (near != null) {
                    rule.append(" (did you mean '").append(near).append("'?)");
                }
                throw new SpecException(path(parent, e.getKey()), e.getValue(), rule.toString());
            }
        }
    }

    /** A number as people write it: {@code 2}, {@code 0.5}, never {@code 5E-1} or {@code 2.0}. */
    public static String plainNumber(Number n) {
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte
                || n instanceof BigInteger) {
            return n.toString();
        }
        BigDecimal decimal = n instanceof BigDecimal d ? d : new BigDecimal(n.toString());
        decimal = decimal.stripTrailingZeros();
        return decimal.scale() < 0 ? decimal.setScale(0).toPlainString() : decimal.toPlainString();
    }

    /**
     * The allowed key a given one most likely meant: the same but for case, {@code _} and {@code -}
     * ({@code working_dir}); else the closest within two typing slips (a letter left out, added,
     * changed, or two swapped: {@code modle}, {@code greting}), when the key is long enough for
     * that to mean something; else null.
     */
    private static String nearest(String key, Collection<String> allowed) {
        String folded = fold(key);
        for (String candidate : allowed) {
            if (fold(candidate).equals(folded)) {
                return candidate;
            }
        }
        int limit = folded.length() >= 6 ? 2 : folded.length() >= 4 ? 1 : 0;
        String best = null;
        int bestDistance = limit + 1;
        for (String candidate : allowed) {
            int d = slips(folded, fold(candidate));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Edits from one text to another: insertions, deletions, changes and swaps of neighbours. */
    private static int slips(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static String fold(String s) {
        return s.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }
}
