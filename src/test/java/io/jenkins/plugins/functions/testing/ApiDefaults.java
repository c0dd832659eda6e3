package io.jenkins.plugins.functions.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * What the real API server does to an object on create that fabric8's CRUD mock server does not:
 * validating names and labels (so that a name the plugin builds wrongly fails here as it would on
 * a cluster), {@code generateName} with 5 random characters, the defaults the plugin may read back
 * (a Job's {@code backoffLimit}, a container's {@code terminationMessagePath}, a Service's {@code
 * clusterIP}...), and dropping the status a client sent.
 */
final class ApiDefaults {

    /** The characters Kubernetes uses for generated name suffixes (no vowels, no look-alikes). */
    static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final Pattern DNS1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

    private final AtomicInteger nextClusterIp = new AtomicInteger(1);
    private final AtomicInteger nextNodePort = new AtomicInteger(30000);

    /** Thrown for an object the API server would refuse with 422 Unprocessable Entity. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    static String randomSuffix() {
        StringBuilder b = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            b.append(ALPHANUMS.charAt(RANDOM.nextInt(ALPHANUMS.length())));
        }
        return b.toString();
    }

    /** The collections whose names and labels are validated (others are only given a generated name). */
    private static final java.util.Set<String> VALIDATED = java.util.Set.of("pods", "services", "jobs", "cronjobs",
            "deployments", "replicasets", "statefulsets", "daemonsets", "configmaps", "secrets", "serviceaccounts",
            "persistentvolumeclaims", "namespaces");

    /**
     * Prepares an object POSTed to the collection {@code plural} (of the core group if {@code group}
     * is null) for storage, in place.
     */
    void onCreate(String group, String plural, ObjectNode obj) throws Invalid {
        String kind = obj.path("kind").asText();
        ObjectNode meta = child(obj, "metadata");
        if (!meta.hasNonNull("name") || meta.get("name").asText().isEmpty()) {
            String generate = meta.path("generateName").asText("");
            if (!generate.isEmpty()) {
                meta.put("name", generate + randomSuffix());
            }
        }
        if (!VALIDATED.contains(plural)) {
            return;
        }
        String name = meta.path("name").asText();
        String qualifiedKind = kind + (group == null ? "" : "." + group);
        switch (plural) {
            case "namespaces" -> checkName(qualifiedKind, name, DNS1123_LABEL, 63,
                    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must"
                            + " start and end with an alphanumeric character");
            case "services" -> checkName(qualifiedKind, name, DNS1035_LABEL, 63,
                    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an"
                            + " alphabetic character, and end with an alphanumeric character");
            case "jobs" -> checkName(qualifiedKind, name, DNS1123_SUBDOMAIN, 63,
                    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.',"
                            + " and must start and end with an alphanumeric character");
            default -> checkName(qualifiedKind, name, DNS1123_SUBDOMAIN, 253,
                    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.',"
                            + " and must start and end with an alphanumeric character");
        }
        checkLabels(qualifiedKind, name, "metadata.labels", meta.path("labels"));
        switch (plural) {
            case "pods" -> {
                ObjectNode spec = child(obj, "spec");
                checkContainers(qualifiedKind, name, "spec", spec);
                podSpec(spec);
                ObjectNode status = JsonNodeFactory.instance.objectNode();
                status.put("phase", "Pending");
                status.put("qosClass", qosClass(spec));
                obj.set("status", status);
            }
            case "jobs" -> {
                ObjectNode spec = child(obj, "spec");
                putIfAbsent(spec, "backoffLimit", 6);
                putIfAbsent(spec, "completions", 1);
                putIfAbsent(spec, "parallelism", 1);
                putIfAbsent(spec, "completionMode", "NonIndexed");
                putIfAbsent(spec, "suspend", false);
                template(qualifiedKind, name, spec);
                String restart = spec.path("template").path("spec").path("restartPolicy").asText("");
                if (!restart.equals("Never") && !restart.equals("OnFailure")) {
                    throw new Invalid(qualifiedKind + " \"" + name + "\" is invalid: spec.template.spec.restartPolicy:"
                            + " Required value: valid values: \"OnFailure\", \"Never\"");
                }
                obj.remove("status");
            }
            case "deployments" -> {
                ObjectNode spec = child(obj, "spec");
                putIfAbsent(spec, "replicas", 1);
                putIfAbsent(spec, "revisionHistoryLimit", 10);
                putIfAbsent(spec, "progressDeadlineSeconds", 600);
                if (!spec.has("strategy")) {
                    ObjectNode strategy = child(spec, "strategy");
                    strategy.put("type", "RollingUpdate");
                    child(strategy, "rollingUpdate").put("maxSurge", "25%").put("maxUnavailable", "25%");
                }
                template(qualifiedKind, name, spec);
                obj.remove("status");
            }
            case "replicasets" -> {
                ObjectNode spec = child(obj, "spec");
                putIfAbsent(spec, "replicas", 1);
                template(qualifiedKind, name, spec);
                obj.remove("status");
            }
            case "services" -> {
                service(child(obj, "spec"));
                obj.set("status", JsonNodeFactory.instance.objectNode().set("loadBalancer",
                        JsonNodeFactory.instance.objectNode()));
            }
            default -> { }
        }
    }

