package io.jenkins.plugins.functions.observability;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A W3C trace context (<a href="https://www.w3.org/TR/trace-context/">Trace Context</a>): the
 * {@code traceparent} of the build's span, as the opentelemetry plugin puts it into a step's
 * environment ({@code TRACEPARENT}, with {@code TRACESTATE}), and the child the workload of a
 * run continues the trace from. Immutable.
 *
 * @param traceId    32 lower-case hex digits, not all zero
 * @param spanId     16 lower-case hex digits, not all zero: the span of this context
 * @param flags      2 hex digits (bit 0: sampled)
 * @param traceState the vendors' {@code tracestate}, passed on unchanged; null when there is none
 */
public record TraceContext(String traceId, String spanId, String flags, String traceState) {

    /** The environment variable of the traceparent (the OpenTelemetry convention for processes). */
    public static final String TRACEPARENT = "TRACEPARENT";
    /** The environment variable of the tracestate. */
    public static final String TRACESTATE = "TRACESTATE";

    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern SPAN_ID = Pattern.compile("[0-9a-f]{16}");
    private static final Pattern HEX2 = Pattern.compile("[0-9a-f]{2}");
    /** tracestate: at most 512 printable ASCII characters (W3C limits it to 32 members). */
    private static final Pattern TRACE_STATE = Pattern.compile("[\\x20-\\x7e]{1,512}");

    public TraceContext {
        if (traceId == null || !TRACE_ID.matcher(traceId).matches() || traceId.chars().allMatch(c -> c == '0')) {
            throw new IllegalArgumentException("trace id: value '" + traceId + "' is not allowed: 32 lower-case hex"
                    + " digits, not all zero");
        }
        if (spanId == null || !SPAN_ID.matcher(spanId).matches() || spanId.chars().allMatch(c -> c == '0')) {
            throw new IllegalArgumentException("span id: value '" + spanId + "' is not allowed: 16 lower-case hex"
                    + " digits, not all zero");
        }
        if (flags == null || !HEX2.matcher(flags).matches()) {
            throw new IllegalArgumentException("trace flags: value '" + flags + "' is not allowed: 2 hex digits");
        }
        traceState = traceState == null || !TRACE_STATE.matcher(traceState.strip()).matches() ? null
                : traceState.strip();
    }

    /**
     * Reads a {@code traceparent} as the W3C recommendation parses it: version {@code 00} is
     * exactly {@code 00-<trace id>-<parent id>-<flags>}; a later version may carry more after a
     * dash, which is ignored; version {@code ff} and anything malformed are refused.
     *
     * @return the context, or empty when the value is not a valid traceparent
     */
    public static Optional<TraceContext> parse(String traceparent, String tracestate) {
        if (traceparent == null) {
            return Optional.empty();
        }
        String value = traceparent.strip();
        if (value.length() < 55 || value.charAt(2) != '-' || value.charAt(35) != '-' || value.charAt(52) != '-') {
            return Optional.empty();
        }
        String version = value.substring(0, 2);
        if (!HEX2.matcher(version).matches() || version.equals("ff")
                || version.equals("00") && value.length() != 55
                || value.length() > 55 && value.charAt(55) != '-') {
            return Optional.empty();
        }
        try {
            return Optional.of(new TraceContext(value.substring(3, 35), value.substring(36, 52),
                    value.substring(53, 55), tracestate));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The context of a build step's environment ({@value #TRACEPARENT}, {@value #TRACESTATE}), if it has a valid one. */
    public static Optional<TraceContext> fromEnvironment(Map<String, String> env) {
        return env == null ? Optional.empty() : parse(env.get(TRACEPARENT), env.get(TRACESTATE));
    }

    /**
     * The context a run's workload continues from: the same trace and flags, a span id of its
     * own. Derived from the run's id (not random), so planning a run again gives the same span, and
     * the build records the one its pods got.
     */
    public TraceContext childFor(String runId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((traceId + "-" + spanId + "-" + runId).getBytes(StandardCharsets.UTF_8));
            byte[] digest = sha.digest();
            String child = HexFormat.of().formatHex(digest, 0, 8);
            if (child.chars().allMatch(c -> c == '0')) {
                child = HexFormat.of().formatHex(digest, 8, 16); // all zero is invalid: take the next bytes
            }
            return new TraceContext(traceId, child, flags, traceState);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This context as a version {@code 00} traceparent. */
    public String traceparent() {
        return "00-" + traceId + "-" + spanId + "-" + flags;
    }

    /** Whether the parent sampled the trace (flag bit 0). */
    public boolean sampled() {
        return (Integer.parseInt(flags, 16) & 1) == 1;
    }

    @Override
    public String toString() {
        return traceparent();
    }
}
