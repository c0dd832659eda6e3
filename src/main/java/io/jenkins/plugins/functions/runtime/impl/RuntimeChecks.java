package io.jenkins.plugins.functions.runtime.impl;

import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.spec.CommonFields;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.Set;
import java.util.stream.Collectors;

/** The checks every runtime here makes before it reads a function or plans a run, with their messages. */
final class RuntimeChecks {

    private RuntimeChecks() {
    }

    /** The function must be one of runtime {@code kind}. */
    static void requireRuntime(FunctionSpec function, String kind) throws SpecException {
        if (!kind.equals(function.runtime())) {
            throw new SpecException(CommonFields.RUNTIME, function.runtime(), "must be '" + kind + "' for this runtime");
        }
    }

    /** The request's action is not one of {@code actions}, all runtime {@code kind} supports. */
    static SpecException unsupported(RunRequest request, String kind, Set<ActionKind> actions) {
        return new SpecException("action", request.action().id(), "runtime '" + kind + "' supports "
                + actions.stream().map(ActionKind::id).sorted().collect(Collectors.joining(", ")));
    }
}
