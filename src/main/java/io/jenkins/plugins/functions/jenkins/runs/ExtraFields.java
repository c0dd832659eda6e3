package io.jenkins.plugins.functions.jenkins.runs;

import io.jenkins.plugins.functions.spec.Fields;
import io.jenkins.plugins.functions.spec.PlainValues;
import io.jenkins.plugins.functions.spec.SpecException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * A function's fields given beside a caller's own arguments: the arguments of a Pipeline step
 * it has no parameter for, and its {@code fields} map; a freestyle step's "Additional fields".
 * Any runtime's fields can be given so, a runtime another plugin adds included, without the step
 * knowing them: they become fields of the function, which its runtime checks with the rest
 * (an unknown one is refused with the runtime's fields named, as in a function file).
 *
 * <p>A field that is one of the caller's own arguments is refused here: it has a place of its own
 * (the step's {@code image:}, the form's Image box), and two places for one value would leave the
 * user guessing which one counts.
 */
public final class ExtraFields {

    private ExtraFields() {
    }

    /**
     * The names of a step's or builder's own arguments, as Jenkins binds them: the parameters of its
     * {@link DataBoundConstructor} and its {@link DataBoundSetter} properties.
     */
    public static Set<String> argumentsOf(Class<?> type) {
        Set<String> names = new TreeSet<>();
        for (Constructor<?> c : type.getConstructors()) {
            if (c.isAnnotationPresent(DataBoundConstructor.class)) {
                for (Parameter p : c.getParameters()) {
                    names.add(p.getName());
                }
            }
        }
        for (Method m : type.getMethods()) {
            String property = setterProperty(m);
            if (property != null) {
                names.add(property);
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /**
     * The property a {@link DataBoundSetter} method sets ({@code setWorkingDir}: {@code workingDir}),
     * named as Jenkins names it; null for any other method.
     */
    public static String setterProperty(Method m) {
        String name = m.getName();
        if (!m.isAnnotationPresent(DataBoundSetter.class) || m.getParameterCount() != 1 || !name.startsWith("set")
                || name.length() == 3) {
            return null;
        }
        String property = name.substring(3);
        // java.beans.Introspector.decapitalize, as Jenkins' binding uses: "URL" stays "URL"
        if (property.length() > 1 && Character.isUpperCase(property.charAt(1))
                && Character.isUpperCase(property.charAt(0))) {
            return property;
        }
        return Character.toLowerCase(property.charAt(0)) + property.substring(1);
    }

    /**
     * The extra fields as plain values (text, numbers, booleans, lists, mappings; empty values
     * dropped), checked to name none of the caller's own arguments.
     *
     * @param fields     the fields as given
     * @param where      the argument they were given in, for the path of a refused one
     *                   ({@code fields}, {@code additionalFields}); empty when each was an argument
     *                   of its own
     * @param own        the caller's own arguments
     * @param ownRule    what a refusal of one of them says is allowed, {@code %s} standing for its
     *                   name
     * @throws SpecException naming the field, never an {@code env} value
     */
    public static Map<String, Object> check(Map<?, ?> fields, String where, Set<String> own, String ownRule)
            throws SpecException {
        Map<String, Object> plain = PlainValues.ofMap(fields, where);
        for (Map.Entry<String, Object> e : plain.entrySet()) {
            if (own.contains(e.getKey())) {
                Object value = e.getValue() instanceof Map<?, ?> m && "env".equals(e.getKey()) ? m.keySet()
                        : e.getValue();
                throw new SpecException(Fields.path(where, e.getKey()), value, String.format(ownRule, e.getKey()));
            }
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(plain));
    }
}
