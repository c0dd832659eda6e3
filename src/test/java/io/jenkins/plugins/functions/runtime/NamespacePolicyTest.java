package io.jenkins.plugins.functions.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jenkins.plugins.functions.spec.SpecException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which namespaces runs may use: the default one, plus names and patterns. */
class NamespacePolicyTest {

    @Test
    void withoutAListOnlyTheDefaultNamespaceIsAllowed() throws SpecException {
        NamespacePolicy policy = NamespacePolicy.of("functions", List.of());
        assertThat(policy.allows("functions")).isTrue();
        assertThat(policy.allows("default")).isFalse();
        assertThat(policy.allows("kube-system")).isFalse();
        assertThat(policy.names()).containsExactly("functions");
        assertThat(NamespacePolicy.onlyDefault("functions").allows("functions")).isTrue();
    }

    @Test
    void namesAndPatterns() throws SpecException {
        NamespacePolicy policy = NamespacePolicy.of("functions", List.of("ci", "team-*", "*-staging", "a*z"));
        assertThat(policy.allows("ci")).isTrue();
        assertThat(policy.allows("team-a")).isTrue();
        assertThat(policy.allows("team-data-2")).isTrue();
        assertThat(policy.allows("team-")).as("not a namespace name").isFalse();
        assertThat(policy.allows("team")).isFalse();
        assertThat(policy.allows("other-team-a")).isFalse();
        assertThat(policy.allows("web-staging")).isTrue();
        assertThat(policy.allows("staging")).isFalse();
        assertThat(policy.allows("az")).isTrue();
        assertThat(policy.allows("abcz")).isTrue();
        assertThat(policy.allows("ci2")).isFalse();
        assertThat(policy.allows("Team-A")).as("not a namespace name").isFalse();
        assertThat(policy.allows("team-a.b")).as("'*' stands for name characters only").isFalse();
        assertThat(policy.allows(null)).isFalse();
        assertThat(policy.names()).containsExactly("functions", "ci");
        assertThat(policy.patterns()).containsExactly("ci", "team-*", "*-staging", "a*z");
    }

    @Test
    void aStarAloneAllowsEveryNamespace() throws SpecException {
        NamespacePolicy policy = NamespacePolicy.of("functions", List.of("*"));
        assertThat(policy.allows("kube-system")).isTrue();
        assertThat(policy.allows("anything-at-all")).isTrue();
        assertThat(policy.allows("Not_A_Name")).isFalse();
    }

    @Test
    void aRefusalNamesTheFieldTheValueAndWhatIsAllowed() throws SpecException {
        SpecException e = catchThrowableOfType(
                () -> NamespacePolicy.of("functions", List.of("team-*", "ci")).check("prod"), SpecException.class);
        assertThat(e.getField()).isEqualTo("namespace");
        assertThat(e.getValue()).isEqualTo("prod");
        assertThat(e.getAllowed()).isEqualTo("must be a namespace runs may use: functions (the default namespace),"
                + " team-*, ci");
        assertThat(e.getMessage()).isEqualTo("field 'namespace': value 'prod' is not allowed: must be a namespace runs"
                + " may use: functions (the default namespace), team-*, ci");

        SpecException onlyDefault = catchThrowableOfType(
                () -> NamespacePolicy.onlyDefault("default").check("team-a"), SpecException.class);
        assertThat(onlyDefault.getAllowed()).contains("default (the default namespace)")
                .contains("an administrator allows more namespaces");
    }

    @Test
    void theListIsReadFromText() throws SpecException {
        assertThat(NamespacePolicy.parse(" functions, team-*\n ci  ci,,")).containsExactly("functions", "team-*", "ci");
        assertThat(NamespacePolicy.parse("")).isEmpty();
        assertThat(NamespacePolicy.parse(null)).isEmpty();
        assertThat(NamespacePolicy.parse("  \n ")).isEmpty();
    }

    @Test
    void entriesThatAreNeitherNamesNorPatternsAreRefused() {
        for (String bad : List.of("Team-A", "team_a", "-team", "team-", "team.a", "team/*", "?", "a".repeat(64))) {
            SpecException e = catchThrowableOfType(() -> NamespacePolicy.parse("ok, " + bad), SpecException.class);
            assertThat(e).as(bad).isNotNull();
            assertThat(e.getField()).isEqualTo("allowedNamespaces");
            assertThat(e.getValue()).isEqualTo(bad);
            assertThat(e.getAllowed()).contains("DNS-1123 label").contains("team-*");
        }
    }
}
