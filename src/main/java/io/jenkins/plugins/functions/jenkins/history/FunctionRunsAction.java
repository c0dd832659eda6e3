package io.jenkins.plugins.functions.jenkins.history;

import hudson.model.Action;
import hudson.model.Api;
import hudson.model.Job;
import hudson.model.Run;
import io.jenkins.plugins.functions.jenkins.Messages;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.function.Function;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * The "Function runs" page of a job ({@code /job/<job>/function-runs/}): the runs of all its
 * builds, newest first, filterable by function, action and state, 50 a page. The builds are
 * walked lazily from the newest, so only the builds a page shows are loaded (see {@link RunPage}).
 *
 * <p>The page reads its filters from the request in its view and calls
 * {@link #page(String, String, String, String)}; the REST API takes them as query parameters,
 * {@code /job/<job>/function-runs/api/json?state=ERROR&function=web} ({@link #getDynamic}), or
 * as one path segment, {@code /job/<job>/function-runs/page/state=ERROR,function=web/api/json}.
 *
 * <p>Transient (made by {@link FunctionRunsActionFactory} for every job), never persisted.
 */
@ExportedBean
public class FunctionRunsAction implements Action {

    /** How many of the newest builds are looked at to decide whether the sidebar shows the link. */
    static final int SIDEBAR_PROBE_BUILDS = 5;

    private final Job<?, ?> job;
    private final Function<Integer, Iterable<? extends Run<?, ?>>> builds;

    public FunctionRunsAction(Job<?, ?> job) {
        this(job, from -> buildsFrom(job, from));
    }

    /** @param builds the job's builds newest first, from a build number (null: the newest); lazy */
    FunctionRunsAction(Job<?, ?> job, Function<Integer, Iterable<? extends Run<?, ?>>> builds) {
        this.job = job;
        this.builds = builds;
    }

    /**
     * The builds from a number down, lazily: Jenkins' build map is sorted newest first and
     * loads a build only when it is reached.
     */
    private static Iterable<? extends Run<?, ?>> buildsFrom(Job<?, ?> job, Integer from) {
        SortedMap<Integer, ? extends Run<?, ?>> all = job.getBuildsAsMap();
        return from == null ? all.values() : all.tailMap(from).values();
    }

    public Job<?, ?> getJob() {
        return job;
    }

    /**
     * Shown in the job's sidebar when one of its newest builds ran a function; the page itself is
     * always there (older runs, bookmarks).
     */
    @Override
    public String getIconFileName() {
        int seen = 0;
        for (Run<?, ?> build : builds.apply(null)) {
            if (!FunctionRunAction.of(build).isEmpty()) {
                return "symbol-terminal";
            }
            if (++seen == SIDEBAR_PROBE_BUILDS) {
                break;
            }
        }
        return null;
    }

    @Override
    public String getDisplayName() {
        return Messages.FunctionRunsAction_DisplayName();
    }

    @Override
    public String getUrlName() {
        return "function-runs";
    }

    /** A page for the view's request values; each may be null or blank. Never throws on bad values. */
    public RunPage page(String function, String action, String state, String from) {
        return find(RunQuery.of(function, action, state, from));
    }

    /** A page by URL: {@code .../function-runs/page/state=ERROR,from=120/}. */
    public RunPage getPage(String spec) {
        return find(RunQuery.parse(spec));
    }

    RunPage find(RunQuery query) {
        return RunPage.find(builds, query, RunQuery.PAGE_SIZE, RunQuery.MAX_BUILDS_PER_PAGE);
    }

    /** The newest page, found once per instance (Jenkins makes one per request). */
    private synchronized RunPage newest() {
        if (newest == null) {
            newest = find(RunQuery.all());
        }
        return newest;
    }

    private RunPage newest;

    /** The newest page of runs (no filter): what {@code .../function-runs/api/json} shows. */
    @Exported(visibility = 2)
    public List<FunctionRunAction> getRuns() {
        return newest().getRuns();
    }

    /** Where the page after the newest one starts, null if there is none. */
    @Exported(visibility = 2)
    public String getNext() {
        return newest().getNext();
    }

    /** The job's full name ({@code folder/app}). */
    @Exported(visibility = 2)
    public String getJobName() {
        return job.getFullName();
    }

    /** The actions a run can have, for the view's filter. */
    public List<String> getActionChoices() {
        List<String> out = new ArrayList<>();
        for (io.jenkins.plugins.functions.model.ActionKind a : io.jenkins.plugins.functions.model.ActionKind.values()) {
            out.add(a.id());
        }
        return Collections.unmodifiableList(out);
    }

    /** The states a run can be in, for the view's filter. */
    public List<String> getStateChoices() {
        List<String> out = new ArrayList<>();
        for (io.jenkins.plugins.functions.run.RunState s : io.jenkins.plugins.functions.run.RunState.values()) {
            out.add(s.name());
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * {@code .../function-runs/api/}: the REST API of this page, or with filters as query parameters
     * ({@code api/json?state=ERROR&function=web}, also {@code action} and {@code from}) the API of that
     * page of runs, the same as {@code page/state=ERROR,function=web/api/json}. (Not {@code getApi()}:
     * Stapler gives query parameters only to a method it binds, and a plain getter is not one.)
     *
     * @return null for any other URL token: not found
     */
    public Object getDynamic(String token, @QueryParameter String function, @QueryParameter String action,
            @QueryParameter String state, @QueryParameter String from) {
        return "api".equals(token) ? new Api(apiTarget(function, action, state, from)) : null;
    }

    /** What the API shows: this action without filters, the filtered page with them. */
    Object apiTarget(String function, String action, String state, String from) {
        boolean filtered = java.util.stream.Stream.of(function, action, state, from)
                .anyMatch(v -> v != null && !v.isBlank());
        return filtered ? page(function, action, state, from) : this;
    }
}
