package io.jenkins.plugins.functions.jenkins.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.thoughtworks.xstream.XStream;
import hudson.AbortException;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The operations and security settings of the global configuration. Jenkins reads the
 * configuration with XStream, without its constructor: so does this test (the signature classes
 * have no {@code load()}/{@code save()}), which also proves that a configuration saved before
 * these settings existed comes back with their defaults.
 */
class FunctionRuntimesConfigurationTest {

    private static final String TYPE = FunctionRuntimesConfiguration.class.getName();

    private static FunctionRuntimesConfiguration read(String fields) {
        XStream x = new XStream();
        x.allowTypesByWildcard(new String[] {"io.jenkins.plugins.functions.**"});
        return (FunctionRuntimesConfiguration) x.fromXML("<" + TYPE + ">" + fields + "</" + TYPE + ">");
    }

    @Test
    void anOlderConfigurationGetsTheDefaults() throws AbortException {
        FunctionRuntimesConfiguration c = read("<serverUrl>https://k8s.example.com</serverUrl><namespace>functions"
                + "</namespace><skipTlsVerify>false</skipTlsVerify>");
        assertThat(c.getImagePullGraceSeconds()).isEqualTo(15);
        assertThat(c.getUnschedulableGraceSeconds()).isEqualTo(120);
        assertThat(c.getConfigErrorGraceSeconds()).isEqualTo(30);
        assertThat(c.getPendingTimeoutSeconds()).isEqualTo(600);
        assertThat(RunSettings.of(c).engineOptions()).isEqualTo(EngineOptions.defaults());
        assertThat(c.isEnforceNonRoot()).isFalse();
        assertThat(RunSettings.of(c).podSecurity().enforceNonRoot()).isFalse();
        assertThat(c.getAllowedNamespaces()).isNull();
        assertThat(RunSettings.of(c).namespacePolicy("functions").names()).containsExactly("functions");
        assertThat(RunSettings.of(c).namespacePolicy("functions").allows("default")).isFalse();
    }

    @Test
    void savedSettingsBecomeTheEnginesOptionsAndPolicies() throws AbortException {
        FunctionRuntimesConfiguration c = read("<allowedNamespaces>team-*, ci</allowedNamespaces>"
                + "<imagePullGraceSeconds>0</imagePullGraceSeconds>"
                + "<unschedulableGraceSeconds>300</unschedulableGraceSeconds>"
                + "<configErrorGraceSeconds>45</configErrorGraceSeconds>"
                + "<pendingTimeoutSeconds>0</pendingTimeoutSeconds>"
                + "<enforceNonRoot>true</enforceNonRoot>"
                + "<controllerId>abcdefghijkl</controllerId>");
        EngineOptions o = RunSettings.of(c).engineOptions();
        assertThat(o.imagePullGrace()).isEqualTo(Duration.ZERO);
        assertThat(o.unschedulableGrace()).isEqualTo(Duration.ofMinutes(5));
        assertThat(o.configErrorGrace()).isEqualTo(Duration.ofSeconds(45));
        assertThat(o.pendingTimeout()).as("0: no limit").isEqualTo(Duration.ZERO);
        assertThat(o.logDrainTimeout()).isEqualTo(EngineOptions.defaults().logDrainTimeout());
        assertThat(RunSettings.of(c).podSecurity().enforceNonRoot()).isTrue();
        assertThat(RunSettings.of(c).namespacePolicy("default").allows("team-a")).isTrue();
        assertThat(RunSettings.of(c).namespacePolicy("default").allows("ci")).isTrue();
        assertThat(RunSettings.of(c).namespacePolicy("default").allows("default")).isTrue();
        assertThat(RunSettings.of(c).namespacePolicy("default").allows("prod")).isFalse();
        assertThat(c.getControllerId()).as("kept, never regenerated").isEqualTo("abcdefghijkl");
    }

    @Test
    void negativeSecondsAreRefusedNamingTheField() {
        FunctionRuntimesConfiguration c = read("");
        assertThatThrownBy(() -> c.setPendingTimeoutSeconds(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Function Runtimes (Manage Jenkins » System): field 'pendingTimeoutSeconds': value '-1' is"
                        + " not allowed: must be 0 or more (seconds); leave it empty for the default");
        assertThatThrownBy(() -> c.setImagePullGraceSeconds(-15)).hasMessageContaining("'imagePullGraceSeconds'");
        assertThatThrownBy(() -> c.setUnschedulableGraceSeconds(-2)).hasMessageContaining("'unschedulableGraceSeconds'");
        assertThatThrownBy(() -> c.setConfigErrorGraceSeconds(-3)).hasMessageContaining("'configErrorGraceSeconds'");
        assertThat(Thresholds.nonNegative("x", 0)).isZero();
        assertThat(Thresholds.nonNegative("x", null)).isNull();
    }

    @Test
    void anAllowedNamespacesEntryThatIsNoNameIsRefusedNamingTheField() {
        FunctionRuntimesConfiguration c = read("");
        assertThatThrownBy(() -> c.setAllowedNamespaces("ci, Team_A")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Function Runtimes (Manage Jenkins » System): field 'allowedNamespaces':"
                        + " value 'Team_A' is not allowed: must be namespace names or patterns")
                .hasMessageContaining("team-*");
        assertThatThrownBy(() -> NamespaceSettings.namespacePolicy("default", "ok, no/slash"))
                .isInstanceOf(AbortException.class).hasMessageContaining("'no/slash'");
    }
}
