package io.jenkins.plugins.functions.spec;

import java.util.regex.Pattern;

/**
 * The name syntaxes Kubernetes imposes, checked before anything reaches the API server so the
 * user gets the field and the rule instead of a 422 from the cluster. The {@code *_RULE} texts
 * are the "what is allowed" part of the messages.
 */
public final class Names {

    public static final int MAX_LABEL = 63;
    public static final int MAX_SUBDOMAIN = 253;

    public static final String DNS_1123_LABEL_RULE = "must be a DNS-1123 label: 1 to 63 characters of"
            + " lowercase letters, digits and '-', starting and ending with a letter or digit (such as hello-world)";
    public static final String DNS_1123_SUBDOMAIN_RULE = "must be a DNS-1123 subdomain: at most 253 characters,"
            + " dot-separated parts of lowercase letters, digits and '-', each starting and ending with a letter"
            + " or digit (such as build-bot or ci.example.com)";
    public static final String LABEL_KEY_RULE = "must be a Kubernetes label key: an optional DNS-1123 subdomain"
            + " prefix and '/', then 1 to 63 characters of letters, digits, '-', '_' and '.', starting and ending"
            + " with a letter or digit (such as team or example.com/tier)";
    public static final String LABEL_VALUE_RULE = "must be a Kubernetes label value: empty, or at most 63"
            + " characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
    public static final String ENV_NAME_RULE = "must be an environment variable name: a letter or '_', then"
            + " letters, digits, '_', '.' or '-' (such as LOG_LEVEL)";

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    private Names() {
    }

    public static boolean isDns1123Label(String s) {
        return s != null && s.length() <= MAX_LABEL && DNS_LABEL.matcher(s).matches();
    }

    public static boolean isDns1123Subdomain(String s) {
        return s != null && s.length() <= MAX_SUBDOMAIN && DNS_SUBDOMAIN.matcher(s).matches();
    }

    /** A label (or annotation, or extended resource) key: {@code [prefix/]name}. */
    public static boolean isLabelKey(String s) {
        if (s == null) {
            return false;
        }
        int slash = s.indexOf('/');
        String name = s;
        if (slash >= 0) {
            if (!isDns1123Subdomain(s.substring(0, slash))) {
                return false;
            }
            name = s.substring(slash + 1);
        }
        return name.length() <= MAX_LABEL && QUALIFIED_NAME.matcher(name).matches();
    }

    public static boolean isLabelValue(String s) {
        return s != null && (s.isEmpty() || (s.length() <= MAX_LABEL && QUALIFIED_NAME.matcher(s).matches()));
    }

    public static boolean isEnvName(String s) {
        return s != null && ENV_NAME.matcher(s).matches();
    }

    /** A field that must be text and a DNS-1123 label. */
    public static String dns1123Label(Object value, String field) throws SpecException {
        String s = Fields.text(value, field, DNS_1123_LABEL_RULE);
        if (!isDns1123Label(s)) {
            throw new SpecException(field, s, DNS_1123_LABEL_RULE);
        }
        return s;
    }

    /** A field that must be text and a DNS-1123 subdomain. */
    public static String dns1123Subdomain(Object value, String field) throws SpecException {
        String s = Fields.text(value, field, DNS_1123_SUBDOMAIN_RULE);
        if (!isDns1123Subdomain(s)) {
            throw new SpecException(field, s, DNS_1123_SUBDOMAIN_RULE);
        }
        return s;
    }
}
