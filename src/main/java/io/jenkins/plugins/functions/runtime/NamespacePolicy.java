package io.jenkins.plugins.functions.runtime;

import io.jenkins.plugins.functions.spec.Names;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which namespaces runs may use: the default namespace, plus the names and patterns an
 * administrator allows ({@code functions}, {@code team-*}). With no list, only the default
 * namespace. A run asking for any other namespace is refused before a request is sent.
 *
 * <p>A pattern is a namespace name in which {@code *} stands for any run of characters a
 * namespace name may hold (lowercase letters, digits, '-'), possibly none: {@code team-*}
 * allows {@code team-a} and {@code team-}{@code data}, not {@code team} or {@code other-team-a};
 * {@code *} alone allows every namespace.
 */
public final class NamespacePolicy {

    /** The configuration field the list comes from, named in messages about the list itself. */
    public static final String FIELD = "allowedNamespaces";
    public static final String PATTERN_RULE = "must be namespace names or patterns, separated by commas, spaces or"
            + " new lines: a name is a DNS-1123 label (lowercase letters, digits and '-', such as functions), a"
            + " pattern is a name with '*' for any characters (such as team-*)";

    private final String defaultNamespace;
    private final List<String> patterns;
    private final List<Pattern> regexes;
    /** The folder whose rule this is, or null for the global list. */
    private final String folder;

    private NamespacePolicy(String defaultNamespace, List<String> patterns, String folder) {
        this.defaultNamespace = Objects.requireNonNull(defaultNamespace, "defaultNamespace");
        this.patterns = List.copyOf(patterns);
        this.regexes = this.patterns.stream().map(NamespacePolicy::regex).toList();
        this.folder = folder;
    }

    /**
     * The policy of a job: its folder's rule when one applies (see {@link FolderNamespaces}),
     * else the global list; the default namespace is allowed either way.
     */
    public static NamespacePolicy forJob(String defaultNamespace, Collection<String> global, FolderNamespaces folders,
                                         String jobFullName) throws SpecException {
        var rule = folders.ruleFor(jobFullName);
        if (rule.isPresent()) {
            for (String p : rule.get().patterns()) {
                checkPattern(p);
            }
            return new NamespacePolicy(defaultNamespace, rule.get().patterns(), rule.get().folder());
        }
        return of(defaultNamespace, global);
    }

    /** Only the default namespace. */
    public static NamespacePolicy onlyDefault(String defaultNamespace) {
        return new NamespacePolicy(defaultNamespace, List.of(), null);
    }

    /**
     * The default namespace and the given names and patterns.
     *
     * @throws SpecException on field {@value #FIELD} for an entry that is neither
     */
    public static NamespacePolicy of(String defaultNamespace, Collection<String> patterns) throws SpecException {
        for (String p : patterns) {
            checkPattern(p);
        }
        return new NamespacePolicy(defaultNamespace, new ArrayList<>(new LinkedHashSet<>(patterns)), null);
    }

    /**
     * The entries of a list as an administrator writes it: separated by commas, spaces or new
     * lines; blanks ignored; each checked.
     */
    public static List<String> parse(String text) throws SpecException {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        Set<String> entries = new LinkedHashSet<>();
        for (String entry : text.trim().split("[\\s,]+")) {
            if (!entry.isEmpty()) {
                checkPattern(entry);
                entries.add(entry);
            }
        }
        return List.copyOf(entries);
    }

    private static void checkPattern(String p) throws SpecException {
        // '*' stands for characters of a name: with a letter in its place, the pattern is a name
        if (p == null || !Names.isDns1123Label(p.replace("*", "a"))) {
            throw new SpecException(FIELD, p, PATTERN_RULE);
        }
    }

    private static Pattern regex(String p) {
        String[] parts = p.split("\\*", -1);
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                re.append("[a-z0-9-]*");
            }
            re.append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(re.toString());
    }

    public String defaultNamespace() {
        return defaultNamespace;
    }

    /** The names and patterns beyond the default namespace, as given. */
    public List<String> patterns() {
        return patterns;
    }

    /** The names without a pattern character, the default namespace first. */
    public List<String> names() {
        Set<String> names = new LinkedHashSet<>();
        names.add(defaultNamespace);
        patterns.stream().filter(p -> !p.contains("*")).forEach(names::add);
        return List.copyOf(names);
    }

    public boolean allows(String namespace) {
        if (namespace == null) {
            return false;
        }
        if (namespace.equals(defaultNamespace)) {
            return true;
        }
        return Names.isDns1123Label(namespace) && regexes.stream().anyMatch(r -> r.matcher(namespace).matches());
    }

    /**
     * Refuses a namespace runs may not use, naming the field ({@code namespace}), the value and
     * the namespaces that are allowed.
     */
    public void check(String namespace) throws SpecException {
        if (!allows(namespace)) {
            throw new SpecException("namespace", namespace, describe());
        }
    }

    /** The "what is allowed" part of a refusal. */
    public String describe() {
        StringBuilder b = new StringBuilder("must be a namespace runs may use: ").append(defaultNamespace)
                .append(" (the default namespace)");
        for (String p : patterns) {
            if (!p.equals(defaultNamespace)) {
                b.append(", ").append(p);
            }
        }
        if (folder != null) {
            b.append(" (the namespaces of the jobs in folder '").append(folder).append("')");
        } else if (patterns.isEmpty()) {
            b.append("; an administrator allows more namespaces in the configuration's allowed namespaces");
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "NamespacePolicy" + names() + patterns;
    }
}
