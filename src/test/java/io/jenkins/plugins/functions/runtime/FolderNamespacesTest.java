package io.jenkins.plugins.functions.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.functions.spec.SpecException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FolderNamespacesTest {

    @Test
    void theDeepestListedFolderApplies() throws Exception {
        FolderNamespaces rules = FolderNamespaces.parse("""
                # team folders
                team-a: team-a-*, shared
                team-a/ml: gpu-a

                data/etl/: etl
                """);
        assertThat(rules.ruleFor("team-a/app").orElseThrow().patterns()).containsExactly("team-a-*", "shared");
        assertThat(rules.ruleFor("team-a/ml/train").orElseThrow().folder()).isEqualTo("team-a/ml");
        assertThat(rules.ruleFor("data/etl/nightly").orElseThrow().patterns()).containsExactly("etl");
        assertThat(rules.ruleFor("team-ab/app")).as("a folder, not a name prefix").isEmpty();
        assertThat(rules.ruleFor("team-a")).as("the folder itself is not in it").isEmpty();
        assertThat(rules.ruleFor("other/job")).isEmpty();
        assertThat(rules.format()).isEqualTo("data/etl: etl\nteam-a: team-a-*, shared\nteam-a/ml: gpu-a\n");
    }

    @Test
    void aJobsPolicyIsItsFoldersRuleElseTheGlobalList() throws Exception {
        FolderNamespaces rules = FolderNamespaces.parse("team-a: team-a-*");
        NamespacePolicy inFolder = NamespacePolicy.forJob("default", List.of("ci"), rules, "team-a/app");
        assertThat(inFolder.allows("team-a-dev")).isTrue();
        assertThat(inFolder.allows("default")).isTrue();
        assertThat(inFolder.allows("ci")).as("the folder's rule replaces the global list").isFalse();
        assertThat(inFolder.describe()).endsWith("(the namespaces of the jobs in folder 'team-a')");
        NamespacePolicy elsewhere = NamespacePolicy.forJob("default", List.of("ci"), rules, "other/app");
        assertThat(elsewhere.allows("ci")).isTrue();
        assertThat(elsewhere.allows("team-a-dev")).isFalse();
    }

    @Test
    void badLinesNameTheFieldAndTheLine() {
        for (String bad : List.of("team-a team-a-*", ": ns", "team-a:", "/abs: ns", "team-a: Bad_NS",
                "team-a: a\nteam-a: b")) {
            assertThatThrownBy(() -> FolderNamespaces.parse(bad)).as(bad).isInstanceOf(SpecException.class)
                    .satisfies(e -> assertThat(((SpecException) e).getField())
                            .isIn(FolderNamespaces.FIELD, NamespacePolicy.FIELD));
        }
    }
}
