package io.jenkins.plugins.functions.jenkins.history;

import hudson.model.Api;
import hudson.model.Run;
import io.jenkins.plugins.functions.jenkins.Messages;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jenkins.model.RunAction2;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * One run of a function, recorded on the build that started it. A build that runs several
 * functions carries several of these. Exported to the REST API as an entry of the build's
 * {@code actions} ({@code .../api/json?tree=actions[runId,function,state,exitCode,outputs]}), and on
 * its own page ({@code .../function-run-<id>/api/json}). The identity and outcome of a run are
 * visible at depth 0 of the build's API (visibility 2, like Jenkins' own parameters and causes);
 * the heavier fields (spec, parameters, outputs, objects, transitions, trigger) at depth 1 or
 * with {@code tree=}. Field names are stable: see {@code docs/rest-api.md}.
 *
 * <p>What is persisted where, as the junit plugin keeps test results beside {@code build.xml}: the
 * action itself, in {@code build.xml}, holds only the run's {@link RunSummary} (what lists and
 * filters need, a few hundred bytes); the whole {@link RunRecord} is in the run's own file beside
 * the build ({@link RunFiles}), rewritten at each change of state and read back lazily (kept
 * softly in memory, {@link RecordKeeper}). Builds of earlier versions kept the whole record here
 * (field {@code record}): they load and show the same. The views the page and the REST API show
 * of it ({@link StateTransition}, {@link ArtifactView}, ...) are made on each call, never stored.
 *
 * <p>Persisted: never rename or move this class; saved builds name it.
 */
@ExportedBean(defaultVisibility = 2)
public class FunctionRunAction implements RunAction2 {

    /** The run's summary (this version on); null in builds of earlier versions. */
    private volatile RunSummary summary;
    /** The whole record, in builds of earlier versions only; null from this version on. */
    private volatile RunRecord record;
    /** What started the build, in builds of earlier versions only (now in the record file). */
    private volatile BuildTrigger trigger;
    /** The build log's size in bytes when the run started: where its lines begin; null if unknown. */
    private volatile Long logOffset;
    /** Earlier versions: the outputs were too long for build.xml and are in {@link RunFiles}. */
    private volatile boolean outputsInFile;

    private transient Run<?, ?> owner;
    /** The whole record in memory: live while the run goes, else read back from its file; see {@link #keeper()}. */
    private transient volatile RecordKeeper keeper;

    /** A new run, under way: its record is kept in memory until it ends, and in its file. */
    public FunctionRunAction(RunRecord record) {
        this.keeper = new RecordKeeper(new StoredRun(record, null));
        this.summary = RunSummary.of(record, Map.of());
    }

    /** The record keeper; XStream leaves transient fields null, so a loaded action gets an empty one. */
    private RecordKeeper keeper() {
        RecordKeeper k = keeper;
        if (k == null) {
            synchronized (this) {
                if (keeper == null) {
                    keeper = new RecordKeeper(null);
                }
                k = keeper;
            }
        }
        return k;
    }

    /** The runs recorded on a build, in the order they started. */
    public static List<FunctionRunAction> of(Run<?, ?> build) {
        return build.getActions(FunctionRunAction.class);
    }

    /**
     * The run's whole record: the live one while the run goes, else read from its file (or, for
     * builds of earlier versions, from build.xml). When the file is gone, a record rebuilt from
     * the summary.
     */
    public RunRecord getRecord() {
        RunRecord legacy = record;
        if (legacy != null) {
            return legacy;
        }
        return keeper().record(owner, summary);
    }

    private StoredRun stored() {
        return keeper().stored(owner, summary);
    }

    /**
     * The record changed (a transition, the outcome): the summary follows, and the record's
     * file is written. Called on the run's own thread, never the engine's.
     *
     * @return the bytes written, -1 when the file could not be written
     */
    public long recordChanged() {
        RunRecord r = getRecord();
        summary = RunSummary.of(r, parse(r.getOutputs()));
        if (owner == null || record != null) {
            return 0;
        }
        return keeper().write(owner, summary, r);
    }

    /** The run is over: its record now lives in its file, kept softly in memory. */
    public void released() {
        keeper().released();
    }

