package io.jenkins.plugins.functions.kubernetes;

import java.util.Map;

/**
 * A served or deployed function found live in the cluster by the plugin's labels: what the
 * services page shows and stops. Immutable.
 *
 * @param namespace     its namespace
 * @param name          the Deployment's name (the function's name)
 * @param function      the function label
 * @param version       the version label: the version now served
 * @param runtime       the runtime label
 * @param action        {@code serve} or {@code deploy}
 * @param runId         the run that last served it (its run-id label), null if the label is missing
 * @param replicas      the replicas asked for
 * @param readyReplicas the replicas ready now
 * @param url           the in-cluster URL of its Service, null for {@code deploy}
 * @param annotations   the Deployment's annotations: the Jenkins job, build URL and build id that started it
 */
public record LiveService(String namespace, String name, String function, String version, String runtime,
        String action, String runId, int replicas, int readyReplicas, String url, Map<String, String> annotations) {

    public LiveService {
        annotations = Map.copyOf(annotations == null ? Map.of() : annotations);
    }
}
