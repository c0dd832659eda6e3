package io.jenkins.plugins.functions.runtime;

import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.List;
import java.util.Set;

/**
 * A runtime: knows one kind of function ({@code container}, {@code python}, {@code vllm}, ...),
 * which actions it supports, and how to turn a function and an action into Kubernetes objects.
 *
 * <p>This is the engine's extension point. It is plain Java: it never talks to the cluster or to
 * Jenkins, so a runtime is tested by looking at the plan it returns. In Jenkins, runtimes are
 * contributed through {@code io.jenkins.plugins.functions.jenkins.FunctionRuntimeProvider}; the
 * command-line entry finds them with {@link java.util.ServiceLoader}.
 */
public interface FunctionRuntime {

    /** The value of a function's {@code runtime} field this runtime handles. */
    String kind();

    /** The actions this runtime supports; any other action is refused before planning. */
    Set<ActionKind> actions();

    /**
     * Checks the runtime's own fields of a function and returns the function in canonical form
     * (defaults that change behaviour made explicit, so they take part in the version).
     *
     * @throws SpecException naming the field, the value and what is allowed
     */
    FunctionSpec validate(FunctionSpec function) throws SpecException;

    /**
     * Every field a function of this runtime may have, the common ones ({@code name},
     * {@code runtime}, {@code description}, {@code labels}) included, in the order messages list
     * them. When a runtime declares them, the engine refuses any other field before (or instead
     * of) the runtime's own checks, with the message a function file gets: {@code unknown field;
     * the fields of a 'kind' function are: ...}. So a runtime's fields can be given anywhere a
     * function can (a file, a Pipeline step's arguments, a freestyle step's additional fields)
     * and a misspelt one is always named, never dropped.
     *
     * <p>Empty by default: the runtime does not say, and {@link #validate} alone decides (it should
     * then refuse unknown fields itself). A default method, so runtimes written before it compile
     * and work unchanged.
     */
    default List<String> fields() {
        return List.of();
    }

    /**
     * The Kubernetes objects one run creates, in creation order. Called with a validated function
     * and a supported action. Never contacts the cluster.
     *
     * @throws SpecException when the run's arguments do not fit the function
     */
    Plan plan(RunRequest request) throws SpecException;
}
