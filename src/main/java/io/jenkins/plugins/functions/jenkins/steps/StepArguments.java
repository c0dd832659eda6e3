package io.jenkins.plugins.functions.jenkins.steps;

import hudson.AbortException;
import io.jenkins.plugins.functions.jenkins.runs.ExtraFields;
import io.jenkins.plugins.functions.spec.Fields;
import io.jenkins.plugins.functions.spec.PlainValues;
import io.jenkins.plugins.functions.spec.SpecException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A function step made from its arguments as the Pipeline hands them to
 * {@code StepDescriptor.newInstance(Map)}: the arguments the step has a setter for are bound to
 * it, every other one becomes a field of its function ({@link FunctionStep#setFields}), so any
 * runtime's fields can be written inline, a runtime another plugin adds included:
 * {@code serveFunction name: 'llm', runtime: 'vllm', model: 'Qwen/Qwen2.5-0.5B-Instruct'}.
 *
 * <p>Why the step's descriptor overrides {@code newInstance}: workflow-cps instantiates a step
 * with structs' {@code DescribableModel}, which drops an argument without a setter with only a
 * warning in the build log ({@code Unknown parameter(s) found for class type ...}); the step then
 * failed on the missing field, far from the cause. workflow-cps calls the descriptor's own
 * {@code newInstance} instead when the descriptor overrides it, with the named arguments (Groovy
 * strings already made plain strings), which is where this class comes in.
 *
 * <p>The binding follows {@code DescribableModel}'s for the types the steps use (text, booleans,
 * whole numbers, lists and mappings), with a message naming the argument instead of a class cast
 * error. Nothing is sent anywhere: a refusal fails the step before its run is recorded.
 */
final class StepArguments {

    private StepArguments() {
    }

    /**
     * Binds {@code arguments} to {@code step}.
     *
     * @param step      a new step, with nothing set yet
     * @param stepName  the step's function name, for messages
     * @param arguments the named arguments, as the Pipeline passes them
     * @throws AbortException naming the argument that cannot be taken, its value and what is allowed
     */
    static <S extends FunctionStep> S bind(S step, String stepName, Map<String, Object> arguments)
            throws AbortException {
        try {
            Map<String, Method> setters = setters(step.getClass());
            Map<String, Object> extra = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : arguments.entrySet()) {
                if (e.getKey().equals(FunctionStep.FIELDS)) {
                    continue;
                }
                Method setter = setters.get(e.getKey());
                if (setter == null) {
                    extra.put(e.getKey(), e.getValue());
                } else {
                    set(step, setter, e.getKey(), e.getValue());
                }
            }
            Map<String, Object> fields = new LinkedHashMap<>(PlainValues.ofMap(extra, ""));
            Object inFields = arguments.get(FunctionStep.FIELDS);
            if (inFields != null) {
                Map<String, Object> given = ExtraFields.check(Fields.mapping(inFields, FunctionStep.FIELDS,
                        "must be a mapping of a function's fields to their values, such as [model: 'Qwen/Qwen2.5-0.5B']"),
                        FunctionStep.FIELDS, setters.keySet(), "%s is an argument of " + stepName
                        + ": give it on its own (%<s: ...), not in fields");
                for (Map.Entry<String, Object> e : given.entrySet()) {
                    if (fields.containsKey(e.getKey())) {
                        throw new SpecException(Fields.path(FunctionStep.FIELDS, e.getKey()), e.getValue(),
                                "given twice: as an argument of its own and in fields; give it once");
                    }
                    fields.put(e.getKey(), e.getValue());
                }
            }
            step.setFields(fields.isEmpty() ? null : fields);
            return step;
        } catch (SpecException e) {
            throw new AbortException(e.withOrigin(stepName).getMessage());
        }
    }

    /** The step's data-bound setters by property name. */
    private static Map<String, Method> setters(Class<?> type) {
        Map<String, Method> setters = new TreeMap<>();
        for (Method m : type.getMethods()) {
            String property = ExtraFields.setterProperty(m);
            if (property != null) {
                setters.put(property, m);
            }
        }
        return setters;
    }

    private static void set(Object step, Method setter, String name, Object value) throws SpecException {
        Object coerced = coerce(setter.getGenericParameterTypes()[0], value, name);
        try {
            setter.invoke(step, coerced);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(setter + " is not accessible", e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(setter + " failed", e.getCause());
        }
    }

    /** The value for a parameter of {@code type}, or a refusal naming the argument. */
    private static Object coerce(Type type, Object value, String field) throws SpecException {
        Class<?> raw = raw(type);
        if (value == null) {
            if (raw.isPrimitive()) {
                throw new SpecException(field, null, rule(raw));
            }
            return null;
        }
        if (raw == String.class) {
            if (value instanceof CharSequence text) {
                return text.toString();
            }
            throw refused(field, value, rule(raw));
        }
        if (raw == boolean.class || raw == Boolean.class) {
            if (value instanceof Boolean) {
                return value;
            }
            throw refused(field, value, rule(raw));
        }
        if (raw == int.class || raw == Integer.class) {
            Integer whole = whole(value);
            if (whole == null) {
                throw refused(field, value, rule(raw));
            }
            return whole;
        }
        if (List.class.isAssignableFrom(raw)) {
            if (!(value instanceof List<?> list)) {
                throw refused(field, value, "must be a list, such as ['a', 'b']");
            }
            Type item = type instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
            List<Object> items = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                items.add(coerce(item, list.get(i), Fields.index(field, i)));
            }
            return items;
        }
        if (Map.class.isAssignableFrom(raw)) {
            if (!(value instanceof Map<?, ?> map)) {
                throw refused(field, value, "must be a mapping, such as [key: 'value']");
            }
            return new LinkedHashMap<>(map);
        }
        if (raw.isInstance(value)) {
            return value; // Object: a timeout as text or seconds, a handler as text or a mapping
        }
        throw refused(field, value, "must be a " + raw.getSimpleName());
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        return Object.class; // a type variable or wildcard: anything
    }

    private static String rule(Class<?> raw) {
        if (raw == String.class) {
            return "must be text, such as 'hello'";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "must be true or false";
        }
        return "must be a whole number, such as 2";
    }

    /** A whole number in int's range, as Groovy writes it (Integer, Long, BigInteger, BigDecimal 2.0). */
    private static Integer whole(Object value) {
        if (value instanceof Integer i) {
            return i;
        }
        if (value instanceof Long || value instanceof Short || value instanceof Byte || value instanceof BigInteger
                || value instanceof BigDecimal) {
            try {
                return new BigDecimal(value.toString()).intValueExact();
            } catch (ArithmeticException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * A refusal that shows a text or number as it is and a list or mapping by its kind (a long list
     * says nothing in one line); anything given as {@code env} only by its kind, as it may hold a
     * secret.
     */
    private static SpecException refused(String field, Object value, String rule) {
        boolean secret = field.equals("env") || field.startsWith("env[") || field.startsWith("env.");
        Object shown = value instanceof Map<?, ?> ? "(a mapping)" : value instanceof List<?> ? "(a list)"
                : secret ? "(" + value.getClass().getSimpleName() + ")" : value;
        return new SpecException(field, shown, rule);
    }
}
