package io.jenkins.plugins.functions.jenkins.runs;

import hudson.AbortException;
import hudson.model.Run;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.history.BuildRuns;
import io.jenkins.plugins.functions.kubernetes.StoppedService;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.spec.Names;
import io.jenkins.plugins.functions.spec.SpecException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Stopping a served or deployed function, as {@code stopFunction} and the freestyle "Stop
 * function" builder do it: the name and namespace are checked (and the namespace policy) before
 * anything is sent, the Deployment is deleted on the engine's pool, and the runs that served it,
 * on whatever build, move to STOPPED.
 */
public final class ServiceStop {

    private ServiceStop() {
    }

    /**
     * Starts stopping; the future completes with one entry per stopped Deployment ({@code name},
     * {@code namespace}, {@code runId}, {@code build}), empty when nothing of that name was served.
     *
     * @param caller    for messages: {@code stopFunction}, {@code Stop function}
     * @param namespace the namespace asked for, or null for the default
     * @throws AbortException when the name or namespace is refused: nothing was sent
     */
    public static CompletableFuture<List<Map<String, Object>>> start(String caller, String name, String namespace,
                                                                     Run<?, ?> build, PrintStream log)
            throws IOException {
        if (name == null || !Names.isDns1123Label(name)) {
            throw new AbortException(new SpecException(caller, "name", name, Names.DNS_1123_LABEL_RULE).getMessage());
        }
        if (namespace != null && !Names.isDns1123Label(namespace)) {
            throw new AbortException(
                    new SpecException(caller, "namespace", namespace, Names.DNS_1123_LABEL_RULE).getMessage());
        }
        Clusters.Target target = Clusters.forBuild(build);
        String ns = namespace != null ? namespace : target.defaultNamespace();
        try {
            target.namespaces().check(ns); // the same namespaces runs may use
        } catch (SpecException e) {
            throw new AbortException(e.withOrigin(caller).getMessage());
        }
        CompletableFuture<List<Map<String, Object>>> result = new CompletableFuture<>();
        target.engine().stopService(ns, name).whenComplete((stopped, error) -> {
            if (error != null) {
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                result.completeExceptionally(new AbortException(caller + ": could not stop " + name + " in " + ns
                        + ": " + cause.getMessage()));
                return;
            }
            List<Map<String, Object>> entries = new ArrayList<>();
            if (stopped.isEmpty()) {
                log.println(BuildRun.PREFIX + "Nothing named " + name + " is served in namespace " + ns);
            }
            for (StoppedService s : stopped) {
                String by = s.annotations().get(RunLabels.JENKINS_BUILD_ID_ANNOTATION);
                log.println(BuildRun.PREFIX + "Stopped " + s.namespace() + "/" + s.name()
                        + (by == null ? "" : " (served by " + by + ")"));
                BuildRuns.stop(target.build(by), s.runId(), "Stopped",
                        "stopped by " + build.getExternalizableId());
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", s.name());
                entry.put("namespace", s.namespace());
                entry.put("runId", s.runId());
                entry.put("build", by);
                entries.add(entry);
            }
            result.complete(entries);
        });
        return result;
    }
}
