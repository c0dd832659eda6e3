package io.jenkins.plugins.functions.testing;

import static io.jenkins.plugins.functions.testing.ClusterSimulatorTest.await;
import static io.jenkins.plugins.functions.testing.ClusterSimulatorTest.containerStatus;
import static io.jenkins.plugins.functions.testing.ClusterSimulatorTest.terminated;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@code sh -c} scripts of busybox/alpine containers: the interpreter, and pods running them. */
class ClusterSimulatorShellScriptTest {

    static Container shell(String image, String script) {
        return new ContainerBuilder().withName("main").withImage(image).withCommand("sh", "-c").withArgs(script).build();
    }

    static PodBehavior interpret(String script) {
        return ShellScript.behaviorFor(shell("busybox:1.36", script), Duration.ofSeconds(1));
    }

    static List<String> lines(PodBehavior b) {
        return b.timeline().stream().map(PodBehavior.TimedLine::text).toList();
    }

    @Nested
    class Interpreter {

        @Test
        void echoWithQuotesAndEscapes() {
            PodBehavior b = interpret("echo 'a  b' \"c\\\"d\" e\\ f; echo -n no-newline; echo ' joined'");
            assertThat(lines(b)).containsExactly("a  b c\"d e f", "no-newline joined");
            assertThat(b.exit()).isZero();
        }

        @Test
        void printfFormatsAndAPartialLastLineIsFlushed() {
            PodBehavior b = interpret("printf '%s=%d\\n' answer 42; printf 'tail without newline'");
            assertThat(lines(b)).containsExactly("answer=42", "tail without newline");
        }

        @Test
        void sleepsSpreadTheLinesAndMakeTheRunTime() {
            PodBehavior b = ShellScript.behaviorFor(shell("alpine:3", "echo a\nsleep 1.5\necho b; sleep 2"),
                    Duration.ofMillis(100));
            assertThat(b.timeline()).extracting(PodBehavior.TimedLine::offset)
                    .containsExactly(Duration.ZERO, Duration.ofMillis(150));
            assertThat(b.runDuration()).isEqualTo(Duration.ofMillis(350));
            assertThat(b.forever()).isFalse();
            assertThat(interpret("echo up; sleep infinity").forever()).isTrue();
        }

        @Test
        void terminationMessageAndRedirections() {
            PodBehavior b = interpret("echo hidden > /dev/null; echo to-stderr >&2; echo kept 2>&1; "
                    + "echo '{\"a\":1}' >/dev/termination-log; echo more >> /dev/termination-log; echo x > /tmp/file");
            assertThat(lines(b)).containsExactly("to-stderr", "kept");
            assertThat(b.message()).isEqualTo("{\"a\":1}\nmore\n");
            Container custom = shell("busybox", "printf done > /tmp/msg");
            custom.setTerminationMessagePath("/tmp/msg");
            assertThat(ShellScript.behaviorFor(custom, Duration.ofSeconds(1)).message()).isEqualTo("done");
        }

        @Test
        void exitCodesAndConditionals() {
            PodBehavior b = interpret("false && echo no || echo yes; exit 4; echo never");
            assertThat(lines(b)).containsExactly("yes");
            assertThat(b.exit()).isEqualTo(4);
            assertThat(interpret("true").exit()).isZero();
            assertThat(interpret("echo a; false").exit()).isEqualTo(1);
        }

        @Test
        void unknownCommandsFailLikeAShell() {
            PodBehavior b = interpret("frobnicate --now # a comment");
            assertThat(lines(b)).containsExactly("sh: frobnicate: not found");
            assertThat(b.exit()).isEqualTo(127);
        }

        @Test
        void unsupportedSyntaxIsReportedAsAFailingContainer() {
            PodBehavior b = interpret("echo $(date)");
            assertThat(lines(b)).containsExactly("sh: syntax not supported by the simulator: command substitution");
            assertThat(b.exit()).isEqualTo(2);
            assertThat(lines(interpret("ls | wc -l"))).containsExactly("sh: syntax not supported by the simulator: pipe '|'");
            assertThat(lines(interpret("if true; then echo a; fi")).get(0)).contains("'if'");
        }

