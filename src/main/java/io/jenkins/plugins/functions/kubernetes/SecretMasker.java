package io.jenkins.plugins.functions.kubernetes;

import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * A {@link RunListener} that replaces every secret value by {@value #MASK} in everything a run
 * reports: container log lines, narration (event texts, messages of the API server), state
 * details, the outcome's message and its outputs. The engine puts it in front of every run's
 * listener ({@link FunctionEngine#start}), so every runtime's runs are masked the same way; a
 * caller re-attaching a run after a restart wraps its listener itself, with the values resolved
 * again (they are never persisted).
 */
public final class SecretMasker implements RunListener {

    public static final String MASK = "****";

    private final RunListener delegate;
    /** Longest first, so a secret that contains another is masked whole. */
    private final List<String> secrets;

    private SecretMasker(RunListener delegate, List<String> secrets) {
        this.delegate = delegate;
        this.secrets = secrets;
    }

    /** The listener, masking these values; the listener itself when there is nothing to mask. */
    public static RunListener wrap(RunListener delegate, Collection<String> values) {
        Set<String> distinct = new LinkedHashSet<>();
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                distinct.add(v);
            }
        }
        if (distinct.isEmpty()) {
            return delegate;
        }
        List<String> sorted = new ArrayList<>(distinct);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return new SecretMasker(delegate, List.copyOf(sorted));
    }

    /** The values to mask of a run's credentials ({@link CredentialValue#maskedValues()}). */
    public static List<String> valuesOf(Collection<CredentialValue> credentials) {
        List<String> values = new ArrayList<>();
        credentials.forEach(c -> values.addAll(c.maskedValues()));
        return values;
    }

    /** The text with every secret value replaced by {@value #MASK}. */
    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, MASK);
        }
        return masked;
    }

    @Override
    public void onEvent(String message) {
        delegate.onEvent(mask(message));
    }

    @Override
    public void onState(RunState state, Instant at, String detail) {
        delegate.onState(state, at, mask(detail));
    }

    @Override
    public void onLog(LogLine line) {
        delegate.onLog(new LogLine(line.time(), mask(line.text())));
    }

    @Override
    public void onLogCursor(LogCursor cursor) {
        delegate.onLogCursor(cursor);
    }

    @Override
    public void onReplaced(String previousRunId, Map<String, String> annotations) {
        delegate.onReplaced(previousRunId, annotations);
    }

    @Override
    public CompletionStage<Void> onOutcome(RunOutcome outcome) {
        return delegate.onOutcome(masked(outcome));
    }

    @Override
    public void onPod(String namespace, String name) {
        delegate.onPod(namespace, name);
    }

    @Override
    public void onResourceUsage(io.jenkins.plugins.functions.observability.ResourceUsage usage) {
        delegate.onResourceUsage(usage);
    }

    @Override
    public void onComplete(RunOutcome outcome) {
        delegate.onComplete(masked(outcome));
    }

    private RunOutcome masked(RunOutcome outcome) {
        return new RunOutcome(outcome.state(), outcome.exitCode(), mask(outcome.reason()),
                mask(outcome.message()), maskValues(outcome.outputs()), outcome.startedAt(), outcome.finishedAt());
    }

    /** Outputs are recorded on the build: a function that writes a secret there gets it masked too. */
    private Map<String, Object> maskValues(Map<String, Object> outputs) {
        Map<String, Object> masked = new LinkedHashMap<>();
        outputs.forEach((k, v) -> masked.put(mask(k), maskValue(v)));
        return masked;
    }

    private Object maskValue(Object value) {
        if (value instanceof String s) {
            return mask(s);
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(mask(String.valueOf(k)), maskValue(v)));
            return copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            l.forEach(v -> copy.add(maskValue(v)));
            return copy;
        }
        return value;
    }
}
