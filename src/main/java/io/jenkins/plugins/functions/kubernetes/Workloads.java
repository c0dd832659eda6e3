package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.jenkins.plugins.functions.runtime.Plan;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The kinds of workload a run can have (a Job, a service's Deployment, a custom resource such as
 * KubeAI's Model), told apart from an object or a run's reference, where each lives in the API,
 * and how long a service of each may take to become ready. Stateless: every part of the engine
 * that must tell the kinds apart asks here.
 */
final class Workloads {

    private static final Logger LOGGER = Logger.getLogger(Workloads.class.getName());

    private Workloads() {
    }

    static final Duration DEFAULT_READY_TIMEOUT = Duration.ofMinutes(10);

    /** Beyond a startup probe's budget: pulling a large server image, then the first readiness checks. */
    static final Duration STARTUP_MARGIN = Duration.ofMinutes(5);

    /** The custom resource kinds the engine follows as workloads (KubeAI's Model); the services page lists them too. */
    static final List<CustomWorkload> CUSTOM_WORKLOADS = List.of(CustomWorkload.KUBEAI_MODEL);

    /**
     * How long the start of a {@code serve} or {@code deploy} run of this plan waits for
     * readiness: {@code requested} (the step's own wait) if given, else the run's timeout, else ten
     * minutes, or longer when the pods' startup probes (or a custom resource kind's default) allow
     * more. The step keeps it, so a start re-attached after a restart waits as long.
     */
    static Duration readyWait(Plan plan, Duration requested) {
        if (requested != null) {
            return requested;
        }
        CustomWorkload custom = customWorkload(plan.workload());
        return readyTimeout(plan, custom != null ? custom.readyTimeout() : startupBudget(plan));
    }

    /**
     * How long a service may take to become available: the run's timeout, else ten minutes, or
     * {@code atLeast} when that is longer (what the pods' startup probes allow a model to load).
     */
    private static Duration readyTimeout(Plan plan, Duration atLeast) {
        Duration timeout = plan.request().timeout();
        if (timeout != null && !timeout.isZero() && !timeout.isNegative()) {
            return timeout;
        }
        return atLeast != null && atLeast.compareTo(DEFAULT_READY_TIMEOUT) > 0 ? atLeast : DEFAULT_READY_TIMEOUT;
    }

    /**
     * The longest a Deployment's pods may take to start by their startup probes, plus what the
     * image pull and readiness take: a wait shorter than that would give up on a model the kubelet
     * still lets load. Null when no container has a startup probe.
     */
    static Duration startupBudget(Plan plan) {
        if (!(plan.workload() instanceof Deployment d)
                || d.getSpec() == null || d.getSpec().getTemplate() == null) {
            return null;
        }
        long seconds = 0;
        for (io.fabric8.kubernetes.api.model.Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
            io.fabric8.kubernetes.api.model.Probe p = c.getStartupProbe();
            if (p != null) {
                long period = p.getPeriodSeconds() == null ? 10 : p.getPeriodSeconds();
                long failures = p.getFailureThreshold() == null ? 3 : p.getFailureThreshold();
                long delay = p.getInitialDelaySeconds() == null ? 0 : p.getInitialDelaySeconds();
                seconds = Math.max(seconds, delay + period * failures);
            }
        }
        return seconds == 0 ? null : Duration.ofSeconds(seconds).plus(STARTUP_MARGIN);
    }

    /** The custom workload kind of an object, or null for a built-in kind. */
    static CustomWorkload customWorkload(HasMetadata object) {
        for (CustomWorkload c : CUSTOM_WORKLOADS) {
            if (c.apiVersion().equals(object.getApiVersion()) && c.kind().equals(object.getKind())) {
                return c;
            }
        }
        return null;
    }

    /** The custom workload kind of a run's reference (by kind: references keep no API version). */
    static CustomWorkload customWorkload(RunRef ref) {
        for (CustomWorkload c : CUSTOM_WORKLOADS) {
            if (c.kind().equals(ref.kind())) {
                return c;
            }
        }
        return null;
    }

    static boolean isService(RunRef ref) {
        return "Deployment".equals(ref.kind());
    }

    /**
     * Whether the cluster's API serves this custom resource (API discovery of its group and
     * version): false when its CRD is not installed. A discovery that fails otherwise (no
     * permission on discovery is rare) is taken as installed, and the create says what is wrong.
     * One discovery request.
     */
    static boolean installed(KubernetesClient client, CustomWorkload custom) {
        try {
            APIResourceList resources = client.getApiResources(custom.apiVersion());
            return resources != null && resources.getResources() != null && resources.getResources().stream()
                    .anyMatch(r -> custom.plural().equals(r.getName()));
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return false;
            }
            LOGGER.log(Level.FINE, "discovery of " + custom.apiVersion() + " failed", e);
            return true;
        }
    }

    /** The workload's resource, by kind. */
    static Resource<? extends HasMetadata> resource(KubernetesClient client, RunRef ref) {
        CustomWorkload custom = customWorkload(ref);
        if (custom != null) {
            return client.genericKubernetesResources(custom.context()).inNamespace(ref.namespace()).withName(ref.name());
        }
        if (isService(ref)) {
            return client.apps().deployments().inNamespace(ref.namespace()).withName(ref.name());
        }
        return client.batch().v1().jobs().inNamespace(ref.namespace()).withName(ref.name());
    }

    /** Where a run's workload lives in the API (as {@link #resource(KubernetesClient, RunRef)}). */
    static ApiRequests.Type typeOf(RunRef ref) {
        CustomWorkload custom = customWorkload(ref);
        if (custom != null) {
            return new ApiRequests.Type(custom.apiVersion(), custom.plural());
        }
        return isService(ref) ? new ApiRequests.Type("apps/v1", "deployments")
                : new ApiRequests.Type("batch/v1", "jobs");
    }
}
