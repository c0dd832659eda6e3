package io.jenkins.plugins.functions.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The RBAC rules the plugin needs are listed once in code ({@link ClusterPermissions}, what Test
 * connection checks) and shown in {@code docs/configuration.md}: its Role and the rules of its
 * "Permissions in the cluster" sections say the same verbs, and its Test connection section
 * lists every rule with what needs it.
 */
class ClusterPermissionsDocsTest {

    private static final Pattern RULE = Pattern.compile(
            "- apiGroups: \\[\"([^\"]*)\"]\\s*\\n\\s*resources: \\[\"([^\"]+)\"]\\s*\\n\\s*verbs: \\[([^]]*)]");

    @Test
    void theRoleOfTheDocsIsWhatEveryRunNeeds() throws IOException {
        String doc = Files.readString(Path.of("docs/configuration.md"));
        int role = doc.indexOf("kind: Role\n");
        String minimalRole = doc.substring(role, doc.indexOf("---", role));

        assertThat(rules(minimalRole)).isEqualTo(asMap(ClusterPermissions.RULES.stream()
                .filter(ClusterPermissions.Rule::required).toList()));
    }

    @Test
    void theRulesOfTheDocsAreTheRulesOfTheCode() throws IOException {
        String doc = Files.readString(Path.of("docs/configuration.md"));
        String section = doc.substring(doc.indexOf("## Permissions in the cluster"), doc.indexOf("## Security notes"));

        assertThat(rules(section)).isEqualTo(asMap(ClusterPermissions.RULES));
    }

    @Test
    void theTestConnectionSectionListsEveryRuleWithWhatNeedsIt() throws IOException {
        String doc = Files.readString(Path.of("docs/configuration.md"));
        for (ClusterPermissions.Rule r : ClusterPermissions.RULES) {
            String row = "| `" + r.resource() + "` (" + (r.group().isEmpty() ? "core" : "`" + r.group() + "`") + ") | "
                    + r.verbs().stream().map(v -> "`" + v + "`").collect(Collectors.joining(", ")) + " | "
                    + r.neededBy() + " |";
            assertThat(doc).as("docs/configuration.md lists " + r.describe()).contains(row);
        }
    }

    /** The rules of YAML snippets, merged by resource: {@code batch/jobs} to its verbs. */
    private static Map<String, Set<String>> rules(String text) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        Matcher m = RULE.matcher(text);
        while (m.find()) {
            Set<String> verbs = out.computeIfAbsent(m.group(1) + "/" + m.group(2), k -> new LinkedHashSet<>());
            for (String v : m.group(3).split(",")) {
                verbs.add(v.trim().replace("\"", ""));
            }
        }
        return out;
    }

    private static Map<String, Set<String>> asMap(List<ClusterPermissions.Rule> rules) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (ClusterPermissions.Rule r : rules) {
            out.put(r.group() + "/" + r.resource(), new LinkedHashSet<>(r.verbs()));
        }
        return out;
    }
}
