package io.jenkins.plugins.functions.runtime;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.ArrayList;
import java.util.List;

/**
 * The security settings of every pod a run creates, in one place for all runtimes: each runtime
 * passes the pod spec it built through {@link #apply(PodSpec, Policy)} before it returns its plan.
 *
 * <p>Always, whatever the policy:
 * <ul>
 *   <li>pod {@code securityContext.seccompProfile: RuntimeDefault} (the container runtime's
 *       default system call filter);
 *   <li>every container (init containers too): {@code privileged: false}, {@code
 *       allowPrivilegeEscalation: false}, {@code capabilities.drop: [ALL]};
 *   <li>refused, with the field named: host namespaces ({@code hostNetwork}, {@code hostPID},
 *       {@code hostIPC}), {@code hostPath} volumes, privileged containers, added capabilities,
 *       privilege escalation and an {@code Unconfined} seccomp profile. Function specs cannot ask
 *       for any of these (they are not fields of a function); the check guards against a runtime
 *       that builds them. No profile can allow them yet.
 * </ul>
 * With {@link Policy#enforceNonRoot()}: pod {@code runAsNonRoot: true}, so the kubelet refuses to
 * start an image that runs as root (the run fails with {@code CreateContainerConfigError}). Off by
 * default: many images (busybox, most language images) run as root.
 *
 * <p>With {@code enforceNonRoot} on, the pods meet the Pod Security Standard {@code restricted};
 * without it, {@code baseline} and everything of {@code restricted} but {@code runAsNonRoot}.
 */
public final class PodSecurity {

    /** The capability list every container drops. */
    public static final String DROP_ALL = "ALL";
    public static final String RUNTIME_DEFAULT = "RuntimeDefault";

    /**
     * What an administrator chose.
     *
     * @param enforceNonRoot set {@code runAsNonRoot: true} on every pod
     */
    public record Policy(boolean enforceNonRoot) {
        /** Nothing enforced beyond the fixed defaults. */
        public static Policy defaults() {
            return new Policy(false);
        }
    }

    private PodSecurity() {
    }

    /**
     * Checks the pod spec for what is never allowed and sets the security defaults, in place.
     *
     * @return the same pod spec
     * @throws SpecException naming the pod spec field a runtime set to a forbidden value
     */
    public static PodSpec apply(PodSpec pod, Policy policy) throws SpecException {
        refuseTrue(pod.getHostNetwork(), "spec.hostNetwork", "the node's network");
        refuseTrue(pod.getHostPID(), "spec.hostPID", "the node's process namespace");
        refuseTrue(pod.getHostIPC(), "spec.hostIPC", "the node's IPC namespace");
        List<Volume> volumes = pod.getVolumes() == null ? List.of() : pod.getVolumes();
        for (int i = 0; i < volumes.size(); i++) {
            if (volumes.get(i).getHostPath() != null) {
                throw new SpecException("spec.volumes[" + i + "].hostPath", volumes.get(i).getHostPath().getPath(),
                        "no hostPath volume: a function's pod never mounts the node's files");
            }
        }

        PodSecurityContext podContext = pod.getSecurityContext() == null ? new PodSecurityContext()
                : pod.getSecurityContext();
        SeccompProfile seccomp = podContext.getSeccompProfile();
        if (seccomp == null || seccomp.getType() == null) {
            podContext.setSeccompProfile(new SeccompProfile(null, RUNTIME_DEFAULT));
        } else if ("Unconfined".equals(seccomp.getType())) {
            throw new SpecException("spec.securityContext.seccompProfile.type", seccomp.getType(),
                    "RuntimeDefault or Localhost: a function's pod always has a system call filter");
        }
        if (policy.enforceNonRoot()) {
            if (Long.valueOf(0).equals(podContext.getRunAsUser())) {
                throw new SpecException("spec.securityContext.runAsUser", 0,
                        "not 0 (root): the configuration enforces runAsNonRoot");
            }
            podContext.setRunAsNonRoot(true);
        }
        pod.setSecurityContext(podContext);

        List<Container> all = new ArrayList<>();
        if (pod.getInitContainers() != null) {
            all.addAll(pod.getInitContainers());
        }
        if (pod.getContainers() != null) {
            all.addAll(pod.getContainers());
        }
        for (Container container : all) {
            secure(container, policy);
        }
        return pod;
    }

    /** The user BuildKit's rootless image runs as (its {@code user}); the image cannot run as another. */
    public static final long BUILDER_UID = 1000L;
    public static final String UNCONFINED = "Unconfined";

