package io.jenkins.plugins.functions.model;

import io.jenkins.plugins.functions.spec.SpecException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in Jenkinsfiles and function files: {@code 90s}, {@code 10m},
 * {@code 2h}, {@code 1h30m}, {@code 1d}, or a plain number of seconds.
 */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");
    private static final String ALLOWED = "a duration such as 90s, 10m, 2h or 1h30m, or a number of seconds";

    private Durations() {
    }

    /** Parses a duration given as text or as a number of seconds; {@code field} names it in errors. */
    public static Duration parse(String field, Object value) throws SpecException {
        if (value == null) {
            return null;
        }
        try {
            return parseValue(field, value);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new SpecException(field, value, ALLOWED + ", of a sensible length");
        }
    }

    private static Duration parseValue(String field, Object value) throws SpecException {
        if (value instanceof Number n) {
            BigDecimal seconds = new BigDecimal(n.toString());
            if (seconds.signum() < 0) {
                throw new SpecException(field, value, ALLOWED + ", not negative");
            }
            return Duration.ofMillis(seconds.movePointRight(3).longValue());
        }
        String text = value.toString().trim().toLowerCase(Locale.ROOT);
        if (text.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(text));
        }
        if (!WHOLE.matcher(text).matches()) {
            throw new SpecException(field, value, ALLOWED);
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(text);
        while (m.find()) {
            long amount = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            });
        }
        return total;
    }
}
