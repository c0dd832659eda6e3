package io.jenkins.plugins.functions.jenkins.observability;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.TaskListener;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.jenkins.FakeEnvVars;
import io.jenkins.plugins.functions.jenkins.builders.RunFunctionBuilder;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A freestyle build's TRACEPARENT (its environment, as the opentelemetry plugin contributes it) reaches the run too. */
class ObservedFreestyleBuildTest {

    @Test
    void theBuildsTraceIsContinuedAndRecorded() throws Exception {
        try (ClusterSimulator sim = ClusterSimulator.start();
             KubernetesClient client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false,
                     "default"));
             FunctionEngine engine = new FunctionEngine(client, EngineOptions.defaults()
                     .withLogDrainTimeout(Duration.ofSeconds(5)))) {
            sim.onImage("example.com/hello:1", PodBehavior.succeed().logs("hello"));
            RuntimeRegistry runtimes = RuntimeRegistry.fromServiceLoader(getClass().getClassLoader());
            Clusters.Resolver previous = Clusters.setResolver(b -> new Clusters.Target(engine, "default", runtimes));
            try {
                ByteArrayOutputStream log = new ByteArrayOutputStream();
                PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
                FakeBuild build = new FakeBuild("team/freestyle", 3);
                RunFunctionBuilder builder = new RunFunctionBuilder();
                builder.setName("hello");
                builder.setRuntime("container");
                builder.setImage("example.com/hello:1");

                builder.perform(build, null, new FakeEnvVars(Map.of("TRACEPARENT",
                        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")), null, (TaskListener) () -> out);

                FunctionRunAction run = FunctionRunAction.of(build).get(0);
                assertThat(run.getState()).isEqualTo("COMPLETED");
                assertThat(run.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
                assertThat(log.toString(StandardCharsets.UTF_8)).contains("Trace 0af7651916cd43dd8448eb211c80319c");
            } finally {
                Clusters.setResolver(previous);
            }
        }
    }
}
