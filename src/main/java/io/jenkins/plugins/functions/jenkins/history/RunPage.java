package io.jenkins.plugins.functions.jenkins.history;

import hudson.model.Api;
import hudson.model.Run;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import org.kohsuke.stapler.StaplerProxy;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * One page of a job's function runs, newest first, and where the next one starts. Found by
 * walking the job's builds from the newest (or the query's cursor) one at a time and stopping as
 * soon as the page is full, so a job with thousands of builds loads only the builds the page
 * shows (plus one, to know whether there is more), or at most {@link RunQuery#MAX_BUILDS_PER_PAGE}
 * when few runs match. Immutable.
 */
@ExportedBean
public final class RunPage implements StaplerProxy {

    private final RunQuery query;
    private final List<FunctionRunAction> runs;
    private final RunQuery.Cursor next;
    private final int buildsLoaded;
    private final boolean scanLimitReached;

    private RunPage(RunQuery query, List<FunctionRunAction> runs, RunQuery.Cursor next, int buildsLoaded,
            boolean scanLimitReached) {
        this.query = query;
        this.runs = Collections.unmodifiableList(runs);
        this.next = next;
        this.buildsLoaded = buildsLoaded;
        this.scanLimitReached = scanLimitReached;
    }

    /**
     * Finds a page.
     *
     * @param builds   the job's builds newest first, starting at a build number (null: the newest);
     *                 iterated lazily, one build loaded per step
     * @param pageSize runs a page shows
     * @param maxBuilds builds one page may load
     */
    public static RunPage find(Function<Integer, Iterable<? extends Run<?, ?>>> builds, RunQuery query,
            int pageSize, int maxBuilds) {
        List<FunctionRunAction> rows = new ArrayList<>();
        RunQuery.Cursor from = query.from();
        if (!query.errors().isEmpty()) {
            return new RunPage(query, rows, null, 0, false); // a wrong filter shows nothing, not everything
        }
        Iterator<? extends Run<?, ?>> it = builds.apply(from == null ? null : from.build()).iterator();
        int loaded = 0;
        int lastNumber = 0;
        while (it.hasNext()) {
            if (loaded == maxBuilds) {
                // Stopped looking: the next page starts below the last build looked at (a cursor
                // is "this number or older", so gaps in the numbers do not matter).
                return new RunPage(query, rows, lastNumber > 1 ? new RunQuery.Cursor(lastNumber - 1, 0) : null,
                        loaded, true);
            }
            Run<?, ?> build = it.next();
            loaded++;
            lastNumber = build.getNumber();
            List<FunctionRunAction> inBuild = new ArrayList<>(FunctionRunAction.of(build));
            Collections.reverse(inBuild); // newest first
            int start = from != null && build.getNumber() == from.build() ? from.position() : 0;
            for (int i = start; i < inBuild.size(); i++) {
                FunctionRunAction run = inBuild.get(i);
                if (!query.matches(run)) {
                    continue;
                }
                if (rows.size() == pageSize) {
                    return new RunPage(query, rows, new RunQuery.Cursor(build.getNumber(), i), loaded, false);
                }
                rows.add(run);
            }
        }
        return new RunPage(query, rows, null, loaded, false);
    }

    public RunQuery getQuery() {
        return query;
    }

    /** The runs of this page, newest first. */
    @Exported(visibility = 2)
    public List<FunctionRunAction> getRuns() {
        return runs;
    }

    /** Where the next page starts ({@code 1234} or {@code 1234.1}), null on the last page. */
    @Exported(visibility = 2)
    public String getNext() {
        return next == null ? null : next.toString();
    }

    /** The next page's query (same filters), null on the last page. */
    public RunQuery getNextQuery() {
        return next == null ? null : query.from(next);
    }

    /** How many builds were loaded to find this page. */
    @Exported(visibility = 2)
    public int getBuildsLoaded() {
        return buildsLoaded;
    }

    /** True when the page stopped at the limit of builds to load before it was full. */
    @Exported(visibility = 2)
    public boolean isScanLimitReached() {
        return scanLimitReached;
    }

    /** Why a filter was not applied: each names the field, the value and what is allowed. */
    @Exported(visibility = 2)
    public List<String> getErrors() {
        return query.errors();
    }

    /** {@code .../function-runs/page/<query>/api/json}. */
    public Api getApi() {
        return new Api(this);
    }

    /** The page's runs as the page's table shows them (with their builds), and its trend. */
    public RunTable getTable() {
        return RunTable.of(runs, true, runs.size(), System.currentTimeMillis());
    }

    /**
     * Itself: being a {@link StaplerProxy} is what makes this type reachable by URL under
     * Jenkins' routing rules (a type must declare that it is meant for the web), so that
     * {@code getPage(String)} can lead here and on to {@link #getApi()}.
     */
    @Override
    public Object getTarget() {
        return this;
    }
}
