package io.jenkins.plugins.functions.kubernetes;

import io.jenkins.plugins.functions.spec.SpecException;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.HexFormat;
import java.util.Locale;

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

    public static final String SERVER_URL = "serverUrl";
    public static final String SERVER_URL_RULE = "must be the URL of the Kubernetes API server: https:// (or"
            + " http:// through a local proxy), a host, an optional port and path, such as"
            + " https://kubernetes.example.com:6443; no user or password in it (the token is a credential)";
    public static final String SERVER_CERTIFICATE = "serverCertificate";
    public static final String SERVER_CERTIFICATE_RULE = "must be the PEM text of the API server's CA certificate:"
            + " -----BEGIN CERTIFICATE-----, base64 lines, -----END CERTIFICATE-----";

    /**
     * Checks the text of an API server URL before any client is built from it.
     *
     * @throws SpecException on {@value #SERVER_URL}; a URL with a user or password is shown without it
     */
    public static String checkServerUrl(String url) throws SpecException {
        URI uri;
        try {
            uri = new URI(url == null ? "" : url.trim());
        } catch (URISyntaxException e) {
            throw new SpecException(SERVER_URL, url, SERVER_URL_RULE);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getRawUserInfo() != null) {
            throw new SpecException(SERVER_URL, url.replaceFirst("//[^/]*@", "//***@"), SERVER_URL_RULE);
        }
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new SpecException(SERVER_URL, url, SERVER_URL_RULE);
        }
        return url.trim();
    }

    /**
     * Checks the PEM text of a CA certificate: one or more X.509 certificates, as the client will
     * read them.
     *
     * @throws SpecException on {@value #SERVER_CERTIFICATE}; the value is not repeated (it is long, not secret)
     */
    public static void checkCaCertificate(String pem) throws SpecException {
        String text = pem == null ? "" : pem.trim();
        try {
            if (!text.startsWith("-----BEGIN CERTIFICATE-----") || CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII))).isEmpty()) {
                throw new SpecException(SERVER_CERTIFICATE, firstLine(text), SERVER_CERTIFICATE_RULE);
            }
        } catch (CertificateException e) {
            throw new SpecException(SERVER_CERTIFICATE, firstLine(text), SERVER_CERTIFICATE_RULE + " ("
                    + e.getMessage() + ")");
        }
    }

    private static String firstLine(String text) {
        return text.isEmpty() ? "" : text.split("\\R", 2)[0];
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
