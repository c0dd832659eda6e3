package io.jenkins.plugins.functions.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The engine is plain Java: only the {@code jenkins} glue may use Jenkins, Stapler or Pipeline types. */
class EngineIndependenceTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.jenkins.plugins.functions");

    @Test
    void engineDoesNotDependOnJenkins() {
        noClasses().that().resideOutsideOfPackage("io.jenkins.plugins.functions.jenkins..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "hudson..", "jenkins..", "org.kohsuke..", "org.jenkinsci..", "com.cloudbees..", "net.sf.json..",
                        "com.codahale..")
                .check(classes);
    }

    /**
     * The metrics plugin is optional: only its binding may name Dropwizard or the plugin's API, so
     * no other class links them (see {@code MetricsPluginAbsentTest}).
     */
    @Test
    void onlyTheMetricsBindingNamesTheMetricsPlugin() {
        noClasses().that().doNotHaveFullyQualifiedName(
                        "io.jenkins.plugins.functions.jenkins.observability.DropwizardMetrics")
                .should().dependOnClassesThat().resideInAnyPackage("com.codahale..", "jenkins.metrics..")
                .check(classes);
    }

    @Test
    void engineDoesNotDependOnTheGlue() {
        noClasses().that().resideOutsideOfPackage("io.jenkins.plugins.functions.jenkins..")
                .should().dependOnClassesThat().resideInAPackage("io.jenkins.plugins.functions.jenkins..")
                .check(classes);
    }
}
