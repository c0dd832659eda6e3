package io.jenkins.plugins.functions.jenkins.history;

import io.jenkins.plugins.functions.run.RunRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A build's run graph, on its page: the build's runs as nodes (function, status, duration), the
 * artifacts passed between them as edges (an input of one run whose producer is another run of
 * the build), laid out in columns from the runs that produced to the runs that consumed: the
 * lineage DigitalHub keeps in its database, kept here on the build. Only made when at least one
 * artifact passed between two runs; at most {@value #MAX_NODES} runs (the first ones, in the order
 * they started), the others counted in {@link #getMore()}. Immutable; drawn by {@link RunGraphSvg}.
 *
 * <p>Layout: a run's column is one more than the furthest column of the runs it took an input
 * from (runs that took none are in the first); within a column, runs are ordered by the mean row
 * of their producers, then by start, which keeps most edges from crossing in the pipelines builds
 * have (chains, fan-outs, fan-ins).
 */
public final class RunGraph {

    /** Runs drawn at most; a fan-out of hundreds is the job's Function runs page's to show. */
    static final int MAX_NODES = 50;

    /**
     * One run, placed.
     *
     * @param column its column, 0 for the runs that took no input of this build's runs
     * @param row    its place in the column, from the top
     */
    public record Node(RunRow run, int column, int row) {
    }

    /**
     * Artifacts one run passed to another.
     *
     * @param artifacts the names the producer gave them, in the consumer's order of inputs
     * @param uris      their {@code s3://} URIs, in the same order
     */
    public record Edge(Node from, Node to, List<String> artifacts, List<String> uris) {
        public Edge {
            artifacts = List.copyOf(artifacts);
            uris = List.copyOf(uris);
        }
    }

    private final int buildNumber;
    private final List<Node> nodes;
    private final List<Edge> edges;
    private final int more;

    private RunGraph(int buildNumber, List<Node> nodes, List<Edge> edges, int more) {
        this.buildNumber = buildNumber;
        this.nodes = Collections.unmodifiableList(nodes);
        this.edges = Collections.unmodifiableList(edges);
        this.more = more;
    }

    /**
     * The graph of a build's runs, in the order they started; null when no artifact passed
     * between two of the runs drawn (nothing to show beyond the table).
     *
     * @param now epoch milliseconds: the end of the runs still going
     */
    public static RunGraph of(List<FunctionRunAction> runs, long now) {
        if (runs.size() < 2) {
            return null; // no edge possible: no record is read
        }
        List<FunctionRunAction> drawn = runs.subList(0, Math.min(runs.size(), MAX_NODES));
        Map<String, Integer> index = new HashMap<>();
        List<RunRecord> records = new ArrayList<>();
        for (int i = 0; i < drawn.size(); i++) {
            RunRecord r = drawn.get(i).getRecord();
            records.add(r);
            index.putIfAbsent(r.getRunId(), i);
        }
        // producer index -> consumer index -> the artifacts, in the consumer's order of inputs
        Map<Integer, Map<Integer, Map<String, String>>> passed = new LinkedHashMap<>();
        for (int c = 0; c < records.size(); c++) {
            for (RunRecord.Input in : records.get(c).getInputs()) {
                Integer p = in.getProducerRunId() == null ? null : index.get(in.getProducerRunId());
                if (p == null || p >= c) {
                    continue; // from another build, a run not drawn, or (never) a later run
                }
                passed.computeIfAbsent(p, k -> new LinkedHashMap<>()).computeIfAbsent(c, k -> new LinkedHashMap<>())
                        .put(in.getUri(), artifactName(records.get(p), in));
            }
        }
        if (passed.isEmpty()) {
            return null;
        }
        int[] column = new int[drawn.size()];
        List<List<Integer>> producersOf = new ArrayList<>();
        for (int i = 0; i < drawn.size(); i++) {
            producersOf.add(new ArrayList<>());
        }
        passed.forEach((p, consumers) -> consumers.keySet().forEach(c -> producersOf.get(c).add(p)));
        int columns = 1;
        for (int c = 0; c < drawn.size(); c++) {
            for (int p : producersOf.get(c)) {
                column[c] = Math.max(column[c], column[p] + 1); // producers come first: already placed
            }
            columns = Math.max(columns, column[c] + 1);
        }
        int[] row = new int[drawn.size()];
        for (int col = 0; col < columns; col++) {
            List<Integer> in = new ArrayList<>();
            for (int i = 0; i < drawn.size(); i++) {
                if (column[i] == col) {
                    in.add(i);
                }
            }
            in.sort(Comparator.comparingDouble((Integer i) -> meanRow(producersOf.get(i), row, i))
                    .thenComparingInt(i -> i));
            for (int r = 0; r < in.size(); r++) {
                row[in.get(r)] = r;
            }
        }
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < drawn.size(); i++) {
            nodes.add(new Node(RunRow.of(drawn.get(i), now), column[i], row[i]));
        }
        List<Edge> edges = new ArrayList<>();
        passed.forEach((p, consumers) -> consumers.forEach((c, artifacts) -> edges.add(new Edge(nodes.get(p),
                nodes.get(c), new ArrayList<>(artifacts.values()), new ArrayList<>(artifacts.keySet())))));
        Integer build = drawn.get(0).getBuildNumber();
        return new RunGraph(build == null ? 0 : build, nodes, edges, runs.size() - drawn.size());
    }

    /** The mean row of a run's producers (all in earlier columns); a run without any keeps its start order. */
    private static double meanRow(List<Integer> producers, int[] row, int self) {
        if (producers.isEmpty()) {
            return -1;
        }
        double sum = 0;
        for (int p : producers) {
            sum += row[p];
        }
        return sum / producers.size();
    }

    /** The name the producer gave the artifact of the input's URI, else the input's own name. */
    private static String artifactName(RunRecord producer, RunRecord.Input input) {
        for (RunRecord.Artifact a : producer.getArtifacts()) {
            if (a.getUri().equals(input.getUri())) {
                return a.getName();
            }
        }
        return input.getName();
    }

    /** The build's number. */
    public int getBuildNumber() {
        return buildNumber;
    }

    /** The runs drawn, in the order they started. */
    public List<Node> getNodes() {
        return nodes;
    }

    /** Who passed what to whom. */
    public List<Edge> getEdges() {
        return edges;
    }

    /** Runs of the build not drawn. */
    public int getMore() {
        return more;
    }

    /** How many columns the graph has. */
    public int getColumns() {
        int columns = 0;
        for (Node n : nodes) {
            columns = Math.max(columns, n.column() + 1);
        }
        return columns;
    }

    /** How many rows its tallest column has. */
    public int getRows() {
        int rows = 0;
        for (Node n : nodes) {
            rows = Math.max(rows, n.row() + 1);
        }
        return rows;
    }

    /**
     * The graph as inline SVG. Every text in it is escaped, so the view may write it as it is.
     *
     * @param rootUrl the Jenkins root URL path ({@code rootURL} in a view), for the links to the runs
     */
    public String svg(String rootUrl) {
        return RunGraphSvg.render(this, rootUrl == null ? "" : rootUrl);
    }
}