    private void template(String kind, String name, ObjectNode spec) throws Invalid {
        ObjectNode template = child(spec, "template");
        checkLabels(kind, name, "spec.template.metadata.labels", template.path("metadata").path("labels"));
        ObjectNode podSpec = child(template, "spec");
        checkContainers(kind, name, "spec.template.spec", podSpec);
        podSpec(podSpec);
    }

    /** The defaults the API server gives a pod spec (also used to compare templates). */
    static void podSpecDefaults(ObjectNode spec) {
        podSpec(spec);
    }

    private static void podSpec(ObjectNode spec) {
        putIfAbsent(spec, "restartPolicy", "Always");
        putIfAbsent(spec, "terminationGracePeriodSeconds", 30);
        putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
        putIfAbsent(spec, "schedulerName", "default-scheduler");
        putIfAbsent(spec, "securityContext", JsonNodeFactory.instance.objectNode());
        for (String list : new String[] {"initContainers", "containers"}) {
            for (JsonNode c : spec.path(list)) {
                if (c instanceof ObjectNode container) {
                    putIfAbsent(container, "terminationMessagePath", ShellScript.DEFAULT_TERMINATION_PATH);
                    putIfAbsent(container, "terminationMessagePolicy", "File");
                    String image = container.path("image").asText("");
                    String lastSegment = image.substring(image.lastIndexOf('/') + 1);
                    boolean latest = !lastSegment.contains(":") && !image.contains("@") || lastSegment.endsWith(":latest");
                    putIfAbsent(container, "imagePullPolicy", latest ? "Always" : "IfNotPresent");
                    for (JsonNode port : container.path("ports")) {
                        if (port instanceof ObjectNode p) {
                            putIfAbsent(p, "protocol", "TCP");
                        }
                    }
                }
            }
        }
    }

    private void checkContainers(String kind, String name, String path, ObjectNode spec) throws Invalid {
        JsonNode containers = spec.path("containers");
        if (!containers.isArray() || containers.isEmpty()) {
            throw new Invalid(kind + " \"" + name + "\" is invalid: " + path + ".containers: Required value");
        }
        for (int i = 0; i < containers.size(); i++) {
            JsonNode c = containers.get(i);
            String cname = c.path("name").asText("");
            if (!DNS1123_LABEL.matcher(cname).matches() || cname.length() > 63) {
                throw new Invalid(kind + " \"" + name + "\" is invalid: " + path + ".containers[" + i
                        + "].name: Invalid value: \"" + cname + "\": a DNS-1123 label must consist of lower case"
                        + " alphanumeric characters or '-', and must start and end with an alphanumeric character");
            }
            if (c.path("image").asText("").isEmpty()) {
                throw new Invalid(kind + " \"" + name + "\" is invalid: " + path + ".containers[" + i
                        + "].image: Required value");
            }
        }
    }

