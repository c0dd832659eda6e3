package io.jenkins.plugins.functions.jenkins;

import java.util.Locale;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For tests that show {@link Messages}: there is no Jenkins request to take the locale from, so
 * the messages are English ({@code @ExtendWith(EnglishMessages.class)}).
 */
public final class EnglishMessages implements BeforeEachCallback, AfterEachCallback {

    private Supplier<Locale> previous;

    @Override
    public void beforeEach(ExtensionContext context) {
        previous = Messages.setLocaleSource(() -> Locale.ENGLISH);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Messages.setLocaleSource(previous);
    }
}
