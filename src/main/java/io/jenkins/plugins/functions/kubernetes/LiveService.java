package io.jenkins.plugins.functions.kubernetes;

import io.jenkins.plugins.functions.runtime.WorkloadOutputs;
import java.util.Map;
import java.util.TreeMap;

/**
 * A served or deployed function found live in the cluster by the plugin's labels: what the
 * services page shows and stops. Immutable.
 *
 * @param namespace     its namespace
 * @param name          the workload's name (the function's name)
 * @param kind          the workload's kind: {@code Deployment}, or a custom workload's ({@code Model})
 * @param function      the function label
 * @param version       the version label: the version now served
 * @param runtime       the runtime label
 * @param action        {@code serve} or {@code deploy}
 * @param runId         the run that last served it (its run-id label), null if the label is missing
 * @param replicas      the replicas asked for (a KubeAI Model: its {@code minReplicas})
 * @param readyReplicas the replicas ready now
 * @param url           the endpoint: the workload's {@code url} output when its runtime wrote one (a
 *                      model server's API), else the in-cluster URL of its Service; null for
 *                      {@code deploy}
 * @param annotations   the workload's annotations: the Jenkins job, build URL and build id that
 *                      started it, and the outputs its runtime wrote
 */
public record LiveService(String namespace, String name, String kind, String function, String version,
        String runtime, String action, String runId, int replicas, int readyReplicas, String url,
        Map<String, String> annotations) {

    public LiveService {
        annotations = Map.copyOf(annotations == null ? Map.of() : annotations);
    }

    /**
     * The outputs the runtime wrote on the workload ({@code functions.jenkins.io/output.<key>}
     * annotations, see {@link WorkloadOutputs}), by key: a model's {@code url}, {@code model},
     * {@code modelUri}, {@code engine}, {@code image}, ...; empty for other services.
     */
    public Map<String, String> outputs() {
        Map<String, String> out = new TreeMap<>();
        annotations.forEach((k, v) -> {
            if (k.startsWith(WorkloadOutputs.PREFIX) && k.length() > WorkloadOutputs.PREFIX.length() && v != null) {
                out.put(k.substring(WorkloadOutputs.PREFIX.length()), v);
            }
        });
        return out;
    }
}
