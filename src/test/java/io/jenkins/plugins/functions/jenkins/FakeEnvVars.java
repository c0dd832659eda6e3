package io.jenkins.plugins.functions.jenkins;

import hudson.EnvVars;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A build's environment test double. The signature class has no behaviour, so {@link #expand}
 * does here what Jenkins' does ({@code Util.replaceMacro}, same pattern): {@code ${NAME}} and
 * {@code $NAME} are replaced by the variable's value, unknown variables are left as written, and
 * {@code $$} is a literal {@code $}.
 */
public final class FakeEnvVars extends EnvVars {

    private static final long serialVersionUID = 1L;
    private static final Pattern VARIABLE = Pattern.compile("\\$([A-Za-z0-9_]+|\\{[A-Za-z0-9_.]+\\}|\\$)");

    public FakeEnvVars(Map<String, String> variables) {
        putAll(variables);
    }

    @Override
    public String expand(String s) {
        if (s == null) {
            return null;
        }
        Matcher m = VARIABLE.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String value = key.equals("$") ? "$" : get(key.startsWith("{") ? key.substring(1, key.length() - 1) : key);
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }
}
