package io.jenkins.plugins.functions.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Lists with {@code limit} and {@code continue} come in pages, in key order, as from a real API server. */
class ClusterSimulatorPaginationTest {

    ClusterSimulator sim;
    KubernetesClient k;

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        k = sim.client();
        for (String name : List.of("e", "c", "a", "d", "b")) {
            k.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                    .addToLabels("page", name.equals("c") ? "no" : "yes").endMetadata().build()).create();
        }
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private ConfigMapList page(String selector, long limit, String token) {
        return k.configMaps().list(new ListOptionsBuilder().withLabelSelector(selector).withLimit(limit)
                .withContinue(token).build());
    }

    @Test
    void pagesFollowTheContinueToken() {
        List<String> names = new ArrayList<>();
        List<Long> remaining = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            ConfigMapList page = page(null, 2, token);
            pages++;
            page.getItems().stream().map(c -> c.getMetadata().getName()).forEach(names::add);
            remaining.add(page.getMetadata().getRemainingItemCount());
            token = page.getMetadata().getContinue();
        } while (token != null);

        assertThat(names).containsExactly("a", "b", "c", "d", "e");
        assertThat(pages).isEqualTo(3);
        assertThat(remaining).containsExactly(3L, 1L, null);
        assertThat(sim.requests().matching("GET", "/api/v1/namespaces/default/configmaps"))
                .allSatisfy(e -> assertThat(e.query()).contains("limit=2"));
    }

    @Test
    void selectorAppliesBeforeThePage() {
        ConfigMapList first = page("page=yes", 3, null);
        assertThat(first.getItems()).extracting(c -> c.getMetadata().getName()).containsExactly("a", "b", "d");
        ConfigMapList second = page("page=yes", 3, first.getMetadata().getContinue());
        assertThat(second.getItems()).extracting(c -> c.getMetadata().getName()).containsExactly("e");
        assertThat(second.getMetadata().getContinue()).isNull();
    }

    @Test
    void deletingWhilePagingSkipsNothing() {
        ConfigMapList first = page(null, 2, null);
        for (ConfigMap c : first.getItems()) {
            k.configMaps().withName(c.getMetadata().getName()).delete();
        }
        ConfigMapList second = page(null, 2, first.getMetadata().getContinue());
        assertThat(second.getItems()).extracting(c -> c.getMetadata().getName()).containsExactly("c", "d");
    }

    @Test
    void withoutLimitEverythingComesAtOnce() {
        assertThat(k.configMaps().list().getItems()).hasSize(5);
        assertThat(k.configMaps().list().getMetadata().getContinue()).isNull();
    }

    @Test
    void aBadTokenIsRefused() {
        assertThatThrownBy(() -> page(null, 2, "%%%"))
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(400));
    }
}
