package io.jenkins.plugins.functions.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

/** Simulated RBAC refusals: chosen requests of clients are answered 403; the simulator itself is never refused. */
class ClusterSimulatorForbidTest {

    @Test
    void forbiddenRequestsGet403AndOthersGoThrough() {
        try (ClusterSimulator sim = ClusterSimulator.start()) {
            KubernetesClient k = sim.client();
            sim.forbid("GET", "/api/v1/namespaces/*/secrets");
            k.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("a").endMetadata().build())
                    .create();

            assertThatThrownBy(() -> k.secrets().list()).isInstanceOf(KubernetesClientException.class)
                    .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403))
                    .hasMessageContaining("Forbidden");
            assertThat(k.configMaps().list().getItems()).hasSize(1);
            assertThat(sim.requests().count("GET", "/api/v1/namespaces/default/secrets")).as("still counted")
                    .isEqualTo(1);
        }
    }
}
