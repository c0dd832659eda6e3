package io.jenkins.plugins.functions.runtime;

import io.jenkins.plugins.functions.spec.SpecException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The namespaces the jobs of a folder may use, as an administrator writes them, one folder a
 * line: {@code team-a: team-a-*, shared} or {@code data/etl: etl}. A job uses the rule of the
 * deepest folder it is in (its full name starts with the folder and '/'); that rule replaces the
 * global list of allowed namespaces for it, so one team's folder does not reach another team's
 * namespaces. Jobs outside every listed folder use the global list.
 */
public final class FolderNamespaces {

    public static final String FIELD = "folderNamespaces";
    static final String LINE_RULE = "must be one folder a line: the folder's full name, ':', then namespace names or"
            + " patterns, such as team-a: team-a-*, shared";

    /** One line: a folder and its namespaces. */
    public record Rule(String folder, List<String> patterns) {
        public Rule {
            patterns = List.copyOf(patterns);
        }
    }

    private final List<Rule> rules;

    private FolderNamespaces(List<Rule> rules) {
        // deepest folder first: it is the one a job uses
        this.rules = rules.stream().sorted(Comparator.comparingInt((Rule r) -> r.folder().length()).reversed()).toList();
    }

    public static final FolderNamespaces NONE = new FolderNamespaces(List.of());

    /** Reads the rules; blank lines and lines starting with '#' are skipped. */
    public static FolderNamespaces parse(String text) throws SpecException {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        List<Rule> rules = new ArrayList<>();
        List<String> folders = new ArrayList<>();
        for (String raw : text.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new SpecException(FIELD, line, LINE_RULE);
            }
            String folder = line.substring(0, colon).strip().replaceAll("/+$", "");
            if (folder.isEmpty() || folder.startsWith("/") || folder.contains("//")) {
                throw new SpecException(FIELD, line, LINE_RULE);
            }
            if (folders.contains(folder)) {
                throw new SpecException(FIELD, line, "must name each folder once ('" + folder + "' is listed twice)");
            }
            List<String> patterns = NamespacePolicy.parse(line.substring(colon + 1));
            if (patterns.isEmpty()) {
                throw new SpecException(FIELD, line, LINE_RULE);
            }
            folders.add(folder);
            rules.add(new Rule(folder, patterns));
        }
        return new FolderNamespaces(rules);
    }

    /** The rule of the deepest listed folder the job is in, if any. */
    public Optional<Rule> ruleFor(String jobFullName) {
        if (jobFullName == null) {
            return Optional.empty();
        }
        return rules.stream().filter(r -> jobFullName.startsWith(r.folder() + "/")).findFirst();
    }

    public List<Rule> rules() {
        return rules;
    }

    /** The rules in the form they are written, one a line. */
    public String format() {
        StringBuilder b = new StringBuilder();
        for (Rule r : rules.stream().sorted(Comparator.comparing(Rule::folder)).toList()) {
            b.append(r.folder()).append(": ").append(String.join(", ", r.patterns())).append('\n');
        }
        return b.toString();
    }
}
