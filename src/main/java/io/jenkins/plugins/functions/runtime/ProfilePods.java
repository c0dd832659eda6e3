package io.jenkins.plugins.functions.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.jenkins.plugins.functions.model.Resources;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies an administrator's {@link Profile} to a pod, the same way for every runtime (those of
 * other plugins too): a runtime builds its pod spec and main container, then calls
 * {@code ProfilePods.apply(podSpec, mainContainer, function.resources(), request.profile())}.
 *
 * <ul>
 *   <li>The profile's values win: node selector entries, priority class, runtime class and
 *       service account replace the pod's; its tolerations and image pull secrets are added.
 *   <li>Its default resources only fill what the function leaves unset, and never make a
 *       request larger than the function's limit (or a limit smaller than its request).
 *   <li>A function's {@code gpu} amount becomes the profile's GPU resource name; without a
 *       profile that has one, the run is refused (there is no built-in default: which extended
 *       resource a cluster's GPUs are is the administrator's knowledge).
 *   <li>The service account token stays as the runtime decided ({@code automountServiceAccountToken:
 *       false} unless the function named a service account): a profile chooses who the pod runs
 *       as, not whether the function gets an API token.
 * </ul>
 */
public final class ProfilePods {

    /** The field named when a GPU cannot be given. */
    public static final String RESOURCES = "resources";

    private ProfilePods() {
    }

    /**
     * Applies the profile to the pod spec and sets the main container's resources from the
     * function's and the profile's, in place.
     *
     * @param resources what the function asks for ({@link Resources#NONE} when nothing)
     * @throws SpecException when the function asks for GPUs and the profile offers none
     */
    public static void apply(PodSpec pod, Container main, Resources resources, Profile profile) throws SpecException {
        main.setResources(requirements(resources, profile));
        applyToPod(pod, profile);
    }

    /**
     * Applies the profile's pod-level settings (scheduling, service account, image pull secrets)
     * to the pod spec, in place: for runtimes that size their containers themselves (a model
     * server's GPUs), with {@link #requirements} or their own rules.
     */
    public static void applyToPod(PodSpec pod, Profile profile) {
        if (profile.isNone()) {
            return;
        }
        if (!profile.nodeSelector().isEmpty()) {
            Map<String, String> selector = new LinkedHashMap<>(pod.getNodeSelector() == null ? Map.of()
                    : pod.getNodeSelector());
            selector.putAll(profile.nodeSelector());
            pod.setNodeSelector(selector);
        }
        if (!profile.tolerations().isEmpty()) {
            List<Toleration> tolerations = new ArrayList<>(pod.getTolerations() == null ? List.of()
                    : pod.getTolerations());
            for (Profile.Toleration t : profile.tolerations()) {
                tolerations.add(new TolerationBuilder().withKey(t.key()).withOperator(t.operator())
                        .withValue(t.value()).withEffect(t.effect()).withTolerationSeconds(t.tolerationSeconds())
                        .build());
            }
            pod.setTolerations(tolerations);
        }
        if (profile.priorityClassName() != null) {
            pod.setPriorityClassName(profile.priorityClassName());
        }
        if (profile.runtimeClassName() != null) {
            pod.setRuntimeClassName(profile.runtimeClassName());
        }
        if (profile.serviceAccount() != null) {
            pod.setServiceAccountName(profile.serviceAccount());
        }
        if (!profile.imagePullSecrets().isEmpty()) {
            List<LocalObjectReference> secrets = new ArrayList<>(pod.getImagePullSecrets() == null ? List.of()
                    : pod.getImagePullSecrets());
            for (String name : profile.imagePullSecrets()) {
                if (secrets.stream().noneMatch(s -> name.equals(s.getName()))) {
                    secrets.add(new LocalObjectReference(name));
                }
            }
            pod.setImagePullSecrets(secrets);
        }
    }

    /**
     * The container's requests and limits: the function's, the profile's defaults where the
     * function sets nothing, GPUs as the profile's extended resource (limits only). Null when none.
     *
     * @throws SpecException when the function asks for GPUs and the profile offers none
     */
    public static ResourceRequirements requirements(Resources resources, Profile profile) throws SpecException {
        Resources.Amounts defaults = profile.defaultResources().requests();
        Resources.Amounts defaultLimits = profile.defaultResources().limits();
        Map<String, Quantity> requests = new LinkedHashMap<>();
        Map<String, Quantity> limits = new LinkedHashMap<>();
        for (String what : List.of("cpu", "memory")) {
            String request = amount(resources.requests(), what);
            String limit = amount(resources.limits(), what);
            // defaults fill the gaps, unless they would contradict what the function set
            if (request == null && amount(defaults, what) != null
                    && (limit == null || compare(amount(defaults, what), limit) <= 0)) {
                request = amount(defaults, what);
            }
            if (limit == null && amount(defaultLimits, what) != null
                    && (request == null || compare(request, amount(defaultLimits, what)) <= 0)) {
                limit = amount(defaultLimits, what);
            }
            if (request != null) {
                requests.put(what, new Quantity(request));
            }
            if (limit != null) {
                limits.put(what, new Quantity(limit));
            }
        }
        String gpu = resources.limits().gpu();
        if (gpu != null) {
            if (profile.gpuResourceName() == null) {
                throw new SpecException(RESOURCES, "gpu: " + gpu, profile.isNone()
                        ? "GPUs only with a profile that offers them: name one with 'profile:' (the administrator"
                                + " configures profiles and their GPU resource name)"
                        : "GPUs only with a profile that offers them; profile '" + profile.name() + "' has no GPU"
                                + " resource name");
            }
            limits.put(profile.gpuResourceName(), new Quantity(gpu));
        }
        if (requests.isEmpty() && limits.isEmpty()) {
            return null;
        }
        ResourceRequirements r = new ResourceRequirements();
        r.setRequests(requests.isEmpty() ? null : requests);
        r.setLimits(limits.isEmpty() ? null : limits);
        return r;
    }

    private static String amount(Resources.Amounts amounts, String what) {
        return what.equals("cpu") ? amounts.cpu() : amounts.memory();
    }

    private static int compare(String a, String b) {
        return new Quantity(a).getNumericalAmount().compareTo(new Quantity(b).getNumericalAmount());
    }
}
