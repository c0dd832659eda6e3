package io.jenkins.plugins.functions.jenkins.steps;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code serveFunction} with a whole function given inline, as it would come from its file, its
 * fields overriding the step's arguments: for tests outside this package that need a function
 * without going through the step's arguments ({@link InlineFieldsStepTest} covers those).
 */
public final class InlineServeStep extends ServeFunctionStep {

    private final Map<String, Object> function;

    public InlineServeStep(Map<String, Object> function) {
        this.function = new LinkedHashMap<>(function);
    }

    @Override
    Map<String, Object> inlineFields() {
        Map<String, Object> m = super.inlineFields();
        m.putAll(function);
        return m;
    }
}
