package io.jenkins.plugins.functions.jenkins.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.thoughtworks.xstream.XStream;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A run's observability goes into its record with the rest (the run's file beside the build), and
 * records saved before it existed still load.
 */
class RunObservabilityPersistenceTest {

    private static XStream xstream() {
        XStream x = new XStream();
        x.allowTypesByWildcard(new String[] {"io.jenkins.plugins.functions.**"});
        return x;
    }

    private static RunRecord observedRecord() {
        RunRecord record = new RunRecord("abc123def4", "job", "hello", 1_000L);
        record.resolved("hello", "0123456789abcdef", "container", "team-a", "{}", "{}", 2_000L);
        record.addObject("Job", "team-a", "hello-abc123def4");
        record.traced("4bf92f3577b34da6a3ce929d0e0e4736", "b7ad6b7169203331");
        record.resources(Map.of("cpu", "500m", "nvidia.com/gpu", "1"), Map.of("memory", "2Gi"));
        record.addPod("hello-abc123def4-x7k2p");
        record.addPod("hello-abc123def4-x7k2p");
        record.usage(12, 450L, 300L, 64L << 20, 48L << 20, null);
        record.finish(RunOutcome.error("OOMKilled", "out of memory"), null);
        return record;
    }

    @Test
    void traceResourcesPodsAndUsageAreKept() throws Exception {
        FakeBuild build = new FakeBuild("team/app", 3);
        FunctionRunAction action = new FunctionRunAction(observedRecord());
        build.addAction(action);
        action.recordChanged();
        action.released();
        build.save();
        FunctionRunAction back = FunctionRunAction.of(FakeBuild.load("team/app", 3, build.getRootDir())).get(0);

        assertThat(back.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(back.getSpanId()).isEqualTo("b7ad6b7169203331");
        assertThat(back.getResourceRequests()).containsExactly(Map.entry("cpu", "500m"), Map.entry("nvidia.com/gpu", "1"));
        assertThat(back.getResourceLimits()).containsExactly(Map.entry("memory", "2Gi"));
        assertThat(back.getPods()).containsExactly("hello-abc123def4-x7k2p");
        assertThat(back.getUsage().getSamples()).isEqualTo(12);
        assertThat(back.getUsage().getCpuPeakMillicores()).isEqualTo(450);
        assertThat(back.getUsage().getCpuMeanMillicores()).isEqualTo(300);
        assertThat(back.getUsage().getMemoryMeanText()).isEqualTo("48.0 MiB");
        assertThat(back.getState()).isEqualTo(RunState.ERROR.name());
    }

    @Test
    void aRecordSavedBeforeHasNone() {
        RunRecord plain = new RunRecord("abc123def4", "job", "hello", 1_000L);
        String old = xstream().toXML(new FunctionRunAction(plain));
        assertThat(old).doesNotContain("traceId").doesNotContain("usageSamples").doesNotContain("pods");
        FunctionRunAction legacy = (FunctionRunAction) xstream().fromXML(old);
        assertThat(legacy.getTraceId()).isNull();
        assertThat(legacy.getResourceRequests()).isEmpty();
        assertThat(legacy.getPods()).isEmpty();
        assertThat(legacy.getUsage()).isNull();
        assertThat(legacy.getLinks()).isEmpty();
    }

    @Test
    void aRecordKeepsAFewPodsAtMost() {
        RunRecord record = new RunRecord("abc123def4", "serve", "web", 1_000L);
        for (int i = 0; i < 50; i++) {
            record.addPod("web-" + i);
        }
        assertThat(record.getPods()).hasSize(RunRecord.MAX_PODS).startsWith("web-0");
    }
}
