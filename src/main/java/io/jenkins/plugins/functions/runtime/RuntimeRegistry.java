package io.jenkins.plugins.functions.runtime;

import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
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

    /** Validates a function with its runtime. */
    public FunctionSpec validate(FunctionSpec function) throws SpecException {
        return get(function.runtime()).validate(function);
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
