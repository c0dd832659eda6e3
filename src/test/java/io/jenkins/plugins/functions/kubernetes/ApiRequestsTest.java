package io.jenkins.plugins.functions.kubernetes;

import static io.jenkins.plugins.functions.kubernetes.FunctionEngineTest.eventually;
import static io.jenkins.plugins.functions.kubernetes.FunctionEngineTest.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The engine's asynchronous creates and deletes, against the mock API server with the cluster simulation. */
class ApiRequestsTest {

    private ClusterSimulator sim;
    private KubernetesClient client;
    private ApiRequests api;

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        api = new ApiRequests(client, new RequestSlots(2, 1));
    }

    @AfterEach
    void stop() {
        client.close();
        sim.close();
    }

    private static Throwable cause(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    @Test
    void createsAnObjectAndReturnsItAsStored() throws Exception {
        Job job = (Job) plan("example.com/hello:1", null).workload();

        Job created = api.create(job, "default", false).get(10, TimeUnit.SECONDS);

        assertThat(created.getMetadata().getUid()).isNotBlank();
        assertThat(created.getMetadata().getName()).isEqualTo(job.getMetadata().getName());
        assertThat(client.batch().v1().jobs().inNamespace("default").withName(job.getMetadata().getName()).get())
                .isNotNull();
        assertThat(sim.requests().count("POST", "/apis/batch/v1/namespaces/default/jobs")).isEqualTo(1);
    }

    @Test
    void aTakenNameIsAConflictAsFabric8ReportsIt() throws Exception {
        Job job = (Job) plan("example.com/hello:1", null).workload();
        api.create(job, "default", false).get(10, TimeUnit.SECONDS);

        assertThatThrownBy(() -> api.create(job, "default", false).join())
                .satisfies(e -> {
                    assertThat(cause(e)).isInstanceOf(KubernetesClientException.class);
                    KubernetesClientException k = (KubernetesClientException) cause(e);
                    assertThat(k.getCode()).isEqualTo(409);
                    assertThat(FunctionEngine.describe(k)).contains("already exists").endsWith("(HTTP 409)");
                });
    }

    @Test
    void aRefusalCarriesTheApiServersMessage() {
        sim.forbid("POST", "/api/v1/namespaces/*/secrets");
        Secret secret = new SecretBuilder().withNewMetadata().withName("creds").withNamespace("default").endMetadata()
                .addToStringData("token", "s3cr3t").build();

        assertThatThrownBy(() -> api.create(secret, "default", false).join())
                .satisfies(e -> {
                    KubernetesClientException k = (KubernetesClientException) cause(e);
                    assertThat(k.getCode()).isEqualTo(403);
                    assertThat(FunctionEngine.describe(k)).contains("cannot post").doesNotContain("s3cr3t");
                });
    }

    @Test
    void deletesWithBackgroundPropagationAndSaysWhetherItWasThere() throws Exception {
        sim.onImage("example.com/long:1", PodBehavior.longRunning());
        Job job = (Job) plan("example.com/long:1", null).workload();
        api.create(job, "default", false).get(10, TimeUnit.SECONDS);
        eventually(() -> !client.pods().inNamespace("default").withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                .list().getItems().isEmpty(), "the Job has its pod");
        ApiRequests.Type jobs = new ApiRequests.Type("batch/v1", "jobs");

        assertThat(api.delete(jobs, "default", job.getMetadata().getName()).get(10, TimeUnit.SECONDS)).isTrue();
        // Background propagation: the garbage collector removes the pod (orphaning would keep it).
        eventually(() -> client.pods().inNamespace("default").withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                .list().getItems().isEmpty(), "the Job's pod is garbage-collected");
        assertThat(api.delete(jobs, "default", job.getMetadata().getName()).get(10, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void theUrlOfEachKindsCollection() {
        String base = client.getMasterUrl().toString().replaceAll("/$", "");
        assertThat(api.collection(ApiRequests.Type.of(new SecretBuilder().withNewMetadata().withName("s")
                .endMetadata().build()), "team a")).isEqualTo(base + "/api/v1/namespaces/team+a/secrets");
        assertThat(api.collection(ApiRequests.Type.of(new DeploymentBuilder().withNewMetadata().withName("d")
                .endMetadata().build()), "ns")).isEqualTo(base + "/apis/apps/v1/namespaces/ns/deployments");
        assertThat(api.collection(ApiRequests.Type.of(new GenericKubernetesResourceBuilder()
                .withApiVersion(CustomWorkload.KUBEAI_MODEL.apiVersion()).withKind(CustomWorkload.KUBEAI_MODEL.kind())
                .withNewMetadata().withName("m").endMetadata().build()), "ns"))
                .isEqualTo(base + "/apis/" + CustomWorkload.KUBEAI_MODEL.apiVersion() + "/namespaces/ns/"
                        + CustomWorkload.KUBEAI_MODEL.plural());
        assertThatThrownBy(() -> ApiRequests.Type.of(new GenericKubernetesResourceBuilder().withApiVersion("x.io/v1")
                .withKind("Thing").withNewMetadata().withName("t").endMetadata().build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x.io/v1 Thing");
    }

    @Test
    void aCreateWaitsForItsSlot() throws Exception {
        var gate = sim.gate("POST", "/apis/batch/v1/namespaces/default/jobs");
        var first = api.create((Job) plan("example.com/hello:1", null).workload(), "default", false);
        var second = api.create((Job) plan("example.com/hello:1", null).workload(), "default", false);
        assertThat(gate.awaitRequest(Duration.ofSeconds(10))).isTrue();

        // one create slot (the test's RequestSlots): the second is not sent while the first is held
        Thread.sleep(200);
        assertThat(sim.requests().count("POST", "/apis/batch/v1/namespaces/default/jobs")).isEqualTo(1);

        gate.open();
        first.get(10, TimeUnit.SECONDS);
        second.get(10, TimeUnit.SECONDS);
        assertThat(sim.requests().count("POST", "/apis/batch/v1/namespaces/default/jobs")).isEqualTo(2);
    }
}
