package io.jenkins.plugins.functions.jenkins.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.model.Run;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.run.RunRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run as the tables of the build page and of the job's Function runs page show it: its status
 * icon, the function, runtime and action, how long it took, its main outputs, and where to read
 * more. Made from a {@link FunctionRunAction} at a given time (a run that has not ended has lasted
 * until then). Immutable; everything a row shows is bounded in length.
 */
public final class RunRow {

    /** Outputs a row shows; the run's page has them all. */
    static final int MAX_OUTPUTS = 3;
    /** Longest output value a row shows. */
    static final int MAX_OUTPUT_VALUE = 60;
    /** Longest message a row shows. */
    static final int MAX_MESSAGE = 200;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The outputs that say most about a run of each action, shown first. */
    private static final Map<String, List<String>> FIRST_OUTPUTS = Map.of(
            ActionKind.SERVE.id(), List.of("url", "model"),
            ActionKind.DEPLOY.id(), List.of("deployment", "readyReplicas"),
            ActionKind.BUILD.id(), List.of("image", "digest"));

    private final FunctionRunAction run;
    private final RunStatus status;
    private final Long durationMillis;
    private final List<Output> outputs;
    private final int moreOutputs;

    private RunRow(FunctionRunAction run, RunStatus status, Long durationMillis, List<Output> outputs,
            int moreOutputs) {
        this.run = run;
        this.status = status;
        this.durationMillis = durationMillis;
        this.outputs = List.copyOf(outputs);
        this.moreOutputs = moreOutputs;
    }

    /**
     * The row of a run.
     *
     * @param now epoch milliseconds: the end of a run that has not ended
     */
    public static RunRow of(FunctionRunAction run, long now) {
        Run<?, ?> build = run.getOwner();
        RunSummary summary = run.getSummary();
        // build.xml's summary has state and times; only runs of earlier versions need their record
        RunRecord record = summary == null ? run.getRecord() : null;
        RunStatus status = RunStatus.of(summary != null ? summary.state() : record.getState(), run.getReason(),
                build == null || build.isBuilding());
        Map<String, Object> all = run.getOutputs();
        List<Output> shown = new ArrayList<>();
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (String key : FIRST_OUTPUTS.getOrDefault(run.getAction(), List.of())) {
            if (all.containsKey(key)) {
                ordered.put(key, all.get(key));
            }
        }
        all.forEach(ordered::putIfAbsent);
        for (Map.Entry<String, Object> e : ordered.entrySet()) {
            if (shown.size() == MAX_OUTPUTS) {
                break;
            }
            shown.add(new Output(e.getKey(), cut(text(e.getValue()), MAX_OUTPUT_VALUE)));
        }
        Long duration = summary != null ? duration(summary, status, now) : duration(record, status, now);
        return new RunRow(run, status, duration, shown, ordered.size() - shown.size());
    }

    /**
     * How long the step took: from the run's creation to its result (a service: until its rollout
     * was available), or until now for a run still going; null when it is not known (a run
     * recorded before results kept their time, that has not ended).
     */
    static Long duration(RunSummary summary, RunStatus status, long now) {
        Long end = summary.finishedAt();
        if (end == null) {
            end = status == RunStatus.IN_PROGRESS ? Long.valueOf(now) : null;
        }
        return end == null ? null : Math.max(0, end - summary.createdAt());
    }

    /** As {@link #duration(RunSummary, RunStatus, long)}, from a whole record (runs of earlier versions). */
    static Long duration(RunRecord record, RunStatus status, long now) {
        List<RunRecord.Transition> transitions = record.getTransitions();
        if (transitions.isEmpty()) {
            return null;
        }
        long start = transitions.get(0).getTime();
        Long end = record.getFinishedAt();
        if (end == null && record.getState() != null && record.getState().isTerminal()) {
            end = transitions.get(transitions.size() - 1).getTime(); // recorded before finishedAt was kept
        }
        if (end == null) {
            end = status == RunStatus.IN_PROGRESS ? Long.valueOf(now) : null;
        }
        return end == null ? null : Math.max(0, end - start);
    }

