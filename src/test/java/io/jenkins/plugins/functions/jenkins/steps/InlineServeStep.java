package io.jenkins.plugins.functions.jenkins.steps;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code serveFunction} with a whole function given inline, as it would come from its file (the
 * model runtimes' fields are file fields, not step arguments): for tests outside this package.
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
