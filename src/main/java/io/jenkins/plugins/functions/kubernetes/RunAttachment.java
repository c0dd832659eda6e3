package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.RunLabels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Re-attaching to a run started before a controller restart ({@link FunctionEngine#attach}): the
 * run that resumes it, and the look-ups in the cluster a resumed run needs that the informers do
 * not give: a service's URL, and, once the informers' first lists are replayed, whether the
 * workload is still this run's and, when its create was not confirmed, whether the create was cut
 * short. Blocking calls: the engine runs them on its worker pool.
 */
final class RunAttachment {

    private static final Logger LOGGER = Logger.getLogger(RunAttachment.class.getName());

    private final KubernetesClient client;

    RunAttachment(KubernetesClient client) {
        this.client = client;
    }

    /**
     * The run that resumes {@code ref}, in state READY: a job's log resumes after {@code cursor},
     * a service or a custom resource waits {@code readyTimeout} for readiness (null: its default).
     */
    static ActiveRun resumedRun(FunctionEngine engine, RunRef ref, LogCursor cursor, RunListener listener,
                                Duration readyTimeout) {
        CustomWorkload custom = Workloads.customWorkload(ref);
        if (custom != null) {
            return new CustomResourceRun(engine, ref, listener, custom,
                    readyTimeout == null ? custom.readyTimeout() : readyTimeout, RunState.READY);
        }
        if (Workloads.isService(ref)) {
            return new ServiceRun(engine, ref, listener,
                    readyTimeout == null ? Workloads.DEFAULT_READY_TIMEOUT : readyTimeout, null, RunState.READY);
        }
        return new JobRun(engine, ref, cursor == null ? LogCursor.START : cursor, listener, RunState.READY);
    }

    /**
     * The informers' first lists have been replayed: if this run's workload was not in them, asks
     * once (a service's Deployment of that name may be another run's version). A workload that is
     * not there (or not this run's) loses the run; one whose create was not confirmed must have
     * the plan's other {@code objects} too.
     */
    void checkWorkload(ActiveRun run, boolean createConfirmed, List<RunRecord.ObjectRef> objects) {
        RunRef ref = run.ref();
        HasMetadata current = Workloads.resource(client, ref).get();
        if (!isThisRuns(current, ref)) {
            if (!createConfirmed && "Job".equals(ref.kind())) {
                forgetLateCreate(ref);
            }
            run.lostIfUnseen(createConfirmed);
        } else if (!createConfirmed) {
            incompleteIfMissing(run, current, objects);
        }
    }

    /**
     * A resumed run whose create was not confirmed: the plan's other objects (Service, ConfigMap,
     * Secret) must be there too, else the restart cut the create short.
     */
    private void incompleteIfMissing(ActiveRun run, HasMetadata current, List<RunRecord.ObjectRef> objects) {
        RunRef ref = run.ref();
        List<String> missing = new ArrayList<>();
        for (RunRecord.ObjectRef o : objects) {
            if (o.getName().equals(ref.name()) && o.getKind().equals(ref.kind())) {
                continue;
            }
            Resource<? extends HasMetadata> r = switch (o.getKind()) {
                case "Service" -> client.services().inNamespace(o.getNamespace()).withName(o.getName());
                case "ConfigMap" -> client.configMaps().inNamespace(o.getNamespace()).withName(o.getName());
                case "Secret" -> client.secrets().inNamespace(o.getNamespace()).withName(o.getName());
                default -> null;
            };
            if (r != null && r.get() == null) {
                missing.add(o.toString());
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        // A Job is this run's alone; a Deployment at its first generation was created by it (a roll
        // forward updates one that served before, and that one keeps serving).
        boolean ours = "Job".equals(ref.kind()) || current.getMetadata().getGeneration() != null
                && current.getMetadata().getGeneration() == 1L;
        // Ended first: the deletion below must not be told as someone deleting the run's workload.
        run.createFailed("Incomplete", "Jenkins stopped while the run's objects were being created: "
                + String.join(", ", missing) + " missing; " + (ours ? ref + " was deleted, the function did not run"
                : ref + " is left as it was"));
        if (ours) {
            forgetLateCreate(ref);
        }
    }

    private static boolean isThisRuns(HasMetadata workload, RunRef ref) {
        if (workload == null) {
            return false;
        }
        Map<String, String> labels = workload.getMetadata().getLabels();
        return labels != null && ref.runId().equals(labels.get(RunLabels.RUN_ID));
    }

    /**
     * A Job whose create was under way when the controller stopped and that is not there now:
     * its name is this run's own, so deleting it undoes a create that still lands, instead of
     * leaving a Job nobody follows until the orphan sweeper's next pass.
     */
    private void forgetLateCreate(RunRef ref) {
        try {
            Workloads.resource(client, ref).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "could not delete " + ref + " after it was not found", e);
        }
    }

    /** The URL of a service's Service (same name as its Deployment), or null when it has none. */
    String serviceUrl(RunRef ref) {
        if (!Workloads.isService(ref)) {
            return null;
        }
        try {
            Service service = client.services().inNamespace(ref.namespace()).withName(ref.name()).get();
            return service == null ? null : ServiceRun.urlOf(List.of(service), ref.namespace());
        } catch (KubernetesClientException e) {
            return null;
        }
    }
}