    /** A duration for people: {@code 450 ms}, {@code 8.2 s}, {@code 1 min 3 s}, {@code 2 h 5 min}. */
    public static String formatDuration(long millis) {
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 10_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = Math.round(millis / 1000.0);
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
        }
        long minutes = Math.round(seconds / 60.0);
        return minutes / 60 + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
    }

    public FunctionRunAction getRun() {
        return run;
    }

    public String getRunId() {
        return run.getRunId();
    }

    public String getFunction() {
        return run.getFunction();
    }

    public String getVersion() {
        return run.getVersion();
    }

    /** Runtime and action, {@code container job}; the action alone while the runtime is not known yet. */
    public String getKind() {
        String runtime = run.getRuntime();
        return runtime == null ? run.getAction() : runtime + " " + run.getAction();
    }

    public RunStatus getStatus() {
        return status;
    }

    public String getState() {
        return run.getState();
    }

    public String getReason() {
        return run.getReason();
    }

    public Integer getExitCode() {
        return run.getExitCode();
    }

    /** The run's message when it failed, cut to {@value #MAX_MESSAGE} characters; else null. */
    public String getMessage() {
        return status == RunStatus.ERROR ? cut(run.getMessage(), MAX_MESSAGE) : null;
    }

    /** The icon's tooltip: the state, and the reason when there is one ({@code ERROR (OOMKilled)}). */
    public String getStateTitle() {
        String reason = run.getReason();
        return reason == null ? run.getState() : run.getState() + " (" + reason + ")";
    }

    /** Milliseconds, for sorting; null when not known. */
    public Long getDurationMillis() {
        return durationMillis;
    }

    /** The duration for people, null when not known. */
    public String getDurationText() {
        return durationMillis == null ? null : formatDuration(durationMillis);
    }

    /** Whether the duration is still growing. */
    public boolean isInProgress() {
        return status == RunStatus.IN_PROGRESS;
    }

    /** Whether the duration is the time until a service was available (not how long it served). */
    public boolean isService() {
        return ActionKind.SERVE.id().equals(run.getAction()) || ActionKind.DEPLOY.id().equals(run.getAction());
    }

    /** The first {@value #MAX_OUTPUTS} outputs, the most telling first, values cut. */
    public List<Output> getOutputs() {
        return outputs;
    }

    /** How many outputs the row leaves out. */
    public int getMoreOutputs() {
        return moreOutputs;
    }

    /** The run's page, relative to the Jenkins root URL. */
    public String getUrl() {
        return run.getUrl();
    }

    /** The build log from where the run starts, relative to the Jenkins root URL. */
    public String getLogUrl() {
        return run.getLogUrl();
    }

    public String getBuildUrl() {
        return run.getBuildUrl();
    }

    public Integer getBuildNumber() {
        return run.getBuildNumber();
    }

    /** When the run was created, ISO-8601 UTC. */
    public String getStartedAt() {
        RunSummary summary = run.getSummary();
        if (summary != null) {
            return FunctionRunAction.formatTime(summary.createdAt());
        }
        List<RunRecord.Transition> transitions = run.getRecord().getTransitions();
        return transitions.isEmpty() ? null : FunctionRunAction.formatTime(transitions.get(0).getTime());
    }

    /** What started the build, in words; null when not recorded. */
    public String getStartedBy() {
        BuildTrigger trigger = run.getTrigger();
        return trigger == null ? null : trigger.getSummary();
    }

    private static String text(Object value) {
        if (value == null || value instanceof String) {
            return String.valueOf(value);
        }
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    static String cut(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        return s.substring(0, max - 1) + "…";
    }

    /** One output as a row shows it. */
    public static final class Output {
        private final String key;
        private final String value;

        Output(String key, String value) {
            this.key = key;
            this.value = value;
        }

        public String getKey() {
            return key;
        }

        public String getValue() {
            return value;
        }

        @Override
        public String toString() {
            return key + "=" + value;
        }
    }
}