    private void service(ObjectNode spec) {
        putIfAbsent(spec, "type", "ClusterIP");
        putIfAbsent(spec, "sessionAffinity", "None");
        if (!spec.hasNonNull("clusterIP") || spec.get("clusterIP").asText().isEmpty()) {
            int n = nextClusterIp.getAndIncrement();
            String ip = "10.96." + (n / 250) + "." + (n % 250 + 2);
            spec.put("clusterIP", ip);
        }
        if (!"None".equals(spec.get("clusterIP").asText())) {
            ArrayNode ips = JsonNodeFactory.instance.arrayNode().add(spec.get("clusterIP").asText());
            spec.set("clusterIPs", ips);
        }
        putIfAbsent(spec, "ipFamilies", JsonNodeFactory.instance.arrayNode().add("IPv4"));
        putIfAbsent(spec, "ipFamilyPolicy", "SingleStack");
        putIfAbsent(spec, "internalTrafficPolicy", "Cluster");
        String type = spec.get("type").asText();
        for (JsonNode port : spec.path("ports")) {
            if (port instanceof ObjectNode p) {
                putIfAbsent(p, "protocol", "TCP");
                if (!p.has("targetPort") && p.has("port")) {
                    p.set("targetPort", p.get("port"));
                }
                if ((type.equals("NodePort") || type.equals("LoadBalancer")) && !p.has("nodePort")) {
                    p.put("nodePort", nextNodePort.getAndIncrement());
                }
            }
        }
    }

    private static String qosClass(ObjectNode spec) {
        boolean any = false;
        boolean guaranteed = true;
        for (JsonNode c : spec.path("containers")) {
            JsonNode requests = c.path("resources").path("requests");
            JsonNode limits = c.path("resources").path("limits");
            any |= requests.size() > 0 || limits.size() > 0;
            for (String r : new String[] {"cpu", "memory"}) {
                JsonNode limit = limits.get(r);
                JsonNode request = requests.has(r) ? requests.get(r) : limit;
                guaranteed &= limit != null && limit.equals(request);
            }
        }
        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }

    private static void checkName(String kind, String name, Pattern p, int max, String rule) throws Invalid {
        if (name.isEmpty()) {
            throw new Invalid(kind + " \"\" is invalid: metadata.name: Required value: name or generateName is required");
        }
        if (name.length() > max) {
            throw new Invalid(kind + " \"" + name + "\" is invalid: metadata.name: Invalid value: \"" + name
                    + "\": must be no more than " + max + " characters");
        }
        if (!p.matcher(name).matches()) {
            throw new Invalid(kind + " \"" + name + "\" is invalid: metadata.name: Invalid value: \"" + name + "\": "
                    + rule);
        }
    }

    private static void checkLabels(String kind, String name, String path, JsonNode labels) throws Invalid {
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            String value = e.getValue().asText();
            String keyName = key.substring(key.indexOf('/') + 1);
            String prefix = key.contains("/") ? key.substring(0, key.indexOf('/')) : null;
            if (keyName.length() > 63 || !QUALIFIED_NAME.matcher(keyName).matches()
                    || prefix != null && (prefix.length() > 253 || !DNS1123_SUBDOMAIN.matcher(prefix).matches())) {
                throw new Invalid(kind + " \"" + name + "\" is invalid: " + path + ": Invalid value: \"" + key
                        + "\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start"
                        + " and end with an alphanumeric character");
            }
            if (value.length() > 63 || !LABEL_VALUE.matcher(value).matches()) {
                throw new Invalid(kind + " \"" + name + "\" is invalid: " + path + ": Invalid value: \"" + value
                        + "\": a valid label must be an empty string or consist of alphanumeric characters, '-',"
                        + " '_' or '.', and must start and end with an alphanumeric character"
                        + (value.length() > 63 ? " (must be no more than 63 characters)" : ""));
            }
        }
    }

    /** The object field {@code field} of {@code o}, created empty if missing. */
    static ObjectNode child(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n instanceof ObjectNode on) {
            return on;
        }
        ObjectNode created = JsonNodeFactory.instance.objectNode();
        o.set(field, created);
        return created;
    }

    private static void putIfAbsent(ObjectNode o, String field, Object value) {
        if (o.hasNonNull(field)) {
            return;
        }
        if (value instanceof Integer i) {
            o.put(field, i);
        } else if (value instanceof Boolean b) {
            o.put(field, b);
        } else if (value instanceof JsonNode n) {
            o.set(field, n);
        } else {
            o.put(field, value.toString());
        }
    }
}
