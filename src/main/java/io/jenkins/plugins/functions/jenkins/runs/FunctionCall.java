package io.jenkins.plugins.functions.jenkins.runs;

import io.jenkins.plugins.functions.model.ActionKind;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a Pipeline step or a freestyle builder asks for, before anything is read: the function (a
 * file in the workspace, inline fields, or both: inline fields override the file's) and the
 * run's own arguments. Immutable; the Pipeline steps and the builders each make one from their
 * arguments and hand it to {@link BuildRun}, so both go through the same code.
 *
 * @param caller      who asks, for messages: {@code runFunction}, {@code Run function}
 * @param action      the action to run
 * @param file        a function file relative to the workspace, or null
 * @param inline      function fields given as arguments (never null)
 * @param parameters  the run's parameters, or null
 * @param namespace   the namespace asked for, or null for the default
 * @param timeout     the run's timeout as given ({@code '10m'}, seconds as a number), or null
 * @param failOnError whether a failed run fails the step or build
 */
public record FunctionCall(
        String caller,
        ActionKind action,
        String file,
        Map<String, Object> inline,
        Map<String, Object> parameters,
        String namespace,
        Object timeout,
        boolean failOnError) {

    public FunctionCall {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(action, "action");
        inline = Collections.unmodifiableMap(new LinkedHashMap<>(inline == null ? Map.of() : inline));
        parameters = parameters == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** What a spec error is said about: the function file, or the caller's own arguments. */
    public String origin() {
        return file != null ? file : caller;
    }

    /** How the run is named on the build until its function is read. */
    public String label() {
        Object name = inline.get("name");
        return name != null ? name.toString() : file != null ? file : "(unnamed)";
    }

    /** Names the fields given, never their values (an env value may be a secret). */
    @Override
    public String toString() {
        return "FunctionCall[" + caller + ", " + action.id() + ", file " + file + ", fields " + inline.keySet()
                + ", namespace " + namespace + "]";
    }
}
