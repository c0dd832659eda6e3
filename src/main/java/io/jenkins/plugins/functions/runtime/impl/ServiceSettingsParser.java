package io.jenkins.plugins.functions.runtime.impl;

import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.ServiceSettings;
import io.jenkins.plugins.functions.model.ServiceSettings.Port;
import io.jenkins.plugins.functions.model.ServiceSettings.Probe;
import io.jenkins.plugins.functions.spec.Fields;
import io.jenkins.plugins.functions.spec.Names;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads and checks the serving fields of a function: {@code ports}, {@code replicas}, {@code serviceType}, {@code readinessProbe}. */
public final class ServiceSettingsParser {

    public static final String PORTS = "ports";
    public static final String REPLICAS = "replicas";
    public static final String SERVICE_TYPE = "serviceType";
    public static final String READINESS_PROBE = "readinessProbe";
    public static final List<String> FIELDS = List.of(PORTS, REPLICAS, SERVICE_TYPE, READINESS_PROBE);

    static final String PORTS_RULE = "must be a list of ports, each a number such as 8080 or a mapping {name: http, port: 8080}";
    static final String PORT_RULE = "must be a port number from 1 to 65535";
    static final String REPLICAS_RULE = "must be a whole number from 0 to 100";
    static final String SERVICE_TYPE_RULE = "must be one of ClusterIP, NodePort, LoadBalancer";
    static final String PROBE_RULE = "must be a mapping {path: /healthz, port: 8080} (HTTP) or {port: 8080} (TCP),"
            + " with optional initialDelaySeconds, periodSeconds, failureThreshold";
    private static final Set<String> SERVICE_TYPES = Set.of("ClusterIP", "NodePort", "LoadBalancer");
    private static final List<String> PROBE_FIELDS =
            List.of("path", "port", "initialDelaySeconds", "periodSeconds", "failureThreshold");

    private ServiceSettingsParser() {
    }

    public static ServiceSettings parse(FunctionSpec spec) throws SpecException {
        Map<String, Object> fields = spec.fields();
        List<Port> ports = ports(fields.get(PORTS));
        int replicas = fields.containsKey(REPLICAS) ? replicas(fields.get(REPLICAS)) : ServiceSettings.DEFAULT_REPLICAS;
        String type = fields.containsKey(SERVICE_TYPE) ? serviceType(fields.get(SERVICE_TYPE)) : null;
        Probe probe = fields.containsKey(READINESS_PROBE) ? probe(fields.get(READINESS_PROBE)) : null;
        return new ServiceSettings(ports, replicas, type, probe);
    }

    /** The canonical spec: the serving fields that were given, checked and in canonical form. */
    public static FunctionSpec canonical(FunctionSpec validated, FunctionSpec original) throws SpecException {
        ServiceSettings settings = parse(original);
        FunctionSpec spec = validated;
        for (Map.Entry<String, Object> e : settings.toFields(original.fields().containsKey(REPLICAS),
                original.fields().containsKey(SERVICE_TYPE)).entrySet()) {
            spec = spec.withField(e.getKey(), e.getValue());
        }
        return spec;
    }

    /** {@code replicas}: a whole number from 0 to 100. */
    public static int replicas(Object value) throws SpecException {
        return whole(value, REPLICAS, 0, 100, REPLICAS_RULE);
    }

    /** {@code serviceType}: ClusterIP, NodePort or LoadBalancer. */
    public static String serviceType(Object value) throws SpecException {
        String type = Fields.text(value, SERVICE_TYPE, SERVICE_TYPE_RULE);
        if (!SERVICE_TYPES.contains(type)) {
            throw new SpecException(SERVICE_TYPE, type, SERVICE_TYPE_RULE);
        }
        return type;
    }

