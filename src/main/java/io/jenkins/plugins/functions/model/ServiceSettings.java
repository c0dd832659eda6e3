package io.jenkins.plugins.functions.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a function is served: the container ports, how many replicas, the Service's type and the
 * readiness probe. Fields of the function spec that only {@code serve} and {@code deploy} use;
 * absent for functions that only run as jobs, so those keep their version.
 *
 * @param ports          the container's ports, each with a name (the first one's Service port is the URL's)
 * @param replicas       how many pods, 0 to 100
 * @param serviceType    {@code ClusterIP}, {@code NodePort} or {@code LoadBalancer}
 * @param readinessProbe when a pod takes traffic; null: a TCP check of the first port, if any
 */
public record ServiceSettings(List<Port> ports, int replicas, String serviceType, Probe readinessProbe) {

    public static final int DEFAULT_REPLICAS = 1;
    public static final String DEFAULT_SERVICE_TYPE = "ClusterIP";

    public ServiceSettings {
        ports = List.copyOf(ports == null ? List.of() : ports);
        serviceType = serviceType == null ? DEFAULT_SERVICE_TYPE : serviceType;
    }

    /** A named container port. */
    public record Port(String name, int port) {
    }

    /**
     * An HTTP GET of {@code path} on {@code port}, or a TCP connect to {@code port} when path is null.
     */
    public record Probe(String path, int port, int initialDelaySeconds, int periodSeconds, int failureThreshold) {
    }

    /** The spec fields, in canonical form, of the settings that were given (defaults left out). */
    public Map<String, Object> toFields(boolean hadReplicas, boolean hadServiceType) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (!ports.isEmpty()) {
            List<Object> list = new ArrayList<>();
            for (Port p : ports) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", p.name());
                m.put("port", p.port());
                list.add(m);
            }
            fields.put("ports", list);
        }
        if (hadReplicas) {
            fields.put("replicas", replicas);
        }
        if (hadServiceType) {
            fields.put("serviceType", serviceType);
        }
        if (readinessProbe != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (readinessProbe.path() != null) {
                m.put("path", readinessProbe.path());
            }
            m.put("port", readinessProbe.port());
            m.put("initialDelaySeconds", readinessProbe.initialDelaySeconds());
            m.put("periodSeconds", readinessProbe.periodSeconds());
            m.put("failureThreshold", readinessProbe.failureThreshold());
            fields.put("readinessProbe", m);
        }
        return fields;
    }
}
