package io.jenkins.plugins.functions.jenkins.history;

import hudson.Extension;
import hudson.model.Action;
import hudson.model.Run;
import io.jenkins.plugins.functions.jenkins.Messages;
import java.util.Collection;
import java.util.List;
import jenkins.model.TransientActionFactory;

/**
 * The runs of a build as one compact table on the build's page ({@code summary.jelly}), in the
 * order they started, instead of a block per run. At most {@value #MAX_ROWS} rows: a fan-out of
 * hundreds of runs links to the job's Function runs page for the rest. Below it, when runs passed
 * artifacts to each other, the build's {@link RunGraph}.
 *
 * <p>Transient: made by its {@link Factory} for every build that has runs, from the runs' own
 * actions, never persisted.
 */
public final class BuildRunsSummary implements Action {

    /** Rows the build page shows. */
    static final int MAX_ROWS = 100;

    private final Run<?, ?> build;
    private final List<FunctionRunAction> runs;

    BuildRunsSummary(Run<?, ?> build, List<FunctionRunAction> runs) {
        this.build = build;
        this.runs = List.copyOf(runs);
    }

    public Run<?, ?> getBuild() {
        return build;
    }

    /** The table of the build's runs, made for each page view. */
    public RunTable getTable() {
        return RunTable.of(runs, false, MAX_ROWS, System.currentTimeMillis());
    }

    /**
     * The build's run graph, made for each page view: its runs and the artifacts passed between
     * them; null when no artifact passed between two of its runs (the page then shows none).
     */
    public RunGraph getGraph() {
        return RunGraph.of(runs, System.currentTimeMillis());
    }

    /** Not in the sidebar: the summary is on the build's page. */
    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return Messages.BuildRunsSummary_DisplayName();
    }

    /** No page of its own: each run has one. */
    @Override
    public String getUrlName() {
        return null;
    }

    /**
     * Gives a build with runs its summary. Asked for every build whose actions are read, so it
     * only looks at the build's actions in memory and builds the table when the page asks.
     */
    @Extension
    @SuppressWarnings("rawtypes") // TransientActionFactory<Run> is how Jenkins registers build actions
    public static final class Factory extends TransientActionFactory<Run> {

        @Override
        public Class<Run> type() {
            return Run.class;
        }

        /** Only asked when summaries are looked for, not for every action type of a build. */
        @Override
        public Class<BuildRunsSummary> actionType() {
            return BuildRunsSummary.class;
        }

        @Override
        public Collection<? extends Action> createFor(Run target) {
            @SuppressWarnings("unchecked")
            Run<?, ?> build = target;
            List<FunctionRunAction> runs = FunctionRunAction.of(build);
            return runs.isEmpty() ? List.of() : List.of(new BuildRunsSummary(build, runs));
        }
    }
}
