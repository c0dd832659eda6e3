package io.jenkins.plugins.functions.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.jenkins.plugins.functions.observability.TraceContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trace context of a run's workload, the same for every runtime ({@link FunctionPods#complete}):
 * when the step that asked for the run has a W3C trace context ({@link RunRequest#trace()}), every
 * container of the pod gets
 * <ul>
 *   <li>{@value TraceContext#TRACEPARENT}: a child of the step's context (same trace, the run's
 *       own span id, {@link TraceContext#childFor}), and {@value TraceContext#TRACESTATE} when the
 *       step had one, so an OpenTelemetry SDK in the function continues the build's trace;
 *   <li>{@value #OTEL_RESOURCE_ATTRIBUTES}: the run's identity ({@link #resourceAttributes}), so
 *       its spans, metrics and logs say which function, version, run, runtime and action they are.
 * </ul>
 * A variable the function sets itself is kept: its own {@code TRACEPARENT} wins, and its own
 * {@code OTEL_RESOURCE_ATTRIBUTES} (a plain value) keeps its attributes and gets the run's
 * others appended. Only the pod changes: the function's spec, and so its version, does not.
 */
public final class TraceEnv {

    /** The OpenTelemetry SDKs' variable of resource attributes ({@code key=value,...}, values percent-encoded). */
    public static final String OTEL_RESOURCE_ATTRIBUTES = "OTEL_RESOURCE_ATTRIBUTES";

    private TraceEnv() {
    }

    /**
     * The resource attributes of a run's workload: OpenTelemetry's {@code service.*} and
     * {@code faas.*} for the function and its version, {@code cicd.pipeline.task.run.id} for the
     * run, {@code k8s.namespace.name}, and {@code function_runtimes.runtime} and
     * {@code function_runtimes.action}.
     */
    public static Map<String, String> resourceAttributes(RunRequest request) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("service.name", request.function().name());
        a.put("service.version", request.function().version());
        a.put("faas.name", request.function().name());
        a.put("faas.version", request.function().version());
        a.put("cicd.pipeline.task.run.id", request.runId());
        a.put("k8s.namespace.name", request.namespace());
        a.put("function_runtimes.runtime", request.function().runtime());
        a.put("function_runtimes.action", request.action().id());
        return a;
    }

    /** Adds the run's trace variables to every container and init container of the pod; nothing without a trace context. */
    public static void apply(PodSpec pod, RunRequest request) {
        TraceContext parent = request.trace();
        if (parent == null) {
            return;
        }
        TraceContext child = parent.childFor(request.runId());
        String attributes = format(resourceAttributes(request));
        List<Container> containers = new ArrayList<>(pod.getContainers() == null ? List.of() : pod.getContainers());
        containers.addAll(pod.getInitContainers() == null ? List.of() : pod.getInitContainers());
        for (Container c : containers) {
            List<EnvVar> env = new ArrayList<>(c.getEnv() == null ? List.of() : c.getEnv());
            if (find(env, TraceContext.TRACEPARENT) == null) {
                env.add(new EnvVar(TraceContext.TRACEPARENT, child.traceparent(), null));
                if (child.traceState() != null && find(env, TraceContext.TRACESTATE) == null) {
                    env.add(new EnvVar(TraceContext.TRACESTATE, child.traceState(), null));
                }
            }
            EnvVar own = find(env, OTEL_RESOURCE_ATTRIBUTES);
            if (own == null) {
                env.add(new EnvVar(OTEL_RESOURCE_ATTRIBUTES, attributes, null));
            } else if (own.getValueFrom() == null) {
                own.setValue(merge(own.getValue(), resourceAttributes(request)));
            }
            c.setEnv(env);
        }
    }

    private static EnvVar find(List<EnvVar> env, String name) {
        for (EnvVar e : env) {
            if (name.equals(e.getName())) {
                return e;
            }
        }
        return null;
    }

    /** The function's own attributes first (they win), then the run's that it does not set. */
    static String merge(String own, Map<String, String> run) {
        String value = own == null ? "" : own.strip();
        Map<String, String> added = new LinkedHashMap<>(run);
        for (String pair : value.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                added.remove(pair.substring(0, eq).strip());
            }
        }
        if (added.isEmpty()) {
            return value;
        }
        return value.isEmpty() ? format(added) : value + "," + format(added);
    }

    /** {@code key=value,...} with the values percent-encoded (all but letters, digits, {@code . _ ~ -}). */
    static String format(Map<String, String> attributes) {
        StringBuilder out = new StringBuilder();
        attributes.forEach((k, v) -> {
            if (v == null) {
                return;
            }
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(k).append('=').append(encode(v));
        });
        return out.toString();
    }

    private static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == '~' || c == '-') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
