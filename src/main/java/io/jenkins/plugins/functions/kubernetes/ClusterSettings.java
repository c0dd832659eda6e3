package io.jenkins.plugins.functions.kubernetes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How to reach a cluster. Either an API server URL with a bearer token (and the server's CA
 * certificate, or TLS verification off), or a kubeconfig's content, or nothing at all: then
 * fabric8's standard auto-configuration applies (the pod's service account when Jenkins runs in
 * the cluster, else {@code KUBECONFIG} / {@code ~/.kube/config}).
 *
 * <p>Holds secrets in memory only: {@link #toString()} never shows them, {@link #fingerprint()}
 * hashes them so that a changed credential gives a new client.
 */
public final class ClusterSettings {

    private final String serverUrl;
    private final String token;
    private final String caCertificate;
    private final boolean skipTlsVerify;
    private final String kubeconfig;
    private final String namespace;

    private ClusterSettings(String serverUrl, String token, String caCertificate, boolean skipTlsVerify,
                            String kubeconfig, String namespace) {
        this.serverUrl = blankToNull(serverUrl);
        this.token = blankToNull(token);
        this.caCertificate = blankToNull(caCertificate);
        this.skipTlsVerify = skipTlsVerify;
        this.kubeconfig = blankToNull(kubeconfig);
        this.namespace = blankToNull(namespace);
    }

    /** fabric8 auto-configuration. */
    public static ClusterSettings autoConfigured(String namespace) {
        return new ClusterSettings(null, null, null, false, null, namespace);
    }

    public static ClusterSettings server(String serverUrl, String token, String caCertificate, boolean skipTlsVerify,
                                         String namespace) {
        return new ClusterSettings(serverUrl, token, caCertificate, skipTlsVerify, null, namespace);
    }

    public static ClusterSettings kubeconfig(String kubeconfig, String namespace) {
        return new ClusterSettings(null, null, null, false, kubeconfig, namespace);
    }

    public String serverUrl() {
        return serverUrl;
    }

    public String token() {
        return token;
    }

    public String caCertificate() {
        return caCertificate;
    }

    public boolean skipTlsVerify() {
        return skipTlsVerify;
    }

    public String kubeconfig() {
        return kubeconfig;
    }

    /** The namespace runs go to when they name none; null for the configuration's own. */
    public String namespace() {
        return namespace;
    }

    /** A hash of everything, secrets included: equal fingerprints can share a client. */
    public String fingerprint() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {serverUrl, token, caCertificate, String.valueOf(skipTlsVerify),
                    kubeconfig, namespace}) {
                digest.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        if (kubeconfig != null) {
            return "kubeconfig credential";
        }
        if (serverUrl == null) {
            return "auto-configured cluster";
        }
        return serverUrl + (token != null ? " (token)" : "") + (skipTlsVerify ? " (TLS not verified)" : "");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
