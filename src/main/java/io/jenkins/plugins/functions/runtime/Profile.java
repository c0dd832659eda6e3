package io.jenkins.plugins.functions.runtime;

import io.jenkins.plugins.functions.model.Resources;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An administrator's scheduling choices, named in the global configuration and chosen by a
 * function with {@code profile: <name>}: where pods go and what they may use. Users do not set
 * these knobs themselves; where a function sets one too (resources, service account), the
 * profile's value wins, except default resources, which only fill what the function leaves out.
 *
 * @param name              the name functions use ({@code gpu-small})
 * @param nodeSelector      node labels the pods must match
 * @param tolerations       taints the pods tolerate
 * @param priorityClassName the pods' priority class, or null
 * @param runtimeClassName  the pods' runtime class ({@code nvidia}, {@code kata}), or null
 * @param defaultResources  requests and limits for what the function does not set
 * @param gpuResourceName   the extended resource a function's {@code gpu} amount becomes, such as
 *                          {@code nvidia.com/gpu}; null when this profile offers no GPUs
 * @param serviceAccount    the pods' service account, or null for the function's (or the default)
 * @param imagePullSecrets  names of Secrets in the run's namespace used to pull images
 */
public record Profile(
        String name,
        Map<String, String> nodeSelector,
        List<Toleration> tolerations,
        String priorityClassName,
        String runtimeClassName,
        Resources defaultResources,
        String gpuResourceName,
        String serviceAccount,
        List<String> imagePullSecrets) {

    /** A profile that changes nothing: runs without a profile. */
    public static final Profile NONE = new Profile("", Map.of(), List.of(), null, null, Resources.NONE, null, null,
            List.of());

    public Profile {
        Objects.requireNonNull(name, "name");
        nodeSelector = Map.copyOf(new LinkedHashMap<>(nodeSelector == null ? Map.of() : nodeSelector));
        tolerations = List.copyOf(tolerations == null ? List.of() : tolerations);
        defaultResources = defaultResources == null ? Resources.NONE : defaultResources;
        imagePullSecrets = List.copyOf(imagePullSecrets == null ? List.of() : imagePullSecrets);
    }

    /** Whether this is {@link #NONE}: no profile was chosen. */
    public boolean isNone() {
        return name.isEmpty();
    }

    /**
     * A taint the pods tolerate, as in a pod spec's {@code tolerations}.
     *
     * @param key               the taint key, or null with operator {@code Exists} for every taint
     * @param operator          {@code Equal} or {@code Exists}
     * @param value             the taint value for {@code Equal}, else null
     * @param effect            {@code NoSchedule}, {@code PreferNoSchedule}, {@code NoExecute}, or null for all
     * @param tolerationSeconds for {@code NoExecute}: how long the pod stays once tainted, or null
     */
    public record Toleration(String key, String operator, String value, String effect, Long tolerationSeconds) {
    }
}
