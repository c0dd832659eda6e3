package io.jenkins.plugins.functions.jenkins.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The compact table of runs that the build page and the job's Function runs page share (its view
 * is {@code RunTable/table.jelly}): a row per run with its status icon, function, runtime and
 * action, duration, main outputs and links; on the job's page also the build, when the run started
 * and what started the build. Immutable.
 */
public final class RunTable {

    private final List<RunRow> rows;
    private final boolean withBuild;
    private final int more;

    private RunTable(List<RunRow> rows, boolean withBuild, int more) {
        this.rows = Collections.unmodifiableList(rows);
        this.withBuild = withBuild;
        this.more = more;
    }

    /**
     * A table of runs, in the order given.
     *
     * @param withBuild whether the table has the columns of the job's page (build, start, trigger)
     * @param maxRows   rows shown; the runs beyond are counted in {@link #getMore()}
     * @param now       epoch milliseconds, the end of the runs still going
     */
    public static RunTable of(List<FunctionRunAction> runs, boolean withBuild, int maxRows, long now) {
        List<RunRow> rows = new ArrayList<>();
        for (FunctionRunAction run : runs) {
            if (rows.size() == maxRows) {
                break;
            }
            rows.add(RunRow.of(run, now));
        }
        return new RunTable(rows, withBuild, runs.size() - rows.size());
    }

    public List<RunRow> getRows() {
        return rows;
    }

    /** Whether each row names its build (the job's page) or not (the build's own page). */
    public boolean isWithBuild() {
        return withBuild;
    }

    /** Runs not shown because the table is full. */
    public int getMore() {
        return more;
    }

    /** The trend of the table's runs: per build by status, per function their durations. */
    public RunTrend getTrend() {
        return RunTrend.of(rows);
    }

    /** How many rows have each status, in the statuses' order, statuses without rows left out. */
    public Map<RunStatus, Integer> getStatusCounts() {
        Map<RunStatus, Integer> counts = new EnumMap<>(RunStatus.class);
        for (RunRow row : rows) {
            counts.merge(row.getStatus(), 1, Integer::sum);
        }
        return counts;
    }
}
