package io.jenkins.plugins.functions.testing;

import static io.jenkins.plugins.functions.testing.ClusterSimulatorTest.await;
import static io.jenkins.plugins.functions.testing.ClusterSimulatorTest.containerStatus;
import static io.jenkins.plugins.functions.testing.ClusterSimulatorTest.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pod logs as the simulated API server and kubelet serve them. */
class ClusterSimulatorLogsTest {

    private static final String TIMESTAMPED = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{9}Z .*";

    ClusterSimulator sim;
    KubernetesClient k;

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        k = sim.client();
    }

    @AfterEach
    void stop() {
        try {
            assertThat(sim.errors()).isEmpty();
        } finally {
            sim.close();
        }
    }

    private Pod awaitTerminated(String name) {
        return await(() -> k.pods().withName(name).get(), p -> containerStatus(p) != null
                && containerStatus(p).getState().getTerminated() != null);
    }

    private Pod awaitRunning(String name) {
        return await(() -> k.pods().withName(name).get(), p -> containerStatus(p) != null
                && containerStatus(p).getState().getRunning() != null);
    }

    @Test
    void timestampsAndSinceTime() {
        // Lines 400 ms apart over 1.2 s: at least one second boundary lies between two of them.
        sim.onImage("fn:ticker", PodBehavior.succeed().logEvery(Duration.ofMillis(400), 4, "tick "));
        k.pods().resource(pod("ticker", "fn:ticker")).create();
        awaitTerminated("ticker");

        String plain = k.pods().withName("ticker").getLog();
        assertThat(plain).isEqualTo("tick 1\ntick 2\ntick 3\ntick 4\n");

        String stamped = k.pods().withName("ticker").usingTimestamps().getLog();
        List<String> lines = Arrays.asList(stamped.split("\n"));
        assertThat(lines).hasSize(4).allMatch(l -> l.matches(TIMESTAMPED));
        assertThat(lines).extracting(l -> l.substring(l.indexOf(' ') + 1)).containsExactly("tick 1", "tick 2", "tick 3", "tick 4");
        List<Instant> times = lines.stream().map(l -> Instant.parse(l.substring(0, l.indexOf(' ')))).toList();
        for (int i = 1; i < times.size(); i++) {
            // 400 ms apart as scheduled; a busy machine may write one line late, shortening the gap
            // to the next, so only require that they are spread out and in order.
            assertThat(Duration.between(times.get(i - 1), times.get(i))).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        }

        // sinceTime: lines at or after it; a real API server passes it on with whole seconds only.
        int firstInLaterSecond = 1;
        while (times.get(firstInLaterSecond).truncatedTo(ChronoUnit.SECONDS)
                .equals(times.get(0).truncatedTo(ChronoUnit.SECONDS))) {
            firstInLaterSecond++;
        }
        Instant since = times.get(firstInLaterSecond);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < times.size(); i++) {
            if (!times.get(i).isBefore(since.truncatedTo(ChronoUnit.SECONDS))) {
                expected.add("tick " + (i + 1));
            }
        }
        String sinceLog = k.pods().withName("ticker").sinceTime(since.toString()).getLog();
        assertThat(sinceLog.split("\n")).containsExactlyElementsOf(expected).doesNotContain("tick 1");

        String none = k.pods().withName("ticker").sinceTime(times.get(3).plusSeconds(1).toString()).getLog();
        assertThat(none).isEmpty();
    }

    @Test
    void tailLinesAndLimitBytes() {
        sim.onImage("fn:chatty", PodBehavior.succeed().logs("one", "two", "three", "four"));
        k.pods().resource(pod("chatty", "fn:chatty")).create();
        awaitTerminated("chatty");

        assertThat(k.pods().withName("chatty").tailingLines(2).getLog()).isEqualTo("three\nfour\n");
        assertThat(k.pods().withName("chatty").limitBytes(6).getLog()).isEqualTo("one\ntw");
    }

    @Test
    void followStreamsLinesAsTheyAreWrittenAndEndsWithTheContainer() throws Exception {
        sim.onImage("fn:stream", PodBehavior.succeed().logEvery(Duration.ofMillis(150), 6, "tick "));
        k.pods().resource(pod("stream", "fn:stream")).create();
        awaitRunning("stream");

        List<String> lines = new ArrayList<>();
        String stateWhenFirstLineArrived;
        long start = System.nanoTime();
        try (LogWatch watch = k.pods().withName("stream").watchLog();
                BufferedReader in = new BufferedReader(new InputStreamReader(watch.getOutput(), StandardCharsets.UTF_8))) {
            lines.add(in.readLine());
            Pod pod = k.pods().withName("stream").get();
            stateWhenFirstLineArrived = containerStatus(pod).getState().getRunning() != null ? "running" : "terminated";
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
            }
        }
        Duration streamed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(stateWhenFirstLineArrived).as("the first line arrived while the container ran").isEqualTo("running");
        assertThat(lines).containsExactly("tick 1", "tick 2", "tick 3", "tick 4", "tick 5", "tick 6");
        assertThat(streamed).as("the stream lasted as long as the container").isGreaterThan(Duration.ofMillis(500));
        awaitTerminated("stream");
    }

    @Test
    void followOfATerminatedContainerReturnsItsWholeLog() throws Exception {
        sim.onImage("fn:quick", PodBehavior.succeed().logs("a", "b"));
        k.pods().resource(pod("quick", "fn:quick")).create();
        awaitTerminated("quick");

        try (LogWatch watch = k.pods().withName("quick").watchLog()) {
            assertThat(new String(watch.getOutput().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("a\nb\n");
        }
    }

    @Test
    void closingAFollowEarlyReleasesTheServer() throws Exception {
        sim.onImage("fn:endless", PodBehavior.longRunning().logEvery(Duration.ofMillis(20), 5, "x"));
        k.pods().resource(pod("endless", "fn:endless")).create();
        awaitRunning("endless");
        try (LogWatch watch = k.pods().withName("endless").watchLog();
                BufferedReader in = new BufferedReader(new InputStreamReader(watch.getOutput(), StandardCharsets.UTF_8))) {
            assertThat(in.readLine()).isEqualTo("x1");
            assertThat(sim.openLogStreams()).as("the follow is served by a streamed answer").isEqualTo(1);
        }
        // The server notices the client is gone within its 250 ms probe and stops writing. Counted
        // on this simulator only: threads of other tests' servers in the same JVM do not count.
        await(sim::openLogStreams, n -> n == 0);
    }

    @Test
    void previousRunOfACrashLoopingContainer() {
        sim.onImage("fn:crash", PodBehavior.succeed().log("crashing").crashLoop().restartBackoff(Duration.ofMillis(50)));
        Pod spec = pod("crash", "fn:crash");
        spec.getSpec().setRestartPolicy("Always");
        k.pods().resource(spec).create();
        await(() -> k.pods().withName("crash").get(), p -> containerStatus(p) != null
                && containerStatus(p).getRestartCount() >= 1);

        assertThat(k.pods().withName("crash").withReadyWaitTimeout(0).terminated().getLog()).isEqualTo("crashing\n");
    }

    @Test
    void errorsLikeTheApiServer() {
        Pod twoContainers = new PodBuilder().withNewMetadata().withName("duo").endMetadata()
                .withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("a").withImage("fn:a").endContainer()
                .addNewContainer().withName("b").withImage("fn:b").endContainer()
                .endSpec().build();
        k.pods().resource(twoContainers).create();
        await(() -> k.pods().withName("duo").get(), p -> "Succeeded".equals(p.getStatus().getPhase()));

        assertThatThrownBy(() -> k.pods().withName("duo").getLog())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(400);
                    assertThat(e.getStatus().getMessage())
                            .isEqualTo("a container name must be specified for pod duo, choose one of: [a b]");
                });
        assertThat(k.pods().withName("duo").inContainer("b").getLog()).isEmpty();
        assertThatThrownBy(() -> k.pods().withName("nobody").withReadyWaitTimeout(0).getLog())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    }
}
