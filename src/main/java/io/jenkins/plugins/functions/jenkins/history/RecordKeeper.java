package io.jenkins.plugins.functions.jenkins.history;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.model.Run;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import java.lang.ref.SoftReference;
import java.time.Instant;
import java.util.Map;

/**
 * The whole record of one run as its {@link FunctionRunAction} holds it in memory: the live
 * record while the run goes, then the one read back from the run's file beside the build
 * ({@link RunFiles}), kept softly; when the file is gone, one rebuilt from the action's summary.
 * Never persisted: the action keeps it in a transient field, and build.xml only the summary.
 */
final class RecordKeeper {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The stored run while it goes: its record is the one the run updates. */
    private volatile StoredRun live;
    /** The stored run read back from its file once it ended. */
    private volatile SoftReference<StoredRun> loaded;

    /** @param live the stored run under way, or null (a run loaded from build.xml) */
    RecordKeeper(StoredRun live) {
        this.live = live;
    }

    /** The run's files beside its build. */
    static RunFiles files(Run<?, ?> owner) {
        return new RunFiles(owner.getRootDir().toPath());
    }

    /**
     * The stored run: the live one, else the one read back, else (with an owner and a summary)
     * the one read from the run's file; null when there is none.
     */
    StoredRun stored(Run<?, ?> owner, RunSummary summary) {
        StoredRun s = live;
        if (s != null) {
            return s;
        }
        SoftReference<StoredRun> ref = loaded;
        s = ref == null ? null : ref.get();
        if (s == null && owner != null && summary != null) {
            s = files(owner).readRecord(summary.runId());
            if (s != null) {
                loaded = new SoftReference<>(s);
            }
        }
        return s;
    }

    /** The whole record: the stored run's, else one rebuilt from the summary and kept. */
    RunRecord record(Run<?, ?> owner, RunSummary summary) {
        StoredRun stored = stored(owner, summary);
        if (stored != null) {
            return stored.record();
        }
        synchronized (this) {
            stored = stored(owner, summary);
            if (stored == null) {
                // no file (the controller died before it was written, or it is gone): the summary
                // is all there is; kept, so what is recorded next lands in one record and its file
                stored = new StoredRun(fromSummary(summary), null);
                live = stored;
            }
            return stored.record();
        }
    }

    /** The summary of the live record (always up to date), null once the run is released. */
    RunSummary liveSummary() {
        StoredRun s = live;
        if (s == null) {
            return null;
        }
        RunRecord r = s.record();
        return RunSummary.of(r, parse(r.getOutputs()));
    }

    /**
     * The run started: what started its build and where its lines begin are kept with the live
     * record (and so written to its file).
     *
     * @return false when there is no live record to keep them with
     */
    boolean started(BuildTrigger trigger, Long logStart) {
        StoredRun s = live;
        if (s == null) {
            return false;
        }
        this.live = new StoredRun(s.record(), trigger, logStart);
        return true;
    }

    /**
     * Writes the run's file with this record (and what is stored with it).
     *
     * @return the bytes written, -1 when the file could not be written
     */
    long write(Run<?, ?> owner, RunSummary summary, RunRecord r) {
        StoredRun s = stored(owner, summary);
        return files(owner).writeRecord(s != null ? s : new StoredRun(r, null));
    }

    /** The run is over: its record now lives in its file, kept softly in memory. */
    void released() {
        StoredRun s = live;
        if (s != null) {
            loaded = new SoftReference<>(s);
            live = null;
        }
    }

    /** A record with what the summary knows, when the run's file cannot be read. */
    private static RunRecord fromSummary(RunSummary s) {
        RunRecord r = new RunRecord(s.runId(), s.action(), s.function(), s.createdAt());
        if (s.version() != null) {
            r.resolved(s.function(), s.version(), s.runtime(), s.namespace(), null, null, s.createdAt());
        }
        if (s.finished() || s.state().isTerminal()) {
            r.finish(new RunOutcome(s.state(), s.exitCode(), s.reason(), s.message(), Map.of(), null,
                    s.finishedAt() == null ? null : Instant.ofEpochMilli(s.finishedAt())), null);
        }
        return r;
    }

    /** A record's JSON object (its parameters, its outputs) as a map; unreadable JSON as {@code raw}. */
    static Map<String, Object> parse(String json) {
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
