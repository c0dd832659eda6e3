package io.jenkins.plugins.functions.jenkins.history;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * {@code actions} ({@code .../api/json?tree=actions[runId,function,state,exitCode,outputs]}).
 *
 * <p>Persisted: never rename or move this class; saved builds name it.
 */
@ExportedBean
public class FunctionRunAction implements RunAction2 {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunRecord record;
    private transient Run<?, ?> owner;

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
        return null; // the build page's summary lists runs; no sidebar link per run
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
    @Exported
    public String getSpec() {
        return record.getSpec();
    }

    @Exported
    public Map<String, Object> getParameters() {
        return parse(record.getParameters());
    }

    @Exported
    public Map<String, Object> getOutputs() {
        return parse(record.getOutputs());
    }

    /** The Kubernetes objects as {@code Kind namespace/name}. */
    @Exported
    public List<String> getObjects() {
        List<String> out = new ArrayList<>();
        record.getObjects().forEach(o -> out.add(o.toString()));
        return out;
    }

    @Exported
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
