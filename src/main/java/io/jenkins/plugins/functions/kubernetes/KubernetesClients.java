package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** Builds the one fabric8 client an engine shares between all its runs. */
public final class KubernetesClients {

    /**
     * Concurrent requests per API server. fabric8's default (5 per host) would queue the log
     * streams and watches of many concurrent runs behind each other: each followed log holds a
     * request open for the whole run. The limit is raised so that hundreds of runs can stream at
     * once; the API server's own priority and fairness protects it, and the engine's request slots
     * bound the short requests (create, delete, one-off log reads) separately.
     */
    static final int MAX_REQUESTS = 1024;

    private KubernetesClients() {
    }

    public static KubernetesClient create(ClusterSettings settings) {
        return new KubernetesClientBuilder().withConfig(config(settings)).build();
    }

    /**
     * A client for one short check (the configuration's "Test connection"), never shared: each
     * request waits at most {@code timeout} (connecting, then answering) and is not retried, so a
     * check of an unreachable or slow server ends in bounded time. The caller closes it.
     */
    public static KubernetesClient createForCheck(ClusterSettings settings, Duration timeout) {
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Config config = new ConfigBuilder(config(settings))
                .withConnectionTimeout(millis)
                .withRequestTimeout(millis)
                .withRequestRetryBackoffLimit(0)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    static Config config(ClusterSettings settings) {
        Config base;
        if (settings.kubeconfig() != null) {
            base = Config.fromKubeconfig(settings.kubeconfig());
        } else if (settings.serverUrl() == null) {
            base = Config.autoConfigure(null);
        } else {
            ConfigBuilder builder = new ConfigBuilder(Config.empty())
                    .withMasterUrl(settings.serverUrl())
                    .withTrustCerts(settings.skipTlsVerify());
            if (settings.token() != null) {
                builder.withOauthToken(settings.token());
            }
            if (settings.caCertificate() != null) {
                builder.withCaCertData(Base64.getEncoder().encodeToString(
                        settings.caCertificate().getBytes(StandardCharsets.UTF_8)));
            }
            base = builder.build();
        }
        ConfigBuilder sized = new ConfigBuilder(base)
                .withMaxConcurrentRequests(MAX_REQUESTS)
                .withMaxConcurrentRequestsPerHost(MAX_REQUESTS);
        if (settings.namespace() != null) {
            sized.withNamespace(settings.namespace());
        }
        return sized.build();
    }
}
