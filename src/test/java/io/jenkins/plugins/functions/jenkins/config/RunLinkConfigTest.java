package io.jenkins.plugins.functions.jenkins.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The observability settings of the global configuration: links checked when made, the sampling interval. */
class RunLinkConfigTest {

    @Test
    void aLinkIsCheckedWhenItIsMade() {
        RunLinkConfig ok = new RunLinkConfig(" Logs ", " https://grafana.example.com/?pod=${pod} ");
        assertThat(ok.getName()).isEqualTo("Logs");
        assertThat(ok.toTemplate().used()).containsExactly("pod");
        assertThatThrownBy(() -> new RunLinkConfig("Logs", "https://grafana.example.com/?pod=${podname}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Function Runtimes (Manage Jenkins » System) » link 'Logs': field 'url'")
                .hasMessageContaining("'${podname}' is unknown");
    }

    @Test
    void theLinksAndTheSamplingIntervalAreKept() {
        com.thoughtworks.xstream.XStream x = new com.thoughtworks.xstream.XStream(); // as Jenkins reads it
        x.allowTypesByWildcard(new String[] {"io.jenkins.plugins.functions.**"});
        FunctionRuntimesConfiguration c = (FunctionRuntimesConfiguration) x.fromXML("<"
                + FunctionRuntimesConfigurationCascTest.Unsaved.class.getName().replace("$", "_-") + "/>");
        assertThat(c.getUsageSampleSeconds()).as("metrics-server's resolution by default").isEqualTo(15);
        assertThat(RunSettings.of(c).usageInterval()).isEqualTo(Duration.ofSeconds(15));
        c.setUsageSampleSeconds(0);
        assertThat(RunSettings.of(c).usageInterval()).isZero();
        assertThatThrownBy(() -> c.setUsageSampleSeconds(-1)).hasMessageContaining("field 'usageSampleSeconds'");
        c.setLinks(List.of(new RunLinkConfig("Trace", "https://tempo.example.com/trace/${traceId}")));
        assertThat(RunSettings.of(c).linkTemplates()).singleElement().satisfies(t -> assertThat(t.name()).isEqualTo("Trace"));
        c.setLinks(List.of());
        assertThat(c.getLinks()).isEmpty();
    }
}
