package io.jenkins.plugins.functions.jenkins.history;

import io.jenkins.plugins.functions.run.RunRecord;
import java.util.Objects;

/**
 * What a run's record file beside the build holds ({@link RunFiles#writeRecord}): the run's whole
 * {@link RunRecord} and what started its build. Written as JSON field by field; readers ignore
 * fields they do not know, so a newer plugin's file still loads.
 */
public final class StoredRun {

    private final int format;
    private final RunRecord record;
    private final BuildTrigger trigger;
    /** The build log's size when the run started: where its lines begin; null when unknown. */
    private final Long logOffset;

    /** For the JSON reader, which sets the fields. */
    private StoredRun() {
        this.format = RunFiles.FORMAT;
        this.record = null;
        this.trigger = null;
        this.logOffset = null;
    }

    /** A run whose start in the build log is not known (yet). */
    public StoredRun(RunRecord record, BuildTrigger trigger) {
        this(record, trigger, null);
    }

    /**
     * @param trigger   what started the build, or null when it is not known
     * @param logOffset the build log's size when the run started, or null
     */
    public StoredRun(RunRecord record, BuildTrigger trigger, Long logOffset) {
        this.format = RunFiles.FORMAT;
        this.record = Objects.requireNonNull(record, "record");
        this.trigger = trigger;
        this.logOffset = logOffset;
    }

    /** The version of the format the file was written in. */
    public int format() {
        return format;
    }

    public RunRecord record() {
        return record;
    }

    /** What started the build; null when not known. */
    public BuildTrigger trigger() {
        return trigger;
    }

    /** Where the run's lines begin in the build log (bytes); null when not known. */
    public Long logOffset() {
        return logOffset;
    }
}
