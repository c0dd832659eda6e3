package io.jenkins.plugins.functions.runtime;

import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import io.jenkins.plugins.functions.runtime.build.ImageBuild;
import io.jenkins.plugins.functions.observability.TraceContext;

/**
 * Everything a runtime needs to plan one run: the function, the action, the run's identity and
 * its arguments. Immutable; built with {@link #builder(FunctionSpec, ActionKind)}.
 *
 * @param function   the validated function
 * @param action     the action to run
 * @param runId      the run's id: a DNS-1123 label fragment, unique per run, stable across restarts
 * @param namespace  the namespace the run's objects go to
 * @param parameters the run's parameters, handed to the function (JSON values)
 * @param timeout    how long the workload may run; null for the engine default
 * @param origin     labels that say where the run comes from (Jenkins job and build)
 * @param annotations annotations for every object (full, unshortened Jenkins names and URLs)
 * @param podSecurity the administrator's pod security choices, applied by the runtime to every
 *                    pod with {@link PodSecurity#apply}
 * @param profile     the administrator's profile the function chose ({@link Profile#NONE} when none)
 * @param credentials the Jenkins credentials the run uses, by id, resolved for this run only; their
 *                    values go into per-run Secrets and are masked in logs; never persisted
 * @param build       for a {@code build} run: what to build and where to push it; null otherwise
 * @param artifacts   the run's place in the artifact store and its inputs; null when no store is
 *                    configured (the pod then gets no store variables)
 * @param trace       the W3C trace context of the step that asked for the run (its {@code
 *                    TRACEPARENT}), or null: the workload continues that trace ({@link TraceEnv})
 */
public record RunRequest(
        FunctionSpec function,
        ActionKind action,
        String runId,
        String namespace,
        Map<String, Object> parameters,
        Duration timeout,
        Map<String, String> origin,
        Map<String, String> annotations,
        PodSecurity.Policy podSecurity,
        Profile profile,
        Map<String, CredentialValue> credentials,
        ImageBuild build,
        RunArtifacts artifacts,
        TraceContext trace) {

    public RunRequest {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(namespace, "namespace");
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters == null ? Map.of() : parameters));
        origin = Map.copyOf(origin == null ? Map.of() : origin);
        annotations = Map.copyOf(annotations == null ? Map.of() : annotations);
        podSecurity = podSecurity == null ? PodSecurity.Policy.defaults() : podSecurity;
        profile = profile == null ? Profile.NONE : profile;
        credentials = Map.copyOf(credentials == null ? Map.of() : credentials);
    }

    /** Names the credentials, never their values. */
    @Override
    public String toString() {
        return "RunRequest[" + function.name() + "@" + function.version() + ", " + action + ", run " + runId
                + ", namespace " + namespace + ", profile " + (profile.isNone() ? "none" : profile.name())
                + ", credentials " + credentials.keySet() + (artifacts == null ? "" : ", " + artifacts) + "]";
    }

    public static Builder builder(FunctionSpec function, ActionKind action) {
        return new Builder(function, action);
    }

    /** Builder for the optional parts. */
    public static final class Builder {
        private final FunctionSpec function;
        private final ActionKind action;
        private String runId;
        private String namespace = "default";
        private Map<String, Object> parameters = Map.of();
        private Duration timeout;
        private Map<String, String> origin = Map.of();
        private Map<String, String> annotations = Map.of();
        private PodSecurity.Policy podSecurity = PodSecurity.Policy.defaults();
        private Profile profile = Profile.NONE;
        private Map<String, CredentialValue> credentials = Map.of();
        private ImageBuild build;
        private RunArtifacts artifacts;
        private TraceContext trace;

        private Builder(FunctionSpec function, ActionKind action) {
            this.function = function;
            this.action = action;
        }

        public Builder runId(String value) {
            this.runId = value;
            return this;
        }

        public Builder namespace(String value) {
            this.namespace = value;
            return this;
        }

        public Builder parameters(Map<String, Object> value) {
            this.parameters = value;
            return this;
        }

        public Builder timeout(Duration value) {
            this.timeout = value;
            return this;
        }

        public Builder origin(Map<String, String> value) {
            this.origin = value;
            return this;
        }

        public Builder annotations(Map<String, String> value) {
            this.annotations = value;
            return this;
        }

        public Builder podSecurity(PodSecurity.Policy value) {
            this.podSecurity = value;
            return this;
        }

        public Builder profile(Profile value) {
            this.profile = value;
            return this;
        }

        /** Adds one resolved credential to those the run uses. */
        public Builder addCredential(CredentialValue value) {
            Map<String, CredentialValue> all = new LinkedHashMap<>(credentials == null ? Map.of() : credentials);
            all.put(value.id(), value);
            this.credentials = all;
            return this;
        }

        /** The resolved credentials the run uses, by credential id. */
        public Builder credentials(Map<String, CredentialValue> value) {
            this.credentials = value;
            return this;
        }

        /** For a {@code build} run: what to build and where to push it. */
        public Builder build(ImageBuild value) {
            this.build = value;
            return this;
        }

        /** The run's place in the artifact store and its inputs (null: no store). */
        public Builder artifacts(RunArtifacts value) {
            this.artifacts = value;
            return this;
        }

        /** The trace context of the step that asks for the run; null for none. */
        public Builder trace(TraceContext value) {
            this.trace = value;
            return this;
        }

        public RunRequest build() {
            return new RunRequest(function, action, runId, namespace, parameters, timeout, origin, annotations,
                    podSecurity, profile, credentials, build, artifacts, trace);
        }
    }
}
