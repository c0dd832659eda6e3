package io.jenkins.plugins.functions.testing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The cluster a test scenario runs against: the {@link ClusterSimulator} by default, or a real
 * cluster when the environment names one, so that the same scenario can be checked on both.
 *
 * <ul>
 *   <li>{@value #KUBECONFIG_ENV}: path of a kubeconfig file; if set, tests use its current
 *       context;
 *   <li>{@value #NAMESPACE_ENV}: the namespace to work in there (default {@code default}).
 * </ul>
 * Scenarios that need simulator-only features ({@link ClusterSimulator#onImage}, the request log)
 * check {@link #isSimulated()} first (e.g. with JUnit's {@code assumeTrue}).
 */
public interface TestCluster extends AutoCloseable {

    String KUBECONFIG_ENV = "FUNCTION_RUNTIMES_TEST_KUBECONFIG";
    String NAMESPACE_ENV = "FUNCTION_RUNTIMES_TEST_NAMESPACE";

    /** A client for the cluster, working in {@link #namespace()} by default. Closed by {@link #close()}. */
    KubernetesClient client();

    /** The namespace tests work in. */
    String namespace();

    /** True for the simulator, false for a real cluster. */
    boolean isSimulated();

    /** The simulator; only if {@link #isSimulated()}. */
    default ClusterSimulator simulator() {
        throw new IllegalStateException("not a simulated cluster");
    }

    @Override
    void close();

    /** The simulator, unless {@value #KUBECONFIG_ENV} names a kubeconfig file. */
    static TestCluster fromEnvironment() {
        String kubeconfig = System.getenv(KUBECONFIG_ENV);
        if (kubeconfig == null || kubeconfig.isBlank()) {
            return ClusterSimulator.start();
        }
        String namespace = System.getenv(NAMESPACE_ENV);
        return real(Path.of(kubeconfig), namespace == null || namespace.isBlank() ? "default" : namespace);
    }

    /** A real cluster from a kubeconfig file (its current context), working in {@code namespace}. */
    static TestCluster real(Path kubeconfig, String namespace) {
        String content;
        try {
            content = Files.readString(kubeconfig);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + kubeconfig, e);
        }
        Config config = new ConfigBuilder(Config.fromKubeconfig(null, content, kubeconfig.toString()))
                .withNamespace(namespace).build();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        return new TestCluster() {
            @Override
            public KubernetesClient client() {
                return client;
            }

            @Override
            public String namespace() {
                return namespace;
            }

            @Override
            public boolean isSimulated() {
                return false;
            }

            @Override
            public void close() {
                client.close();
            }

            @Override
            public String toString() {
                return "real cluster " + config.getMasterUrl() + " namespace " + namespace;
            }
        };
    }
}