    /**
     * A run found in its file beside the build but missing from build.xml (the controller died
     * before the build was saved with it): attached again, its record the file's.
     */
    public static FunctionRunAction recovered(Run<?, ?> build, StoredRun stored) {
        FunctionRunAction action = new FunctionRunAction(stored.record());
        action.keeper = new RecordKeeper(stored);
        if (stored.record().isFinished()) {
            action.released();
        }
        action.summary = RunSummary.of(stored.record(), parse(stored.record().getOutputs()));
        action.logOffset = stored.logOffset();
        action.owner = build;
        return action;
    }

    /**
     * This run's summary: of its live record while it goes (always up to date), else as build.xml
     * keeps it; null for runs of earlier versions.
     */
    public RunSummary getSummary() {
        return summary();
    }

    private RunSummary summary() {
        RunSummary live = keeper().liveSummary();
        return live != null ? live : summary;
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
        RunSummary s = summary;
        if (s != null && !s.finished()) {
            // build.xml was saved while the run went: its file knows how far it got
            StoredRun stored = stored();
            if (stored != null) {
                RunRecord rec = stored.record();
                summary = RunSummary.of(rec, parse(rec.getOutputs()));
            }
        }
        RunRecovery.onLoad(r, this);
    }

    @Override
    public String getIconFileName() {
        // The build page's summary lists runs and links to each page (bound by getUrlName):
        // no sidebar link per run, a build may have dozens.
        return null;
    }

    @Override
    public String getDisplayName() {
        return Messages.FunctionRunAction_DisplayName(getFunction(), getRunId());
    }

    @Override
    public String getUrlName() {
        return "function-run-" + getRunId();
    }

    @Exported
    public String getRunId() {
        RunSummary s = summary();
        return s != null ? s.runId() : record.getRunId();
    }

    @Exported
    public String getFunction() {
        RunSummary s = summary();
        return s != null ? s.function() : record.getFunctionName();
    }

    @Exported
    public String getVersion() {
        RunSummary s = summary();
        return s != null ? s.version() : record.getFunctionVersion();
    }

    @Exported
    public String getRuntime() {
        RunSummary s = summary();
        return s != null ? s.runtime() : record.getRuntime();
    }

    @Exported
    public String getAction() {
        RunSummary s = summary();
        return s != null ? s.action() : record.getAction();
    }

    @Exported
    public String getNamespace() {
        RunSummary s = summary();
        return s != null ? s.namespace() : record.getNamespace();
    }

    @Exported
    public String getState() {
        RunSummary s = summary();
        RunState state = s != null ? s.state() : record.getState();
        return state == null ? null : state.name();
    }

    @Exported
    public Integer getExitCode() {
        RunSummary s = summary();
        return s != null ? s.exitCode() : record.getExitCode();
    }

    @Exported
    public String getReason() {
        RunSummary s = summary();
        return s != null ? s.reason() : record.getReason();
    }

    @Exported
    public String getMessage() {
        RunSummary s = summary();
        if (s != null && (s.message() == null || s.message().length() <= RunSummary.MAX_MESSAGE)) {
            return s.message();
        }
        return getRecord().getMessage();
    }

    /** The function spec (canonical JSON). */
    @Exported(visibility = 3)
    public String getSpec() {
        return getRecord().getSpec();
    }

    @Exported(visibility = 3)
    public Map<String, Object> getParameters() {
        return parse(getRecord().getParameters());
    }

    @Exported(visibility = 3)
    public Map<String, Object> getOutputs() {
        RunRecord r = getRecord();
        String inline = r.getOutputs();
        if (inline == null && outputsInFile && owner != null) {
            return parse(files().readOutputs(r.getRunId()));
        }
        return parse(inline);
    }

    /** The Kubernetes objects as {@code Kind namespace/name}. */
    @Exported(visibility = 3)
    public List<String> getObjects() {
        List<String> out = new ArrayList<>();
        getRecord().getObjects().forEach(o -> out.add(o.toString()));
        return out;
    }

    @Exported(visibility = 3)
    public List<StateTransition> getTransitions() {
        return StateTransition.of(getRecord());
    }

    // ------------------------------------------------------------------ run history (issue 4)

    /** Records what started the build and where the run's lines begin in the build log. */
    public void recordStart(BuildTrigger buildTrigger, Long logStart) {
        if (!keeper().started(buildTrigger, logStart)) {
            this.trigger = buildTrigger;
        }
        this.logOffset = logStart;
    }

    RunFiles files() {
        return RecordKeeper.files(owner);
    }

