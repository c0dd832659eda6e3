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

    /** For the JSON reader, which sets the fields. */
    private StoredRun() {
        this.format = RunFiles.FORMAT;
        this.record = null;
        this.trigger = null;
    }

    /** @param trigger what started the build, or null when it is not known */
    public StoredRun(RunRecord record, BuildTrigger trigger) {
        this.format = RunFiles.FORMAT;
        this.record = Objects.requireNonNull(record, "record");
        this.trigger = trigger;
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
}
