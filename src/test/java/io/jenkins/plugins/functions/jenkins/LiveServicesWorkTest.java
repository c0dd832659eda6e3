package io.jenkins.plugins.functions.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.kubernetes.RunListener;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.impl.ContainerRuntime;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The count behind the live services gauge: every live service once, whatever the connections to its cluster. */
class LiveServicesWorkTest {

    @Test
    void countsEachLiveServiceOnce() throws Exception {
        ContainerRuntime container = new ContainerRuntime();
        try (ClusterSimulator sim = ClusterSimulator.start();
             KubernetesClient client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false,
                     "default"));
             FunctionEngine engine = new FunctionEngine(client, EngineOptions.defaults());
             FunctionEngine rotated = new FunctionEngine(client, EngineOptions.defaults())) {
            sim.onImage("example.com/web:1", PodBehavior.longRunning());
            for (String name : List.of("web", "api")) {
                FunctionSpec spec = container.validate(FunctionSpec.of(name, "container",
                        Map.of("image", "example.com/web:1", "ports", List.of(8080))));
                CompletableFuture<RunOutcome> up = new CompletableFuture<>();
                engine.start(container.plan(RunRequest.builder(spec, ActionKind.SERVE).runId(name + "0000001")
                        .namespace("default").build()), (RunListener) up::complete);
                assertThat(up.get(30, TimeUnit.SECONDS).state()).isEqualTo(RunState.RUNNING);
            }
            Map<FunctionEngine, List<String>> targets = new LinkedHashMap<>();
            targets.put(engine, List.of("default"));
            assertThat(LiveServicesWork.count(targets, Duration.ofSeconds(10))).isEqualTo(2);
            targets.put(rotated, List.of("default"));
            assertThat(LiveServicesWork.count(targets, Duration.ofSeconds(10))).as("the same cluster twice")
                    .isEqualTo(2);
        }
    }
}
