package io.jenkins.plugins.functions.kubernetes;

import java.util.Map;

/**
 * A served or deployed function that {@link FunctionEngine#stopService} removed: enough for the
 * caller to find the run that started it and mark it stopped.
 *
 * @param namespace   where it ran
 * @param name        the Deployment's name
 * @param runId       the run that last served it (its run-id label)
 * @param annotations the Deployment's annotations (the Jenkins job and build that started it)
 */
public record StoppedService(String namespace, String name, String runId, Map<String, String> annotations) {

    public StoppedService {
        annotations = Map.copyOf(annotations == null ? Map.of() : annotations);
    }
}
