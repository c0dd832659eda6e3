package io.jenkins.plugins.functions.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.runtime.FunctionRuntime;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.impl.ContainerRuntime;
import io.jenkins.plugins.functions.runtime.impl.KubeAiRuntime;
import io.jenkins.plugins.functions.runtime.impl.VllmRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How long a service's start waits for readiness, when the step does not say. */
class ReadyWaitTest {

    private static Plan plan(FunctionRuntime runtime, Map<String, Object> fields, Duration timeout) throws Exception {
        FunctionSpec spec = runtime.validate(FunctionSpec.of("svc", runtime.kind(), fields));
        return runtime.plan(RunRequest.builder(spec, ActionKind.SERVE).runId("abcde12345").timeout(timeout).build());
    }

    @Test
    void aModelServerWaitsAsLongAsItsStartupProbeAllowsAndFiveMinutesMore() throws Exception {
        assertThat(FunctionEngine.readyWait(plan(new VllmRuntime(), Map.of("model", "org/m"), null), null))
                .isEqualTo(Duration.ofMinutes(25));
        assertThat(FunctionEngine.readyWait(plan(new VllmRuntime(), Map.of("model", "org/m", "startupTimeout", "1h"),
                null), null)).isEqualTo(Duration.ofMinutes(65));
    }

    @Test
    void aShortStartupProbeKeepsTheTenMinuteDefault() throws Exception {
        assertThat(FunctionEngine.readyWait(plan(new VllmRuntime(), Map.of("model", "org/m", "startupTimeout", "2m"),
                null), null)).isEqualTo(Duration.ofMinutes(10));
        assertThat(FunctionEngine.readyWait(plan(new ContainerRuntime(), Map.of("image", "example.com/web:1",
                "ports", List.of(8080)), null), null)).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aKubeAiModelWaitsThirtyMinutes() throws Exception {
        assertThat(FunctionEngine.readyWait(plan(new KubeAiRuntime(), Map.of("url", "hf://org/m", "engine", "VLLM",
                "features", List.of("TextGeneration")), null), null)).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void theStepsWaitThenTheRunsTimeoutComeFirst() throws Exception {
        Plan withTimeout = plan(new VllmRuntime(), Map.of("model", "org/m"), Duration.ofMinutes(3));
        assertThat(FunctionEngine.readyWait(withTimeout, null)).isEqualTo(Duration.ofMinutes(3));
        assertThat(FunctionEngine.readyWait(withTimeout, Duration.ofHours(1))).isEqualTo(Duration.ofHours(1));
    }
}