        @Test
        void whichContainersAreInterpreted() {
            Container direct = new ContainerBuilder().withName("c").withImage("docker.io/library/busybox@sha256:abc")
                    .withCommand("echo", "hello world").build();
            assertThat(lines(ShellScript.behaviorFor(direct, Duration.ofSeconds(1)))).containsExactly("hello world");
            Container flags = new ContainerBuilder().withName("c").withImage("mirror.example/alpine:3.19")
                    .withCommand("/bin/sh", "-ec", "echo strict").build();
            assertThat(lines(ShellScript.behaviorFor(flags, Duration.ofSeconds(1)))).containsExactly("strict");
            Container noCommand = new ContainerBuilder().withName("c").withImage("busybox").build();
            assertThat(ShellScript.behaviorFor(noCommand, Duration.ofSeconds(1)).exit()).isZero();
            assertThat(ShellScript.behaviorFor(shell("python:3.12", "echo hi"), Duration.ofSeconds(1))).isNull();
        }
    }

    @Nested
    class InPods {

        @Test
        void aBusyboxScriptRunsAsWritten() {
            try (ClusterSimulator sim = ClusterSimulator.start()) {
                sim.specSecond(Duration.ofMillis(500)); // "sleep 0.4" lasts 200 ms
                KubernetesClient k = sim.client();
                Pod pod = new PodBuilder().withNewMetadata().withName("script").endMetadata()
                        .withNewSpec().withRestartPolicy("Never")
                        .withContainers(shell("busybox:1.36", """
                                echo starting
                                sleep 0.4
                                echo "second line" && echo '{"ok":true}' > /dev/termination-log
                                exit 3
                                """))
                        .endSpec().build();
                k.pods().resource(pod).create();

                Pod done = await(() -> k.pods().withName("script").get(), p -> containerStatus(p) != null
                        && containerStatus(p).getState().getTerminated() != null);
                assertThat(done.getStatus().getPhase()).isEqualTo("Failed");
                ContainerStateTerminated t = terminated(done);
                assertThat(t.getExitCode()).isEqualTo(3);
                assertThat(t.getReason()).isEqualTo("Error");
                assertThat(t.getMessage()).isEqualTo("{\"ok\":true}\n");
                String log = k.pods().withName("script").usingTimestamps().getLog();
                List<String> lines = Arrays.asList(log.split("\n"));
                assertThat(lines).extracting(l -> l.substring(l.indexOf(' ') + 1)).containsExactly("starting", "second line");
                Instant first = Instant.parse(lines.get(0).substring(0, lines.get(0).indexOf(' ')));
                Instant second = Instant.parse(lines.get(1).substring(0, lines.get(1).indexOf(' ')));
                assertThat(Duration.between(first, second)).isGreaterThanOrEqualTo(Duration.ofMillis(180));
                assertThat(sim.errors()).isEmpty();
            }
        }

        @Test
        void aRegisteredBehaviourWinsOverTheScript() {
            try (ClusterSimulator sim = ClusterSimulator.start()) {
                sim.onImage("busybox:*", PodBehavior.fail(7).log("from the behaviour"));
                KubernetesClient k = sim.client();
                Job job = ClusterSimulatorTest.job("overridden", "busybox:1.36");
                job.getSpec().getTemplate().getSpec().setContainers(List.of(shell("busybox:1.36", "echo from the script")));
                k.batch().v1().jobs().resource(job).create();

                await(() -> k.batch().v1().jobs().withName("overridden").get(),
                        j -> ClusterSimulatorTest.hasCondition(j, "Failed"));
                Pod pod = k.pods().withLabel("job-name", "overridden").list().getItems().get(0);
                assertThat(terminated(pod).getExitCode()).isEqualTo(7);
                assertThat(k.pods().withName(pod.getMetadata().getName()).getLog()).isEqualTo("from the behaviour\n");
                assertThat(sim.errors()).isEmpty();
            }
        }
    }
}
