package io.jenkins.plugins.functions.jenkins.observability;

import hudson.model.Run;
import io.jenkins.plugins.functions.jenkins.config.FunctionRuntimesConfiguration;
import io.jenkins.plugins.functions.jenkins.config.RunSettings;
import io.jenkins.plugins.functions.observability.LinkTemplate;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The links of a run to its logs, traces and dashboards: the global configuration's templates
 * ({@link FunctionRuntimesConfiguration#getLinks()}) filled with the run's record. Computed when a
 * page or the REST API asks, from the record alone: no request to the cluster.
 */
public final class RunLinks {

    private static final Logger LOGGER = Logger.getLogger(RunLinks.class.getName());

    private static volatile Supplier<List<LinkTemplate>> templates = RunLinks::configured;

    private RunLinks() {
    }

    /** The links of a run recorded on {@code build} (null when the action is not attached yet). */
    public static List<LinkTemplate.Link> of(RunRecord record, Run<?, ?> build) {
        List<LinkTemplate> configured = templates.get();
        return configured.isEmpty() ? List.of() : LinkTemplate.expandAll(configured, values(record, build));
    }

    /** For tests: where the templates come from (null: the global configuration again). */
    public static void useTemplates(Supplier<List<LinkTemplate>> source) {
        templates = source == null ? RunLinks::configured : source;
    }

    private static List<LinkTemplate> configured() {
        try {
            FunctionRuntimesConfiguration config = FunctionRuntimesConfiguration.get();
            return config == null ? List.of() : RunSettings.of(config).linkTemplates();
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "no link templates: the configuration cannot be read", e);
            return List.of();
        }
    }

    /** The values of the placeholders ({@link LinkTemplate#PLACEHOLDERS}) for a run; unknown ones are left out. */
    static Map<String, String> values(RunRecord record, Run<?, ?> build) {
        Map<String, String> v = new HashMap<>();
        put(v, "namespace", record.getNamespace());
        List<String> pods = record.getPods();
        put(v, "pod", pods.isEmpty() ? null : pods.get(pods.size() - 1));
        List<RunRecord.ObjectRef> objects = record.getObjects();
        if (!objects.isEmpty()) {
            RunRecord.ObjectRef workload = objects.get(0); // a plan lists its workload first
            put(v, "workload", workload.getName());
            put(v, "kind", workload.getKind());
            if ("Job".equals(workload.getKind())) {
                put(v, "job", workload.getName());
            }
        }
        put(v, "runId", record.getRunId());
        put(v, "function", record.getFunctionName());
        put(v, "version", record.getFunctionVersion());
        put(v, "runtime", record.getRuntime());
        put(v, "action", record.getAction());
        RunState state = record.getState();
        put(v, "state", state == null ? null : state.name());
        Long start = record.timeOf(RunState.CREATED);
        Long end = state != null && state.isTerminal() ? record.timeOf(state) : null;
        if (start != null) {
            put(v, "start", Long.toString(start));
            put(v, "startIso", iso(start));
        }
        put(v, "end", end == null ? "now" : Long.toString(end));
        put(v, "endIso", iso(end == null ? System.currentTimeMillis() : end));
        put(v, "traceId", record.getTraceId());
        put(v, "spanId", record.getSpanId());
        if (build != null) {
            String id = build.getExternalizableId();
            int hash = id == null ? -1 : id.lastIndexOf('#');
            put(v, "jenkinsJob", hash < 0 ? id : id.substring(0, hash));
            put(v, "buildNumber", Integer.toString(build.getNumber()));
        }
        return v;
    }

    private static String iso(long millis) {
        return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static void put(Map<String, String> values, String key, String value) {
        if (value != null && !value.isEmpty()) {
            values.put(key, value);
        }
    }
}
