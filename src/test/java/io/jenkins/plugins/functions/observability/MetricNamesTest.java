package io.jenkins.plugins.functions.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.functions.run.RunState;
import org.junit.jupiter.api.Test;

/** Dimensions in metric names: one segment each, few values, never free text. */
class MetricNamesTest {

    @Test
    void dimensionsAreOneSafeSegmentEach() {
        assertThat(MetricNames.name(MetricNames.RUN_FINISHED, "container", "job", MetricNames.state(RunState.ERROR)))
                .isEqualTo("function-runtimes.run.finished.container.job.error");
        assertThat(MetricNames.dimension("a.b/c d")).isEqualTo("a_b_c_d");
        assertThat(MetricNames.dimension(null)).isEqualTo("unknown");
        assertThat(MetricNames.dimension("x".repeat(100))).hasSize(40);
    }

    @Test
    void reasonsThatAreNotWordsCountAsOther() {
        assertThat(MetricNames.reason("OOMKilled")).isEqualTo("OOMKilled");
        assertThat(MetricNames.reason("DeadlineExceeded")).isEqualTo("DeadlineExceeded");
        assertThat(MetricNames.reason("the container said: boom")).isEqualTo("Other");
        assertThat(MetricNames.reason(null)).isEqualTo("Other");
    }
}
