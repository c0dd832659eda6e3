package io.jenkins.plugins.functions.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class KubernetesClientsTest {

    @Test
    void serverWithTokenAndCertificate() {
        ClusterSettings settings = ClusterSettings.server("https://k8s.example.com:6443", "s3cr3t-token",
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", false, "team-a");
        Config config = KubernetesClients.config(settings);

        assertThat(config.getMasterUrl()).startsWith("https://k8s.example.com:6443");
        assertThat(config.getOauthToken()).isEqualTo("s3cr3t-token");
        assertThat(new String(Base64.getDecoder().decode(config.getCaCertData()), StandardCharsets.UTF_8))
                .contains("BEGIN CERTIFICATE");
        assertThat(config.isTrustCerts()).isFalse();
        assertThat(config.getNamespace()).isEqualTo("team-a");
        assertThat(config.getMaxConcurrentRequests()).isEqualTo(KubernetesClients.MAX_REQUESTS);
        assertThat(config.getMaxConcurrentRequestsPerHost()).as("not fabric8's 5 per host")
                .isEqualTo(KubernetesClients.MAX_REQUESTS);
    }

    @Test
    void secretsNeverShowInToString() {
        ClusterSettings settings = ClusterSettings.server("https://k8s", "s3cr3t-token", null, true, null);
        assertThat(settings.toString()).doesNotContain("s3cr3t").contains("TLS not verified");
        assertThat(ClusterSettings.kubeconfig("apiVersion: v1\nusers: [{user: {token: s3cr3t}}]", null).toString())
                .doesNotContain("s3cr3t");
    }

    @Test
    void fingerprintChangesWithTheCredential() {
        ClusterSettings a = ClusterSettings.server("https://k8s", "one", null, false, "ns");
        ClusterSettings b = ClusterSettings.server("https://k8s", "two", null, false, "ns");
        assertThat(a.fingerprint()).isNotEqualTo(b.fingerprint())
                .isEqualTo(ClusterSettings.server("https://k8s", "one", null, false, "ns").fingerprint());
    }
}
