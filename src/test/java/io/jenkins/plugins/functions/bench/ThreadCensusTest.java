package io.jenkins.plugins.functions.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.functions.bench.ThreadCensus.Side;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ThreadCensusTest {

    @Test
    void sidesByName() {
        assertThat(ThreadCensus.side("Reference Handler")).isEqualTo(Side.JVM);
        assertThat(ThreadCensus.side("main")).isEqualTo(Side.JVM);
        assertThat(ThreadCensus.side("bench-sampler")).isEqualTo(Side.BENCHMARK);
        assertThat(ThreadCensus.side("MockWebServer /127.0.0.1:40312")).isEqualTo(Side.SERVER);
        assertThat(ThreadCensus.side("pool-12-thread-1")).isEqualTo(Side.SERVER);
        assertThat(ThreadCensus.side("cluster-simulator-clock")).isEqualTo(Side.SIMULATOR);
        assertThat(ThreadCensus.side("OkHttp Dispatcher")).isEqualTo(Side.CLIENT);
        assertThat(ThreadCensus.side("function-runtimes-requests-1")).isEqualTo(Side.CLIENT);
        assertThat(ThreadCensus.side("-1234-pool-3-thread-1")).isEqualTo(Side.CLIENT);
    }

    @Test
    void groupsFoldDigits() {
        assertThat(ThreadCensus.group("MockWebServer /127.0.0.1:40312")).isEqualTo("MockWebServer /#.#.#.#:#");
        assertThat(ThreadCensus.group("function-runtimes-requests-12")).isEqualTo("function-runtimes-requests-#");
    }

    @Test
    void threadsAliveAtTheStartAreTheSimulatorsAndTheOthersAreCountedByName() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread early = started("OkHttp Dispatcher", release);
        ThreadCensus census = new ThreadCensus(Set.of(early.getId()));
        Thread late = started("OkHttp Dispatcher", release);
        Thread server = started("MockWebServer /127.0.0.1:1", release);
        try {
            assertThat(census.side(early)).isEqualTo(Side.SIMULATOR);
            assertThat(census.side(late)).isEqualTo(Side.CLIENT);
            assertThat(ThreadCensus.live()).contains(early, late, server);
            var counts = census.count(List.of(early, late, server));
            assertThat(counts).containsEntry(Side.SIMULATOR, 1).containsEntry(Side.CLIENT, 1)
                    .containsEntry(Side.SERVER, 1).containsEntry(Side.JVM, 0);
            assertThat(census.groups(List.of(early, late, server), Side.CLIENT)).containsExactly(
                    java.util.Map.entry("OkHttp Dispatcher", 1));
        } finally {
            release.countDown();
        }
    }

    private static Thread started(String name, CountDownLatch release) {
        Thread t = new Thread(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
