package io.jenkins.plugins.functions.jenkins.history;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.model.Api;
import hudson.model.Run;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jenkins.model.RunAction2;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * One run of a function, recorded on the build that started it. A build that runs several
 * functions carries several of these. Persisted in {@code build.xml} (the {@link RunRecord}
 * holds only strings, numbers and enums) and exported to the REST API as an entry of the build's
 * {@code actions} ({@code .../api/json?tree=actions[runId,function,state,exitCode,outputs]}), and on
 * its own page ({@code .../function-run-<id>/api/json}). The identity and outcome of a run are
 * visible at depth 0 of the build's API (visibility 2, like Jenkins' own parameters and causes);
 * the heavier fields (spec, parameters, outputs, objects, transitions, trigger) at depth 1 or
 * with {@code tree=}. Field names are stable: see {@code docs/rest-api.md}.
 *
 * <p>Persisted: never rename or move this class; saved builds name it.
 */
@ExportedBean(defaultVisibility = 2)
public class FunctionRunAction implements RunAction2 {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunRecord record;
    private transient Run<?, ?> owner;
    /** What started the build; null for runs recorded before the plugin kept it. */
    private volatile BuildTrigger trigger;
    /** The build log's size in bytes when the run started: where its lines begin; null if unknown. */
    private volatile Long logOffset;
    /** The outputs were too long for build.xml and are in {@link RunFiles}. */
    private volatile boolean outputsInFile;

    public FunctionRunAction(RunRecord record) {
        this.record = record;
    }

    /** The runs recorded on a build, in the order they started. */
    public static List<FunctionRunAction> of(Run<?, ?> build) {
        return build.getActions(FunctionRunAction.class);
    }

    /**
     * Ends a run recorded on a build (a served function stopped or replaced, maybe from another
     * build): its record moves to STOPPED with the reason, keeping its outputs, and the build is
     * saved. Nothing happens if the run is not on that build or not RUNNING.
     *
     * @return whether a record was changed
     */
    public static boolean stopRecorded(Run<?, ?> owner, String runId, String reason, String message) {
        if (owner == null || runId == null) {
            return false;
        }
        for (FunctionRunAction action : of(owner)) {
            RunRecord record = action.getRecord();
            if (runId.equals(record.getRunId()) && record.getState() == RunState.RUNNING) {
                record.finish(RunOutcome.stopped(reason, message), record.getOutputs());
                try {
                    owner.save();
                } catch (java.io.IOException e) {
                    // kept in memory; saved with the build's next save
                }
                return true;
            }
        }
        return false;
    }

    public RunRecord getRecord() {
        return record;
    }

    public Run<?, ?> getOwner() {
        return owner;
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.owner = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.owner = r;
    }

    @Override
    public String getIconFileName() {
        // The build page's summary lists runs and links to each page (bound by getUrlName):
        // no sidebar link per run, a build may have dozens.
        return null;
    }

    @Override
    public String getDisplayName() {
        return "Function run " + record.getFunctionName() + " (" + record.getRunId() + ")";
    }

    @Override
    public String getUrlName() {
        return "function-run-" + record.getRunId();
    }

    @Exported
    public String getRunId() {
        return record.getRunId();
    }

    @Exported
    public String getFunction() {
        return record.getFunctionName();
    }

    @Exported
    public String getVersion() {
        return record.getFunctionVersion();
    }

    @Exported
    public String getRuntime() {
        return record.getRuntime();
    }

    @Exported
    public String getAction() {
        return record.getAction();
    }

    @Exported
    public String getNamespace() {
        return record.getNamespace();
    }

    @Exported
    public String getState() {
        RunState state = record.getState();
        return state == null ? null : state.name();
    }

    @Exported
    public Integer getExitCode() {
        return record.getExitCode();
    }

    @Exported
    public String getReason() {
        return record.getReason();
    }

    @Exported
    public String getMessage() {
        return record.getMessage();
    }

    /** The function spec (canonical JSON). */
    @Exported(visibility = 3)
    public String getSpec() {
        return record.getSpec();
    }

    @Exported(visibility = 3)
    public Map<String, Object> getParameters() {
        return parse(record.getParameters());
    }

    @Exported(visibility = 3)
    public Map<String, Object> getOutputs() {
        String inline = record.getOutputs();
        if (inline == null && outputsInFile && owner != null) {
            return parse(files().readOutputs(record.getRunId()));
        }
        return parse(inline);
    }

    /** The Kubernetes objects as {@code Kind namespace/name}. */
    @Exported(visibility = 3)
    public List<String> getObjects() {
        List<String> out = new ArrayList<>();
        record.getObjects().forEach(o -> out.add(o.toString()));
        return out;
    }

    @Exported(visibility = 3)
    public List<StateTransition> getTransitions() {
        List<StateTransition> out = new ArrayList<>();
        record.getTransitions().forEach(t -> out.add(new StateTransition(t)));
        return out;
    }

    /** The exported view of one state transition. */
    @ExportedBean(defaultVisibility = 2)
    public static final class StateTransition {
        private final RunRecord.Transition transition;

        StateTransition(RunRecord.Transition transition) {
            this.transition = transition;
        }

        @Exported
        public String getState() {
            return transition.getState().name();
        }

        /** Epoch milliseconds. */
        @Exported
        public long getTime() {
            return transition.getTime();
        }

        @Exported
        public String getDetail() {
            return transition.getDetail();
        }
    }

    // ------------------------------------------------------------------ run history (issue 4)