    /** {@code ports}: numbers or {name, port} mappings, names and numbers unique. */
    public static List<Port> ports(Object value) throws SpecException {
        if (value == null) {
            return List.of();
        }
        List<?> list = Fields.list(value, PORTS, PORTS_RULE);
        List<Port> ports = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<Integer> numbers = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String field = Fields.index(PORTS, i);
            Object item = list.get(i);
            int number;
            String name;
            if (item instanceof Number) {
                number = whole(item, field, 1, 65535, PORT_RULE);
                name = i == 0 ? "http" : "port-" + number;
            } else if (item instanceof Map<?, ?>) {
                Map<String, Object> m = Fields.mapping(item, field, PORTS_RULE);
                Fields.onlyKnown(m, field, List.of("name", "port"), "a port");
                number = whole(m.get("port"), Fields.path(field, "port"), 1, 65535, PORT_RULE);
                Object n = m.get("name");
                name = n == null ? (i == 0 ? "http" : "port-" + number)
                        : Fields.text(n, Fields.path(field, "name"), "must be a port name");
                // Kubernetes port names: IANA service names, at most 15 characters
                if (!name.matches("[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?") || !name.matches(".*[a-z].*")) {
                    throw new SpecException(Fields.path(field, "name"), name, "must be a port name: 1 to 15 lowercase"
                            + " letters, digits and '-', with at least one letter, starting and ending alphanumeric");
                }
            } else {
                throw new SpecException(field, item, PORTS_RULE);
            }
            if (!names.add(name)) {
                throw new SpecException(Fields.path(field, "name"), name, "must be unique among the ports");
            }
            if (!numbers.add(number)) {
                throw new SpecException(Fields.path(field, "port"), number, "must be unique among the ports");
            }
            ports.add(new Port(name, number));
        }
        return ports;
    }

    private static Probe probe(Object value) throws SpecException {
        Map<String, Object> m = Fields.mapping(value, READINESS_PROBE, PROBE_RULE);
        Fields.onlyKnown(m, READINESS_PROBE, PROBE_FIELDS, "a readiness probe");
        String path = null;
        if (m.containsKey("path")) {
            path = Fields.text(m.get("path"), READINESS_PROBE + ".path", "must be an absolute URL path such as /healthz");
            if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ')) {
                throw new SpecException(READINESS_PROBE + ".path", path, "must be an absolute URL path such as /healthz");
            }
        }
        if (!m.containsKey("port")) {
            throw new SpecException(READINESS_PROBE + ".port", null, PORT_RULE);
        }
        int port = whole(m.get("port"), READINESS_PROBE + ".port", 1, 65535, PORT_RULE);
        int delay = m.containsKey("initialDelaySeconds")
                ? whole(m.get("initialDelaySeconds"), READINESS_PROBE + ".initialDelaySeconds", 0, 3600,
                "must be a whole number of seconds from 0 to 3600") : 0;
        int period = m.containsKey("periodSeconds")
                ? whole(m.get("periodSeconds"), READINESS_PROBE + ".periodSeconds", 1, 300,
                "must be a whole number of seconds from 1 to 300") : 5;
        int failures = m.containsKey("failureThreshold")
                ? whole(m.get("failureThreshold"), READINESS_PROBE + ".failureThreshold", 1, 100,
                "must be a whole number from 1 to 100") : 3;
        return new Probe(path, port, delay, period, failures);
    }

    private static int whole(Object value, String field, int min, int max, String rule) throws SpecException {
        if (!(value instanceof Integer || value instanceof Long)) {
            throw new SpecException(field, value, rule);
        }
        long n = ((Number) value).longValue();
        if (n < min || n > max) {
            throw new SpecException(field, value, rule);
        }
        return (int) n;
    }

    /** A Service's name must also start with a letter (DNS-1035). */
    public static void checkServiceName(String name) throws SpecException {
        if (!Names.isDns1123Label(name) || !Character.isLetter(name.charAt(0))) {
            throw new SpecException("name", name, "must start with a letter to be served: the Service takes the"
                    + " function's name, and Service names are DNS-1035 labels");
        }
    }
}
