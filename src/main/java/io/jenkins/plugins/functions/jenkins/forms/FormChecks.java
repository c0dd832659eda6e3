package io.jenkins.plugins.functions.jenkins.forms;

import hudson.util.FormValidation;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.regex.Pattern;

/**
 * How a form field's text meets an engine rule: an empty field is fine (an optional field left
 * out), a refusal is an error with the engine's own message (the one the build would fail with:
 * the field, the value, what is allowed), and in a freestyle form, where the build expands
 * {@code ${VARIABLE}} references before anything reads the field, a value that uses a variable
 * is checked only when the build runs (the git plugin does the same with its URLs).
 */
public final class FormChecks {

    /** A rule on a field's trimmed, non-blank text. */
    @FunctionalInterface
    public interface Rule {
        void check(String value) throws SpecException;
    }

    /** {@code $NAME} or {@code ${NAME}}, as a build's environment expands them. */
    private static final Pattern VARIABLE = Pattern.compile("\\$(\\{[^}]*}|[A-Za-z_])");

    /** Whether the forms of this kind take build variables (freestyle) or not (Pipeline snippets). */
    private final boolean buildVariables;

    private FormChecks(boolean buildVariables) {
        this.buildVariables = buildVariables;
    }

    /** Freestyle build steps: fields may use the build's variables. */
    public static final FormChecks FREESTYLE = new FormChecks(true);

    /** The Pipeline steps' forms (the Snippet Generator) and the global configuration: plain values. */
    public static final FormChecks PLAIN = new FormChecks(false);

    /** An optional field: ok when empty, else the rule. */
    public FormValidation check(String value, Rule rule) {
        if (value == null || value.isBlank()) {
            return FormValidation.ok();
        }
        return apply(value.trim(), rule);
    }

    /** A required field: the engine's refusal of a missing value when empty, else the rule. */
    public FormValidation required(String value, Rule rule) {
        return apply(value == null || value.isBlank() ? null : value.trim(), rule);
    }

    /** Whether the text refers to a build variable ({@code $X}, {@code ${X}}). */
    public static boolean hasVariable(String value) {
        return value != null && VARIABLE.matcher(value).find();
    }

    /** Whether this form's value is only known when the build runs. */
    public boolean expandedLater(String value) {
        return buildVariables && hasVariable(value);
    }

    private FormValidation apply(String value, Rule rule) {
        if (expandedLater(value)) {
            return FormValidation.ok();
        }
        try {
            rule.check(value);
            return FormValidation.ok();
        } catch (SpecException e) {
            return error(e);
        }
    }

    /** The engine's refusal as a form's error. */
    public static FormValidation error(SpecException e) {
        return FormValidation.error(e.getMessage());
    }
}