    /** What started the build: user, SCM change, upstream build, timer, GitLab webhook, ... */
    @Exported(visibility = 3)
    public BuildTrigger getTrigger() {
        BuildTrigger legacy = trigger;
        if (legacy != null || record != null) {
            return legacy;
        }
        StoredRun s = stored();
        return s == null ? null : s.trigger();
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
        return KubernetesObject.of(getRecord());
    }

    /** A service's URL (the {@code url} output of {@code serve}), else null. */
    @Exported
    public String getServiceUrl() {
        RunSummary s = summary();
        if (s != null) {
            return s.serviceUrl();
        }
        Object url = getOutputs().get("url");
        return url == null ? null : url.toString();
    }

    /** An image build's digest (the {@code imageDigest} or {@code digest} output), else null. */
    @Exported
    public String getImageDigest() {
        RunSummary s = summary();
        if (s != null) {
            return s.imageDigest();
        }
        Map<String, Object> outputs = getOutputs();
        Object digest = outputs.containsKey("imageDigest") ? outputs.get("imageDigest") : outputs.get("digest");
        return digest == null ? null : digest.toString();
    }

    /** The rendered Kubernetes objects (YAML, Secrets' values redacted), read from the build directory. */
    public String getManifests() {
        return owner == null ? null : files().readManifests(getRunId());
    }

    /** The REST API of this run: {@code .../function-run-<id>/api/json}. */
    public Api getApi() {
        return new Api(this);
    }

    /** A time of the record (epoch milliseconds) for pages: ISO-8601, UTC. */
    public static String formatTime(long epochMillis) {
        return java.time.Instant.ofEpochMilli(epochMillis).truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
    }

    // ------------------------------------------------------------------ observability (issue 12)

    /** The trace the run's workload continued (from the step's TRACEPARENT), else null. */
    @Exported
    public String getTraceId() {
        return getRecord().getTraceId();
    }

    /** The span id the run's workload got as its parent (the run's span in that trace), else null. */
    @Exported
    public String getSpanId() {
        return getRecord().getSpanId();
    }

    /** The run's pod's requests as planned, by resource ({@code cpu}, {@code memory}, {@code nvidia.com/gpu}, ...). */
    @Exported(visibility = 3)
    public Map<String, String> getResourceRequests() {
        return getRecord().getResourceRequests();
    }

    /** The run's pod's limits as planned, by resource. */
    @Exported(visibility = 3)
    public Map<String, String> getResourceLimits() {
        return getRecord().getResourceLimits();
    }

    /** The run's pods, in the order they were seen. */
    @Exported(visibility = 3)
    public List<String> getPods() {
        return getRecord().getPods();
    }

    /** What the run's pods used, sampled from metrics.k8s.io; null when usage was not sampled. */
    @Exported(visibility = 3)
    public ResourceUsageView getUsage() {
        return getRecord().getUsageSamples() == null ? null : new ResourceUsageView(getRecord());
    }

    /** The links of the global configuration to the run's logs, traces and dashboards; none when none are configured. */
    @Exported(visibility = 3)
    public List<RunLinkView> getLinks() {
        return RunLinkView.of(getRecord(), owner);
    }

    // ------------------------------------------------------------------ pages read at a glance (issue 11)

    /** This run as the tables show it (status icon, duration, main outputs), for its own page. */
    public RunRow getRow() {
        return RunRow.of(this, System.currentTimeMillis());
    }

    private static Map<String, Object> parse(String json) {
        return RecordKeeper.parse(json);
    }

    // ---- artifacts and inputs (docs/artifacts.md) -------------------------------------------------

    /**
     * The artifacts the run stored: name, {@code s3://} URI, size, SHA-256, media type, and a
     * download link signed for this view (or why there is none). Jenkins shows this page and API
     * only to users who may read the job; the links are made here and never stored.
     */
    @Exported(visibility = 3)
    public List<ArtifactView> getArtifacts() {
        return ArtifactViews.of(owner, getRecord());
    }

    /** Why some of these artifacts have no download link, each reason once, for the page. */
    public Set<String> downloadNotes(List<ArtifactView> artifacts) {
        return ArtifactViews.downloadNotes(artifacts);
    }

    /** How long the links of these artifacts are valid, in minutes; null when none has a link. */
    public Long linkMinutes(List<ArtifactView> artifacts) {
        return ArtifactViews.linkMinutes(artifacts);
    }

    /** The inputs the run took, each with the run of this build that produced it (when one did). */
    @Exported(visibility = 3)
    public List<InputView> getInputs() {
        return InputView.of(getRecord());
    }
}
