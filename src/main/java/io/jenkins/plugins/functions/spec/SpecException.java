package io.jenkins.plugins.functions.spec;

/**
 * A function spec or a run argument that cannot be accepted. It always names the field (a path
 * such as {@code resources.limits.memory}), the value given, and what is allowed, so the user can
 * fix the input without reading code. Thrown before anything is created in the cluster.
 */
public final class SpecException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String origin;
    private final String field;
    private final String value;
    private final String allowed;

    public SpecException(String origin, String field, Object value, String allowed) {
        super(format(origin, field, value, allowed));
        this.origin = origin;
        this.field = field;
        this.value = value == null ? null : String.valueOf(value);
        this.allowed = allowed;
    }

    public SpecException(String field, Object value, String allowed) {
        this(null, field, value, allowed);
    }

    /** The same problem, said about a given file or step ({@code functions/hello.yaml}). */
    public SpecException withOrigin(String newOrigin) {
        SpecException copy = new SpecException(newOrigin, field, value, allowed);
        copy.setStackTrace(getStackTrace());
        return copy;
    }

    public String getOrigin() {
        return origin;
    }

    public String getField() {
        return field;
    }

    /** The rejected value as text, or null when the field was missing. */
    public String getValue() {
        return value;
    }

    public String getAllowed() {
        return allowed;
    }

    private static String format(String origin, String field, Object value, String allowed) {
        StringBuilder b = new StringBuilder();
        if (origin != null && !origin.isEmpty()) {
            b.append(origin).append(": ");
        }
        b.append("field '").append(field).append("'");
        if (value == null) {
            b.append(" is missing");
        } else {
            String text = String.valueOf(value);
            if (text.length() > 80) {
                text = text.substring(0, 77) + "...";
            }
            b.append(": value '").append(text).append("' is not allowed");
        }
        b.append(": ").append(allowed);
        return b.toString();
    }
}
