package io.jenkins.plugins.functions.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** W3C traceparent parsing as the Trace Context recommendation describes it. */
class TraceContextTest {

    private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void readsAVersion00Traceparent() {
        TraceContext c = TraceContext.parse(VALID, "congo=t61rcWkgMzE").orElseThrow();
        assertThat(c.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(c.spanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(c.flags()).isEqualTo("01");
        assertThat(c.sampled()).isTrue();
        assertThat(c.traceState()).isEqualTo("congo=t61rcWkgMzE");
        assertThat(c.traceparent()).isEqualTo(VALID);
    }

    @Test
    void refusesWhatIsNotATraceparent() {
        for (String bad : new String[] {null, "", "garbage", VALID + "-extra",
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",
                "0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}) {
            assertThat(TraceContext.parse(bad, null)).as(String.valueOf(bad)).isEmpty();
        }
    }

    @Test
    void aLaterVersionIsReadForItsKnownPartsOnly() {
        assertThat(TraceContext.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-what-comes-next",
                null)).hasValueSatisfying(c -> assertThat(c.traceparent())
                        .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"));
        assertThat(TraceContext.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00x", null)).isEmpty();
    }

    @Test
    void comesFromTheStepsEnvironmentAndDropsAnUnusableTracestate() {
        assertThat(TraceContext.fromEnvironment(Map.of("TRACEPARENT", VALID, "TRACESTATE", "a=b\nc=d")))
                .hasValueSatisfying(c -> assertThat(c.traceState()).isNull());
        assertThat(TraceContext.fromEnvironment(Map.of("PATH", "/bin"))).isEmpty();
        assertThat(TraceContext.fromEnvironment(null)).isEmpty();
    }

    @Test
    void aContextIsCheckedWhenMade() {
        assertThatThrownBy(() -> new TraceContext("xyz", "00f067aa0ba902b7", "01", null))
                .hasMessageContaining("trace id").hasMessageContaining("'xyz'").hasMessageContaining("32 lower-case hex");
    }
}
