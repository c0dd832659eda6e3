package io.jenkins.plugins.functions.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The compute a function asks for ({@code requests}: what the scheduler reserves) and may use at
 * most ({@code limits}: beyond the memory limit the container is killed, beyond the CPU limit it
 * is throttled). Immutable; quantities are Kubernetes quantity text ({@code 500m}, {@code 1.5},
 * {@code 256Mi}) as the user wrote it, numbers given in YAML turned into their plain text.
 *
 * <p>GPUs are an extended resource: Kubernetes wants them as limits only (a request, if given,
 * must equal the limit), so {@code requests.gpu} is always null here; the reader moves a GPU
 * request to the limits.
 *
 * @param requests what the scheduler reserves; {@link Amounts#NONE} when nothing
 * @param limits   the caps; {@link Amounts#NONE} when nothing
 */
public record Resources(Amounts requests, Amounts limits) {

    /** No requests, no limits: the namespace's defaults apply. */
    public static final Resources NONE = new Resources(Amounts.NONE, Amounts.NONE);

    public Resources {
        requests = requests == null ? Amounts.NONE : requests;
        limits = limits == null ? Amounts.NONE : limits;
        if (requests.gpu() != null) {
            throw new IllegalArgumentException("GPUs are limits only, not requests");
        }
    }

    public boolean isEmpty() {
        return requests.isEmpty() && limits.isEmpty();
    }

    /** The canonical field form: {@code {requests: {...}, limits: {...}}}, empty parts left out. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        if (!requests.isEmpty()) {
            map.put("requests", requests.toMap());
        }
        if (!limits.isEmpty()) {
            map.put("limits", limits.toMap());
        }
        return Map.copyOf(map);
    }

    /**
     * One side of the resources. Each amount is null when not set.
     *
     * @param cpu    CPU cores, such as {@code 500m} or {@code 2}
     * @param memory bytes, such as {@code 128Mi} or {@code 2Gi}
     * @param gpu    a whole number of GPUs, such as {@code 1}
     */
    public record Amounts(String cpu, String memory, String gpu) {

        public static final Amounts NONE = new Amounts(null, null, null);

        public boolean isEmpty() {
            return cpu == null && memory == null && gpu == null;
        }

        /** The amounts that are set, by field name ({@code cpu}, {@code memory}, {@code gpu}). */
        public Map<String, String> toMap() {
            Map<String, String> map = new LinkedHashMap<>();
            if (cpu != null) {
                map.put("cpu", cpu);
            }
            if (memory != null) {
                map.put("memory", memory);
            }
            if (gpu != null) {
                map.put("gpu", gpu);
            }
            return Map.copyOf(map);
        }
    }
}
