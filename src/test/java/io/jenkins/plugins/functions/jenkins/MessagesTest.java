package io.jenkins.plugins.functions.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.text.MessageFormat;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Messages} is what Jenkins' localizer would generate from {@code Messages.properties}: one
 * method per key, each giving its key's text, and every text a valid {@link MessageFormat}.
 */
@ExtendWith(EnglishMessages.class)
class MessagesTest {

    private static Properties bundle() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Messages.class.getResourceAsStream("Messages.properties")) {
            assertThat(in).as("Messages.properties beside Messages").isNotNull();
            p.load(in);
        }
        return p;
    }

    /** The localizer's naming: a key's dots become underscores. */
    private static String methodOf(String key) {
        return key.replace('.', '_');
    }

    private static Set<Method> keyMethods() {
        return Arrays.stream(Messages.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()))
                .collect(Collectors.toSet());
    }

    @Test
    void everyKeyHasItsMethodAndEveryMethodItsKey() throws IOException {
        Set<String> keys = bundle().stringPropertyNames().stream().map(MessagesTest::methodOf)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> methods = keyMethods().stream().map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
        assertThat(methods).isEqualTo(keys);
    }

    @Test
    void eachMethodGivesItsKeysTextWithItsArguments() throws Exception {
        Properties bundle = bundle();
        Map<String, String> keyOf = bundle.stringPropertyNames().stream()
                .collect(Collectors.toMap(MessagesTest::methodOf, k -> k));
        for (Method m : keyMethods()) {
            String key = keyOf.get(m.getName());
            assertThat(key).as(m.getName() + " has a key").isNotNull();
            String pattern = bundle.getProperty(key);
            java.text.Format[] formats = new MessageFormat(pattern, Locale.ENGLISH).getFormatsByArgumentIndex();
            assertThat(formats).as(key + " takes as many arguments as its method").hasSize(m.getParameterCount());
            Object[] args = new Object[m.getParameterCount()];
            for (int i = 0; i < args.length; i++) {
                args[i] = formats[i] instanceof java.text.NumberFormat ? (Object) (1000 + i) : "<arg" + i + ">";
            }
            String text = (String) m.invoke(null, args);
            assertThat(text).as(key).isEqualTo(new MessageFormat(pattern, Locale.ENGLISH).format(args))
                    .doesNotContain("{").doesNotContain("''");
            for (Object arg : args) {
                assertThat(text).as(key + " shows its arguments").contains(String.valueOf(arg));
            }
        }
    }

    @Test
    void anApostropheIsDoubledAsMessageFormatWantsIt() throws IOException {
        bundle().forEach((key, value) -> assertThat(((String) value).replace("''", ""))
                .as(key + ": a single ' would hide the rest of the text").doesNotContain("'"));
        assertThat(Messages.TrendSvg_DurationTitle(1, 2)).contains("function's runs");
    }

    @Test
    void numbersAreNotGroupedLikeAmounts() {
        assertThat(Messages.TrendSvg_StatusTitle(1200, 12345)).endsWith("builds #1200 to #12345");
    }

    @Test
    void theTextsAreInTheLanguageTheRequestAsksForElseEnglish() {
        Supplier<Locale> previous = Messages.setLocaleSource(() -> Locale.GERMAN);
        try {
            // src/test/resources has a German text for this key only.
            assertThat(Messages.FunctionRunsAction_DisplayName()).isEqualTo("Funktionsl\u00e4ufe");
            assertThat(Messages.FunctionServicesAction_DisplayName()).isEqualTo("Function services");
        } finally {
            Messages.setLocaleSource(previous);
        }
        Locale jvm = Locale.getDefault();
        Messages.setLocaleSource(() -> Locale.JAPANESE);
        try {
            Locale.setDefault(Locale.GERMAN); // not the controller's language either
            assertThat(Messages.FunctionRunsAction_DisplayName()).isEqualTo("Function runs");
        } finally {
            Locale.setDefault(jvm);
            Messages.setLocaleSource(previous);
        }
    }
}
