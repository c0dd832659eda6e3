package io.jenkins.plugins.functions.jenkins.history;

import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import java.util.Map;

/**
 * What {@code build.xml} keeps of a run: what lists, filters and the build's REST API at depth 0
 * show (identity, state, times, the outcome and the main outputs), a few hundred bytes whatever
 * the run did. The whole record is in the run's file beside the build ({@link RunFiles}).
 * Immutable: a new summary replaces the old one when the record changes.
 *
 * <p>Persisted in {@code build.xml}: never rename or move this class.
 */
public final class RunSummary {

    /** The longest message kept here; the record file keeps the whole. */
    static final int MAX_MESSAGE = 500;

    private final String runId;
    private final String function;
    private final String version;
    private final String runtime;
    private final String action;
    private final String namespace;
    private final RunState state;
    private final Integer exitCode;
    private final String reason;
    private final String message;
    private final long createdAt;
    private final Long finishedAt;
    private final String serviceUrl;
    private final String imageDigest;

    private RunSummary(RunRecord record, Map<String, Object> outputs) {
        this.runId = record.getRunId();
        this.function = record.getFunctionName();
        this.version = record.getFunctionVersion();
        this.runtime = record.getRuntime();
        this.action = record.getAction();
        this.namespace = record.getNamespace();
        this.state = record.getState();
        this.exitCode = record.getExitCode();
        this.reason = record.getReason();
        String m = record.getMessage();
        this.message = m == null || m.length() <= MAX_MESSAGE ? m : m.substring(0, MAX_MESSAGE) + "...";
        Long created = record.timeOf(RunState.CREATED);
        this.createdAt = created == null ? 0L : created;
        Long finished = record.getFinishedAt();
        this.finishedAt = finished != null ? finished : record.getState().isTerminal() ? record.timeOf(record.getState())
                : null;
        this.serviceUrl = text(outputs.get("url"));
        Object digest = outputs.containsKey("imageDigest") ? outputs.get("imageDigest") : outputs.get("digest");
        this.imageDigest = text(digest);
    }

    /** The summary of a record as it is now; {@code outputs} are its parsed outputs. */
    static RunSummary of(RunRecord record, Map<String, Object> outputs) {
        return new RunSummary(record, outputs == null ? Map.of() : outputs);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    public String runId() {
        return runId;
    }

    public String function() {
        return function;
    }

    public String version() {
        return version;
    }

    public String runtime() {
        return runtime;
    }

    public String action() {
        return action;
    }

    public String namespace() {
        return namespace;
    }

    public RunState state() {
        return state;
    }

    public Integer exitCode() {
        return exitCode;
    }

    public String reason() {
        return reason;
    }

    public String message() {
        return message;
    }

    /** When the run was asked for (epoch milliseconds). */
    public long createdAt() {
        return createdAt;
    }

    /** When its outcome was recorded (epoch milliseconds); null while it goes. */
    public Long finishedAt() {
        return finishedAt;
    }

    /** A service's URL (the {@code url} output), else null. */
    public String serviceUrl() {
        return serviceUrl;
    }

    /** An image build's digest, else null. */
    public String imageDigest() {
        return imageDigest;
    }

    /** Whether the run's outcome was recorded. */
    public boolean finished() {
        return finishedAt != null;
    }
}
