package io.jenkins.plugins.functions.jenkins.config;

import static io.jenkins.plugins.functions.jenkins.config.FunctionRuntimesConfiguration.WHERE;

import hudson.util.FormValidation;
import io.jenkins.plugins.functions.spec.SpecException;
import java.time.Duration;

/**
 * The settings in seconds of the global configuration ({@link FunctionRuntimesConfiguration}):
 * the fail-fast thresholds and the usage sampling interval, checked when saved and as typed.
 * Null stands for the engine's default, so a changed default reaches old configurations.
 */
final class Thresholds {

    private Thresholds() {
    }

    /** The value as kept: null (the default) or 0 and more; a negative one is refused. */
    static Integer nonNegative(String field, Integer value) {
        if (value != null && value < 0) {
            throw new IllegalArgumentException(new SpecException(WHERE, field, value,
                    "must be 0 or more (seconds); leave it empty for the default").getMessage());
        }
        return value;
    }

    /** The value in seconds, else the default's. */
    static Integer seconds(Integer value, Duration fallback) {
        return value != null ? value : (int) fallback.toSeconds();
    }

    /** A threshold as {@link #nonNegative} takes it when the configuration is saved. */
    static FormValidation check(String field, String value) {
        if (value == null || value.isBlank()) {
            return FormValidation.ok();
        }
        try {
            nonNegative(field, Integer.valueOf(value.trim()));
            return FormValidation.ok();
        } catch (NumberFormatException e) {
            return FormValidation.error(new SpecException(WHERE, field, value.trim(),
                    "must be a whole number of seconds, 0 or more; leave it empty for the default").getMessage());
        } catch (IllegalArgumentException e) {
            return FormValidation.error(e.getMessage());
        }
    }
}