    /** Records what started the build and where the run's lines begin in the build log. */
    public void recordStart(BuildTrigger buildTrigger, Long logStart) {
        this.trigger = buildTrigger;
        this.logOffset = logStart;
    }

    /** The outputs JSON to keep in the record: long outputs go to a file beside the build. */
    public String keepOutputs(String outputsJson) {
        if (owner == null) {
            return outputsJson;
        }
        String kept = files().keepOutputs(record.getRunId(), outputsJson);
        outputsInFile = kept == null && outputsJson != null;
        return kept;
    }

    RunFiles files() {
        return new RunFiles(owner.getRootDir().toPath());
    }

    /** What started the build: user, SCM change, upstream build, timer, GitLab webhook, ... */
    @Exported(visibility = 3)
    public BuildTrigger getTrigger() {
        return trigger;
    }

    /** The build log's size in bytes when the run started, null if unknown. */
    @Exported
    public Long getLogOffset() {
        return logOffset;
    }

    /**
     * The build log from where this run's lines begin, relative to the Jenkins root URL
     * ({@code job/app/12/logText/progressiveText?start=48213}), else the build's console.
     */
    @Exported
    public String getLogUrl() {
        if (owner == null) {
            return null;
        }
        return logOffset == null ? owner.getUrl() + "console"
                : owner.getUrl() + "logText/progressiveText?start=" + logOffset;
    }

    /** This run's page, relative to the Jenkins root URL ({@code job/app/12/function-run-k3x9q2m7ab/}). */
    @Exported
    public String getUrl() {
        return owner == null ? null : owner.getUrl() + getUrlName() + "/";
    }

    /** The build's number, null when the action is not attached to a build. */
    @Exported
    public Integer getBuildNumber() {
        return owner == null ? null : owner.getNumber();
    }

    /** The build's URL relative to the Jenkins root URL ({@code job/app/12/}). */
    @Exported
    public String getBuildUrl() {
        return owner == null ? null : owner.getUrl();
    }

    /** The Kubernetes objects of the run, kind, namespace and name apart. */
    @Exported(name = "kubernetesObjects", visibility = 3)
    public List<KubernetesObject> getKubernetesObjects() {
        List<KubernetesObject> out = new ArrayList<>();
        record.getObjects().forEach(o -> out.add(new KubernetesObject(o)));
        return out;
    }

    /** A service's URL (the {@code url} output of {@code serve}), else null. */
    @Exported
    public String getServiceUrl() {
        Object url = getOutputs().get("url");
        return url == null ? null : url.toString();
    }

    /** An image build's digest (the {@code imageDigest} or {@code digest} output), else null. */
    @Exported
    public String getImageDigest() {
        Map<String, Object> outputs = getOutputs();
        Object digest = outputs.containsKey("imageDigest") ? outputs.get("imageDigest") : outputs.get("digest");
        return digest == null ? null : digest.toString();
    }

    /** The rendered Kubernetes objects (YAML, Secrets' values redacted), read from the build directory. */
    public String getManifests() {
        return owner == null ? null : files().readManifests(record.getRunId());
    }

    /** The REST API of this run: {@code .../function-run-<id>/api/json}. */
    public Api getApi() {
        return new Api(this);
    }

    /** A time of the record (epoch milliseconds) for pages: ISO-8601, UTC. */
    public static String formatTime(long epochMillis) {
        return java.time.Instant.ofEpochMilli(epochMillis).truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
    }

    /** The exported view of one Kubernetes object of the run. */
    @ExportedBean(defaultVisibility = 2)
    public static final class KubernetesObject {
        private final RunRecord.ObjectRef ref;

        KubernetesObject(RunRecord.ObjectRef ref) {
            this.ref = ref;
        }

        @Exported
        public String getKind() {
            return ref.getKind();
        }

        @Exported
        public String getNamespace() {
            return ref.getNamespace();
        }

        @Exported
        public String getName() {
            return ref.getName();
        }
    }

    // ------------------------------------------------------------------ observability (issue 12)

    /** The trace the run's workload continued (from the step's TRACEPARENT), else null. */
    @Exported
    public String getTraceId() {
        return record.getTraceId();
    }

    /** The span id the run's workload got as its parent (the run's span in that trace), else null. */
    @Exported
    public String getSpanId() {
        return record.getSpanId();
    }

    /** The run's pod's requests as planned, by resource ({@code cpu}, {@code memory}, {@code nvidia.com/gpu}, ...). */
    @Exported(visibility = 3)
    public Map<String, String> getResourceRequests() {
        return record.getResourceRequests();
    }

    /** The run's pod's limits as planned, by resource. */
    @Exported(visibility = 3)
    public Map<String, String> getResourceLimits() {
        return record.getResourceLimits();
    }

    /** The run's pods, in the order they were seen. */
    @Exported(visibility = 3)
    public List<String> getPods() {
        return record.getPods();
    }

    /** What the run's pods used, sampled from metrics.k8s.io; null when usage was not sampled. */
    @Exported(visibility = 3)
    public ResourceUsageView getUsage() {
        return record.getUsageSamples() == null ? null : new ResourceUsageView(record);
    }

    /** The links of the global configuration to the run's logs, traces and dashboards; none when none are configured. */
    @Exported(visibility = 3)
    public List<RunLinkView> getLinks() {
        List<RunLinkView> out = new ArrayList<>();
        io.jenkins.plugins.functions.jenkins.observability.RunLinks.of(record, owner)
                .forEach(l -> out.add(new RunLinkView(l.name(), l.url())));
        return out;
    }

    private static Map<String, Object> parse(String json) {
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (java.io.IOException e) {
            return Map.of("raw", json);
        }
    }
}
