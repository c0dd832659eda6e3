package io.jenkins.plugins.functions.runtime;

import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.spec.CommonFields;
import io.jenkins.plugins.functions.spec.Fields;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The runtimes the engine knows, by kind. Immutable: Jenkins builds one from its extensions, the
 * command line from {@link ServiceLoader}, tests from a list.
 */
public final class RuntimeRegistry {

    private final Map<String, FunctionRuntime> byKind;

    public RuntimeRegistry(Collection<? extends FunctionRuntime> runtimes) {
        Map<String, FunctionRuntime> map = new TreeMap<>();
        for (FunctionRuntime runtime : runtimes) {
            FunctionRuntime previous = map.putIfAbsent(runtime.kind(), runtime);
            if (previous != null && previous.getClass() != runtime.getClass()) {
                throw new IllegalArgumentException("two runtimes claim the kind '" + runtime.kind() + "': "
                        + previous.getClass().getName() + " and " + runtime.getClass().getName());
            }
        }
        this.byKind = Collections.unmodifiableMap(map);
    }

    /** The runtimes on the class path of the given loader ({@code META-INF/services}). */
    public static RuntimeRegistry fromServiceLoader(ClassLoader loader) {
        return new RuntimeRegistry(ServiceLoader.load(FunctionRuntime.class, loader).stream()
                .map(ServiceLoader.Provider::get)
                .collect(Collectors.toList()));
    }

    public Collection<FunctionRuntime> all() {
        return byKind.values();
    }

    /** The runtime of a kind, or a {@link SpecException} on field {@code runtime} listing the known kinds. */
    public FunctionRuntime get(String kind) throws SpecException {
        FunctionRuntime runtime = byKind.get(kind);
        if (runtime == null) {
            throw new SpecException("runtime", kind, "must be one of the installed runtimes: "
                    + String.join(", ", byKind.keySet()));
        }
        return runtime;
    }

    /**
     * Validates a function with its runtime. A field the runtime does not declare
     * ({@link FunctionRuntime#fields}) is refused with the runtime's fields named: by the runtime's
     * own check when it refuses that very field (its message may say more), else by the engine's,
     * also when the runtime failed on another field first: a misspelt {@code modle} leaves
     * {@code model} missing, and the misspelling is what to fix.
     */
    public FunctionSpec validate(FunctionSpec function) throws SpecException {
        FunctionRuntime runtime = get(function.runtime());
        List<String> declared = runtime.fields();
        if (declared == null || declared.isEmpty()) {
            return runtime.validate(function);
        }
        Set<String> allowed = new LinkedHashSet<>(CommonFields.ALL);
        allowed.addAll(declared);
        List<String> unknown = function.fields().keySet().stream().filter(k -> !allowed.contains(k)).toList();
        if (unknown.isEmpty()) {
            return runtime.validate(function);
        }
        try {
            runtime.validate(function);
        } catch (SpecException e) {
            if (unknown.stream().anyMatch(key -> isAbout(e.getField(), key))) {
                throw e;
            }
        }
        Fields.onlyKnown(function.fields(), "", allowed, "a '" + runtime.kind() + "' function");
        throw new IllegalStateException("unknown fields " + unknown + " were not refused");
    }

    /**
     * Checks field names against a runtime's: each must be a common field or one the runtime
     * declares ({@link FunctionRuntime#fields}); a runtime that declares none takes any.
     *
     * @throws SpecException naming the first unknown field and the runtime's fields
     */
    public void checkFieldNames(String kind, Collection<String> names) throws SpecException {
        FunctionRuntime runtime = get(kind);
        List<String> declared = runtime.fields();
        if (declared == null || declared.isEmpty()) {
            return;
        }
        Set<String> allowed = new LinkedHashSet<>(CommonFields.ALL);
        allowed.addAll(declared);
        Map<String, Object> given = new java.util.LinkedHashMap<>();
        names.forEach(n -> given.put(n, null));
        Fields.onlyKnown(given, "", allowed, "a '" + runtime.kind() + "' function");
    }

    /** Whether a refusal's field is {@code key} or inside it ({@code key.sub}, {@code key[0]}). */
    private static boolean isAbout(String field, String key) {
        String path = Fields.path("", key);
        return field != null && (field.equals(path) || field.startsWith(path + ".") || field.startsWith(path + "["));
    }

    /** Validates the request's action against the runtime, then plans it. */
    public Plan plan(RunRequest request) throws SpecException {
        FunctionRuntime runtime = get(request.function().runtime());
        if (!runtime.actions().contains(request.action())) {
            throw new SpecException("action", request.action().id(), "runtime '" + runtime.kind()
                    + "' supports " + runtime.actions().stream().map(ActionKind::id).sorted()
                    .collect(Collectors.joining(", ")));
        }
        return runtime.plan(request);
    }

    public List<String> kinds() {
        return List.copyOf(byKind.keySet());
    }
}