    /**
     * As {@link #apply}, for an image build's pod: every container but {@code builderContainer} gets
     * the usual settings; the builder container gets the one exception BuildKit rootless needs, and
     * nothing more. BuildKit rootless runs its build steps in a user namespace it sets up with
     * {@code rootlesskit}: that needs the {@code unshare}/{@code mount} system calls the default
     * seccomp and AppArmor profiles block, and the setuid helpers {@code newuidmap}/{@code
     * newgidmap} of the image (so privilege escalation cannot be turned off, and the runtime's
     * default capabilities stay in the bounding set). So the builder container has
     * <ul>
     *   <li>{@code seccompProfile: Unconfined} and {@code appArmorProfile: Unconfined} (its own,
     *       the pod keeps {@code RuntimeDefault}; the runtime also sets the AppArmor annotation for
     *       clusters before 1.30);
     *   <li>{@code allowPrivilegeEscalation: true} and the container runtime's default capabilities
     *       (none added);
     *   <li>always {@code runAsNonRoot: true}, {@code runAsUser}/{@code runAsGroup} {@value #BUILDER_UID}:
     *       never root, whatever the policy;
     *   <li>still refused: {@code privileged}, added capabilities, host namespaces, hostPath volumes.
     * </ul>
     * The pod meets the Pod Security Standard {@code privileged} only (baseline refuses Unconfined):
     * the namespace builds run in must allow it (see docs/image-builds.md).
     */
    public static PodSpec applyWithBuilderException(PodSpec pod, Policy policy, String builderContainer)
            throws SpecException {
        List<Container> containers = pod.getContainers() == null ? List.of() : pod.getContainers();
        Container builder = containers.stream().filter(c -> builderContainer.equals(c.getName())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no container " + builderContainer));
        List<Container> others = new ArrayList<>(containers);
        others.remove(builder);
        pod.setContainers(others);
        try {
            apply(pod, policy);
        } finally {
            List<Container> all = new ArrayList<>(pod.getContainers());
            all.add(containers.indexOf(builder), builder);
            pod.setContainers(all);
        }
        String at = "container '" + builder.getName() + "' securityContext.";
        SecurityContext context = builder.getSecurityContext() == null ? new SecurityContext()
                : builder.getSecurityContext();
        refuseTrue(context.getPrivileged(), at + "privileged", "the node's devices and kernel (privileged)");
        if (context.getCapabilities() != null && context.getCapabilities().getAdd() != null
                && !context.getCapabilities().getAdd().isEmpty()) {
            throw new SpecException(at + "capabilities.add", String.join(",", context.getCapabilities().getAdd()),
                    "none: the image builder adds no Linux capability");
        }
        if (context.getRunAsUser() != null && context.getRunAsUser() != BUILDER_UID) {
            throw new SpecException(at + "runAsUser", context.getRunAsUser(), BUILDER_UID
                    + ": BuildKit rootless runs as its image's user " + BUILDER_UID);
        }
        context.setPrivileged(false);
        context.setAllowPrivilegeEscalation(true);
        context.setRunAsNonRoot(true);
        context.setRunAsUser(BUILDER_UID);
        context.setRunAsGroup(BUILDER_UID);
        context.setSeccompProfile(new SeccompProfile(null, UNCONFINED));
        // appArmorProfile is a field since Kubernetes 1.30, newer than this client's model
        context.setAdditionalProperty("appArmorProfile", java.util.Map.of("type", UNCONFINED));
        builder.setSecurityContext(context);
        if (pod.getSecurityContext().getFsGroup() == null) {
            pod.getSecurityContext().setFsGroup(BUILDER_UID); // the mounted context and docker config readable
        }
        return pod;
    }

    private static void secure(Container container, Policy policy) throws SpecException {
        String at = "container '" + container.getName() + "' securityContext.";
        SecurityContext context = container.getSecurityContext() == null ? new SecurityContext()
                : container.getSecurityContext();
        refuseTrue(context.getPrivileged(), at + "privileged", "the node's devices and kernel (privileged)");
        refuseTrue(context.getAllowPrivilegeEscalation(), at + "allowPrivilegeEscalation",
                "more privileges than the container started with");
        if (policy.enforceNonRoot() && Long.valueOf(0).equals(context.getRunAsUser())) {
            throw new SpecException(at + "runAsUser", 0, "not 0 (root): the configuration enforces runAsNonRoot");
        }
        if (policy.enforceNonRoot() && Boolean.FALSE.equals(context.getRunAsNonRoot())) {
            throw new SpecException(at + "runAsNonRoot", false, "true: the configuration enforces runAsNonRoot");
        }
        Capabilities capabilities = context.getCapabilities() == null ? new Capabilities() : context.getCapabilities();
        if (capabilities.getAdd() != null && !capabilities.getAdd().isEmpty()) {
            throw new SpecException(at + "capabilities.add", String.join(",", capabilities.getAdd()),
                    "none: a function's container adds no Linux capability");
        }
        capabilities.setAdd(null);
        capabilities.setDrop(List.of(DROP_ALL));
        context.setCapabilities(capabilities);
        context.setPrivileged(false);
        context.setAllowPrivilegeEscalation(false);
        container.setSecurityContext(context);
    }

    private static void refuseTrue(Boolean value, String field, String what) throws SpecException {
        if (Boolean.TRUE.equals(value)) {
            throw new SpecException(field, true, "false: a function's pod never uses " + what);
        }
    }
}
