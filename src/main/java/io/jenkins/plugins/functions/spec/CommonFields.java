package io.jenkins.plugins.functions.spec;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fields every function has, whatever its runtime: {@code name}, {@code runtime}, and the
 * optional {@code description} and {@code labels}. The reader checks them; a runtime checks them
 * again through the same methods (a spec can also be built in code) and lists
 * {@link #ALL} among its allowed fields.
 */
public final class CommonFields {

    public static final String NAME = "name";
    public static final String RUNTIME = "runtime";
    public static final String DESCRIPTION = "description";
    public static final String LABELS = "labels";

    /** In the order messages list them. */
    public static final List<String> ALL = List.of(NAME, RUNTIME, DESCRIPTION, LABELS);

    static final String RUNTIME_RULE = "must be the name of a runtime, such as container";
    static final String DESCRIPTION_RULE = "must be text";
    static final String LABELS_RULE = "must be a mapping of label keys to label values, such as {team: data}";

    private CommonFields() {
    }

    /** The function's name: a DNS-1123 label, as it becomes part of Kubernetes object names. */
    public static String name(Object value) throws SpecException {
        if (value == null) {
            throw new SpecException(NAME, null, Names.DNS_1123_LABEL_RULE);
        }
        return Names.dns1123Label(value, NAME);
    }

    /** The runtime's kind: non-blank text; whether such a runtime exists is the registry's call. */
    public static String runtime(Object value) throws SpecException {
        if (value == null) {
            throw new SpecException(RUNTIME, null, RUNTIME_RULE);
        }
        String kind = Fields.text(value, RUNTIME, RUNTIME_RULE);
        if (kind.isBlank()) {
            throw new SpecException(RUNTIME, kind, RUNTIME_RULE);
        }
        return kind;
    }

    /** The description, or null when absent or blank (blank and absent mean the same). */
    public static String description(Object value) throws SpecException {
        if (value == null) {
            return null;
        }
        String text = Fields.text(value, DESCRIPTION, DESCRIPTION_RULE);
        return text.isBlank() ? null : text;
    }

    /**
     * The function's own labels, sorted by key; empty when absent. Values written as YAML numbers
     * or booleans ({@code tier: 2}) become text, as Kubernetes label values are text.
     */
    public static Map<String, String> labels(Object value) throws SpecException {
        Map<String, String> labels = new TreeMap<>();
        if (value == null) {
            return Map.of();
        }
        for (Map.Entry<String, Object> e : Fields.mapping(value, LABELS, LABELS_RULE).entrySet()) {
            String field = Fields.path(LABELS, e.getKey());
            if (!Names.isLabelKey(e.getKey())) {
                throw new SpecException(field, e.getKey(), Names.LABEL_KEY_RULE);
            }
            String text = Fields.scalarText(e.getValue(), field, Names.LABEL_VALUE_RULE);
            if (!Names.isLabelValue(text)) {
                throw new SpecException(field, text, Names.LABEL_VALUE_RULE);
            }
            labels.put(e.getKey(), text);
        }
        return Collections.unmodifiableMap(labels);
    }
}
