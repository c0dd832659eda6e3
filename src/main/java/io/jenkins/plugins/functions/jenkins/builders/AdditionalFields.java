package io.jenkins.plugins.functions.jenkins.builders;

import io.jenkins.plugins.functions.jenkins.runs.ExtraFields;
import io.jenkins.plugins.functions.runtime.impl.VllmFunctionParser;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules of a freestyle builder's "Additional fields": a YAML mapping of the function's fields
 * the form has no box for (any runtime's own), read after the build's variables are expanded. A
 * field with a box of its own is refused there, but for the few that got their box after jobs
 * had saved them here, which are taken in one place or the other, not both.
 */
final class AdditionalFields {

    static final String FIELD = "additionalFields";
    /** What a field given both in its box and in the additional fields is told. */
    static final String BOTH_RULE = "%s is also given in its own field of this form: give it in one place";
    /** What an additional field that has a box of its own in the form is told. */
    static final String OWN_FIELD_RULE = "%s has a field of its own in this form: give it there, not in the"
            + " additional fields";

    /**
     * Fields that got a box of their own after jobs had saved them here: still taken here (the
     * job keeps working), but not in both places.
     */
    static final Set<String> TAKEN_HERE_TOO = Set.of(VllmFunctionParser.HF_TOKEN_CREDENTIALS_ID);

    private AdditionalFields() {
    }

    /** The fields of a builder's form that its additional fields may not give. */
    static Set<String> ownFields(Class<?> form) {
        Set<String> own = new TreeSet<>(ExtraFields.argumentsOf(form));
        own.removeAll(TAKEN_HERE_TOO);
        return own;
    }

    /**
     * The additional fields as the form check reads them: a mapping without a field of the form's
     * own; null for none.
     */
    static Map<String, Object> read(String text, Class<?> form, String caller) throws SpecException {
        Map<String, Object> given = FormFields.mapping(caller, FIELD, text);
        return given == null ? null : ExtraFields.check(given, FIELD, ownFields(form), OWN_FIELD_RULE);
    }

    /**
     * Adds the additional fields to the fields the form's boxes gave.
     *
     * @param text             the expanded YAML, or null for none
     * @param form   the builder's class, whose bindable properties are its own fields
     * @param caller the builder's name, for messages
     */
    static void addTo(Map<String, Object> fields, String text, Class<?> form, String caller) throws SpecException {
        Map<String, Object> checked;
        try {
            checked = read(text, form, caller);
        } catch (SpecException e) {
            throw e.withOrigin(caller);
        }
        if (checked == null) {
            return;
        }
        for (Map.Entry<String, Object> e : checked.entrySet()) {
            if (fields.containsKey(e.getKey())) {
                throw new SpecException(FIELD + "." + e.getKey(), String.valueOf(e.getValue()),
                        String.format(BOTH_RULE, e.getKey())).withOrigin(caller);
            }
        }
        fields.putAll(checked);
    }
}
