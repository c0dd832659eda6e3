package io.jenkins.plugins.functions.observability;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The requests and limits of a run's pod, as planned: what its containers ask for together, per
 * resource ({@code cpu}, {@code memory}, {@code ephemeral-storage}, and extended resources such as
 * {@code nvidia.com/gpu}), after the profile's defaults were applied. Per pod: a service with
 * several replicas asks for this times its replicas. Immutable.
 *
 * @param requests by resource name, as Kubernetes quantities ({@code 250m}, {@code 512Mi}, {@code 1})
 * @param limits   by resource name
 */
public record PodResources(Map<String, String> requests, Map<String, String> limits) {

    /** A workload without a pod template the plugin can read (a custom resource). */
    public static final PodResources NONE = new PodResources(Map.of(), Map.of());

    public PodResources {
        requests = java.util.Collections.unmodifiableMap(new TreeMap<>(requests == null ? Map.of() : requests));
        limits = java.util.Collections.unmodifiableMap(new TreeMap<>(limits == null ? Map.of() : limits));
    }

    /**
     * The pod's requests and limits: the sum over its containers of each resource, or the largest
     * init container's when that is more (as the scheduler counts). {@link #NONE} for a workload
     * that is not a Job or Deployment.
     */
    public static PodResources of(HasMetadata workload) {
        PodTemplateSpec template = workload instanceof Job job && job.getSpec() != null ? job.getSpec().getTemplate()
                : workload instanceof Deployment d && d.getSpec() != null ? d.getSpec().getTemplate() : null;
        if (template == null || template.getSpec() == null) {
            return NONE;
        }
        PodSpec pod = template.getSpec();
        return new PodResources(effective(pod, true), effective(pod, false));
    }

    public boolean isEmpty() {
        return requests.isEmpty() && limits.isEmpty();
    }

    private static Map<String, String> effective(PodSpec pod, boolean requests) {
        Map<String, List<Quantity>> sums = new LinkedHashMap<>();
        for (Container c : pod.getContainers() == null ? List.<Container>of() : pod.getContainers()) {
            of(c, requests).forEach((name, q) -> sums.computeIfAbsent(name, k -> new ArrayList<>()).add(q));
        }
        Map<String, String> out = new LinkedHashMap<>();
        sums.forEach((name, quantities) -> out.put(name, sum(quantities)));
        for (Container init : pod.getInitContainers() == null ? List.<Container>of() : pod.getInitContainers()) {
            of(init, requests).forEach((name, q) -> {
                String current = out.get(name);
                if (current == null || amount(q).compareTo(amount(new Quantity(current))) > 0) {
                    out.put(name, q.toString());
                }
            });
        }
        return out;
    }

    private static Map<String, Quantity> of(Container c, boolean requests) {
        ResourceRequirements r = c.getResources();
        Map<String, Quantity> m = r == null ? null : requests ? r.getRequests() : r.getLimits();
        return m == null ? Map.of() : m;
    }

    /** One quantity as written; several added up, in the unit of the first when it is exact. */
    private static String sum(List<Quantity> quantities) {
        if (quantities.size() == 1) {
            return quantities.get(0).toString();
        }
        BigDecimal total = BigDecimal.ZERO;
        for (Quantity q : quantities) {
            total = total.add(amount(q));
        }
        String format = quantities.get(0).getFormat();
        if ("m".equals(format)) {
            return total.multiply(BigDecimal.valueOf(1000)).setScale(0, RoundingMode.CEILING).toPlainString() + "m";
        }
        for (String suffix : new String[] {"Gi", "Mi", "Ki"}) {
            if (suffix.equals(format)) {
                BigDecimal unit = amount(new Quantity("1" + suffix));
                BigDecimal scaled = total.divide(unit, 6, RoundingMode.HALF_UP).stripTrailingZeros();
                return (scaled.scale() <= 0 ? scaled.toBigInteger().toString() : scaled.toPlainString()) + suffix;
            }
        }
        return total.stripTrailingZeros().toPlainString();
    }

    private static BigDecimal amount(Quantity q) {
        return Quantity.getAmountInBytes(q);
    }
}
