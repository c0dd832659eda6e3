package io.jenkins.plugins.functions.testing;

import static io.jenkins.plugins.functions.testing.ClusterSimulatorTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The request log: what clients other than the simulator sent, counted at the server. */
class ClusterSimulatorRequestsTest {

    ClusterSimulator sim;
    KubernetesClient k;

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        k = sim.client();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void countsTheClientsRequestsButNotTheSimulators() {
        sim.requests().reset();
        k.batch().v1().jobs().resource(ClusterSimulatorTest.job("counted", "fn:1")).create();
        Job done = await(() -> k.batch().v1().jobs().withName("counted").get(),
                j -> ClusterSimulatorTest.hasCondition(j, "Complete"));
        assertThat(done).isNotNull();

        RequestLog log = sim.requests();
        assertThat(log.count("POST", "/apis/batch/v1/namespaces/*/jobs")).isEqualTo(1);
        int polls = log.count("GET", "/apis/batch/v1/namespaces/default/jobs/counted");
        assertThat(polls).isGreaterThanOrEqualTo(1);
        assertThat(log.total()).isEqualTo(1 + polls);
        assertThat(log.lines()).first().isEqualTo("POST /apis/batch/v1/namespaces/default/jobs");
        // The simulator created the pod and wrote the statuses: none of that is in the log.
        assertThat(log.count("POST", "/api/v1/namespaces/*/pods")).isZero();
        assertThat(log.count("*", "/**/status")).isZero();
        assertThat(log.simulatorTotal()).isGreaterThan(5);

        log.reset();
        assertThat(log.total()).isZero();
        assertThat(log.simulatorTotal()).isZero();
    }

    @Test
    void patternsQueriesAndWatches() throws Exception {
        sim.requests().reset();
        KubernetesClient other = sim.newClient();
        other.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("a").endMetadata().build()).create();
        other.configMaps().withLabel("x", "y").list();
        try (Watch w = other.pods().watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, io.fabric8.kubernetes.api.model.Pod resource) {}

            @Override
            public void onClose(WatcherException cause) {}
        })) {
            assertThat(w).isNotNull();
        }

        RequestLog log = sim.requests();
        assertThat(log.count("POST", "/api/v1/namespaces/default/configmaps")).isEqualTo(1);
        assertThat(log.count("GET", "/api/v1/namespaces/*/configmaps")).isEqualTo(1);
        assertThat(log.count("GET", "/api/v1/namespaces/*/pods?watch=true")).isEqualTo(1);
        assertThat(log.count("GET", "/api/v1/namespaces/*/configmaps?watch=true")).isZero();
        assertThat(log.count("*", "/api/v1/**")).isEqualTo(3);
        assertThat(log.matching("GET", "/api/v1/namespaces/default/configmaps").get(0).query())
                .isEqualTo("labelSelector=x%3Dy");
        assertThat(log.total()).isEqualTo(3);
    }
}
