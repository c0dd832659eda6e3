package io.jenkins.plugins.functions.jenkins.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The trend of a job's runs, drawn above the Function runs page's table: per build, its runs by
 * status; per function, each run's duration. Taken from the rows the page shows, so it costs no
 * build more than the page loads, and it follows the page's filters and paging (a filter on one
 * function gives that function's trend). Builds are oldest first, as Jenkins' trends read.
 * Immutable.
 */
public final class RunTrend {

    /** Functions whose durations are drawn; the others are counted in {@link #getOtherFunctions()}. */
    static final int MAX_FUNCTIONS = 8;

    private final List<BuildBar> builds;
    private final List<FunctionLine> functions;
    private final int otherFunctions;

    private RunTrend(List<BuildBar> builds, List<FunctionLine> functions, int otherFunctions) {
        this.builds = Collections.unmodifiableList(builds);
        this.functions = Collections.unmodifiableList(functions);
        this.otherFunctions = otherFunctions;
    }

    /** The trend of some rows, in any order. Rows of runs not attached to a build are left out. */
    public static RunTrend of(List<RunRow> rows) {
        TreeMap<Integer, BuildBar> byBuild = new TreeMap<>();
        Map<String, List<Point>> byFunction = new LinkedHashMap<>();
        for (RunRow row : rows) {
            Integer number = row.getBuildNumber();
            if (number == null) {
                continue;
            }
            byBuild.computeIfAbsent(number, n -> new BuildBar(n, row.getBuildUrl())).add(row.getStatus());
        }
        List<BuildBar> bars = new ArrayList<>(byBuild.values());
        Map<Integer, Integer> index = new TreeMap<>();
        for (int i = 0; i < bars.size(); i++) {
            index.put(bars.get(i).number, i);
        }
        for (RunRow row : rows) {
            Integer number = row.getBuildNumber();
            if (number == null || row.getDurationMillis() == null || row.isInProgress()) {
                continue; // a run still going has no duration yet
            }
            byFunction.computeIfAbsent(row.getFunction(), f -> new ArrayList<>())
                    .add(new Point(index.get(number), number, row.getDurationMillis(), row.getStatus()));
        }
        List<FunctionLine> lines = new ArrayList<>();
        byFunction.forEach((name, points) -> {
            points.sort((a, b) -> Integer.compare(a.buildIndex, b.buildIndex));
            lines.add(new FunctionLine(name, points));
        });
        // The functions with most runs are drawn; equal counts keep the order the page lists them.
        List<FunctionLine> drawn = new ArrayList<>(lines);
        drawn.sort((a, b) -> Integer.compare(b.points.size(), a.points.size()));
        int others = Math.max(0, drawn.size() - MAX_FUNCTIONS);
        return new RunTrend(bars, new ArrayList<>(drawn.subList(0, drawn.size() - others)), others);
    }

    /** Whether there is nothing to draw. */
    public boolean isEmpty() {
        return builds.isEmpty();
    }

    /** The builds, oldest first. */
    public List<BuildBar> getBuilds() {
        return builds;
    }

    /** The functions drawn, those with most runs first. */
    public List<FunctionLine> getFunctions() {
        return functions;
    }

    /** Functions left out of the durations chart. */
    public int getOtherFunctions() {
        return otherFunctions;
    }

    /**
     * Both charts as inline SVG: bars of runs by status per build, and lines of durations per
     * function. Every text in it is escaped, so the view may write it as it is.
     *
     * @param rootUrl the Jenkins root URL path ({@code rootURL} in a view), for the links to the builds
     */
    public String svg(String rootUrl) {
        return TrendSvg.render(this, rootUrl == null ? "" : rootUrl);
    }

    /** One build's runs, counted by status. */
    public static final class BuildBar {
        private final int number;
        private final String url;
        private final Map<RunStatus, Integer> counts = new EnumMap<>(RunStatus.class);

        BuildBar(int number, String url) {
            this.number = number;
            this.url = url;
        }

        private void add(RunStatus status) {
            counts.merge(status, 1, Integer::sum);
        }

        public int getNumber() {
            return number;
        }

        /** The build's URL relative to the Jenkins root. */
        public String getUrl() {
            return url;
        }

        /** Runs per status, in the statuses' order, without those at zero. */
        public Map<RunStatus, Integer> getCounts() {
            return Collections.unmodifiableMap(counts);
        }

        public int getTotal() {
            return counts.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** The durations of one function's runs, oldest build first. */
    public static final class FunctionLine {
        private final String function;
        private final List<Point> points;

        FunctionLine(String function, List<Point> points) {
            this.function = function;
            this.points = List.copyOf(points);
        }

        public String getFunction() {
            return function;
        }

        public List<Point> getPoints() {
            return points;
        }
    }

    /**
     * One run's duration.
     *
     * @param buildIndex the build's place among {@link #getBuilds()}, where it is drawn
     */
    public record Point(int buildIndex, int buildNumber, long durationMillis, RunStatus status) {
    }
}
