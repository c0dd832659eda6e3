package io.jenkins.plugins.functions.observability;

import io.jenkins.plugins.functions.spec.SpecException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A link from a run to where its logs, traces or dashboards are (Grafana Explore over Loki or
 * Tempo, any dashboard): a name and a URL template with placeholders such as
 * {@code ${namespace}}, {@code ${pod}} and {@code ${traceId}}, each replaced by the run's value,
 * URL-encoded. A link whose placeholders are not all known for a run (no pod yet, no trace) is
 * not shown for it. Immutable; checked when it is made.
 *
 * @param name what the link is called on the run's page ({@code Logs in Loki})
 * @param url  the template, {@code http://} or {@code https://}
 */
public record LinkTemplate(String name, String url) {

    /** The placeholders a template may use, and what they stand for. */
    public static final Map<String, String> PLACEHOLDERS = knownPlaceholders();

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final int MAX_NAME = 100;
    private static final int MAX_URL = 4000;

    private static Map<String, String> knownPlaceholders() {
        Map<String, String> p = new java.util.LinkedHashMap<>();
        p.put("namespace", "the namespace of the run's objects");
        p.put("pod", "the name of the run's (last) pod");
        p.put("job", "the name of the run's Kubernetes Job (job and build runs)");
        p.put("workload", "the name of the run's workload (Job, Deployment, ...)");
        p.put("kind", "the kind of the run's workload");
        p.put("runId", "the run's id");
        p.put("function", "the function's name");
        p.put("version", "the function's version");
        p.put("runtime", "the runtime");
        p.put("action", "the action");
        p.put("state", "the run's state");
        p.put("start", "when the run started, epoch milliseconds (Grafana's from=)");
        p.put("end", "when the run ended, epoch milliseconds, or now while it runs (Grafana's to=)");
        p.put("startIso", "when the run started, RFC 3339 (UTC)");
        p.put("endIso", "when the run ended, RFC 3339 (UTC), or the current time while it runs");
        p.put("traceId", "the trace id the run continued (TRACEPARENT)");
        p.put("spanId", "the span id the run's workload got as its parent");
        p.put("jenkinsJob", "the Jenkins job's full name");
        p.put("buildNumber", "the Jenkins build's number");
        return java.util.Collections.unmodifiableMap(p);
    }

    /** What the configuration says about a template's field. */
    public static final String URL_RULE = "an http:// or https:// URL of at most " + MAX_URL
            + " characters; placeholders ${name} among " + String.join(", ", knownPlaceholders().keySet());

    /**
     * @throws IllegalArgumentException naming the field, the value and what is allowed; use
     *                                  {@link #of} to get a {@link SpecException} instead
     */
    public LinkTemplate {
        try {
            check(name, url);
        } catch (SpecException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        name = name.strip();
        url = url.strip();
    }

    /** A checked template; the exception names the field ({@code name} or {@code url}), the value and the rule. */
    public static LinkTemplate of(String name, String url) throws SpecException {
        check(name, url);
        return new LinkTemplate(name, url);
    }

    private static void check(String name, String url) throws SpecException {
        checkName(name);
        checkUrl(url);
    }

    /** A link's name: 1 to {@value #MAX_NAME} characters. */
    public static void checkName(String name) throws SpecException {
        if (name == null || name.isBlank() || name.strip().length() > MAX_NAME) {
            throw new SpecException("name", name, "a name of 1 to " + MAX_NAME + " characters");
        }
    }

    /** A link's URL template: http(s), bounded, its placeholders known. */
    public static void checkUrl(String url) throws SpecException {
        String u = url == null ? null : url.strip();
        if (u == null || u.isEmpty() || u.length() > MAX_URL
                || !(u.regionMatches(true, 0, "https://", 0, 8) || u.regionMatches(true, 0, "http://", 0, 7))
                || u.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new SpecException("url", url, URL_RULE);
        }
        int open = u.indexOf("${");
        while (open >= 0) {
            int close = u.indexOf('}', open);
            String placeholder = close < 0 ? null : u.substring(open + 2, close);
            if (placeholder == null || !PLACEHOLDERS.containsKey(placeholder)) {
                throw new SpecException("url", url, "placeholder '${" + (placeholder == null ? u.substring(open + 2)
                        : placeholder) + (close < 0 ? "" : "}") + "' is unknown; allowed: ${"
                        + String.join("}, ${", PLACEHOLDERS.keySet()) + "}");
            }
            open = u.indexOf("${", close);
        }
    }

    /** The placeholders this template uses, in order. */
    public Set<String> used() {
        Set<String> used = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(url);
        while (m.find()) {
            used.add(m.group(1));
        }
        return used;
    }

    /**
     * The URL for a run: each placeholder replaced by its value, URL-encoded (a space is
     * {@code %20}); empty when a placeholder the template uses has no value for the run.
     */
    public Optional<String> expand(Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(url);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null || value.isEmpty()) {
                return Optional.empty();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(encode(value)));
        }
        m.appendTail(out);
        return Optional.of(out.toString());
    }

    /** The links of a run: each template expanded, those missing a value left out. */
    public static List<Link> expandAll(List<LinkTemplate> templates, Map<String, String> values) {
        List<Link> links = new ArrayList<>();
        for (LinkTemplate t : templates) {
            t.expand(values).ifPresent(u -> links.add(new Link(t.name(), u)));
        }
        return links;
    }

    /** A link of a run: its name and its URL. */
    public record Link(String name, String url) {
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
