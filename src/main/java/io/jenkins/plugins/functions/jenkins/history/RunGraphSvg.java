package io.jenkins.plugins.functions.jenkins.history;

import io.jenkins.plugins.functions.jenkins.Messages;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws a {@link RunGraph} as inline SVG on the server, as {@link TrendSvg} draws the trend: a box
 * per run (its status colour as the border and a dot, the function in bold, the status and the
 * duration below; a link to the run's page with a tooltip), and an arrow per pair of runs that
 * passed artifacts, named by the artifacts (a tooltip with their URIs). Columns go from the
 * producers on the left to the consumers on the right.
 *
 * <p>Works with Jenkins' content security policy and its dark theme: no script and no style
 * attribute, colours as presentation attributes, texts, arrows and box fills in
 * {@code currentColor}. Every text and URL is escaped here, since the view writes the result
 * unescaped.
 */
final class RunGraphSvg {

    static final int NODE_WIDTH = 184;
    static final int NODE_HEIGHT = 40;
    /** Between two columns: room for the arrows and their names. */
    static final int COLUMN_GAP = 96;
    /** Between two rows: room for an arrow that passes columns. */
    static final int ROW_GAP = 18;
    private static final int PAD = 4;
    private static final int TOP = 28;
    private static final int BOTTOM = 22;
    private static final int MAX_NAME = 22;
    private static final int MAX_LABEL = 16;
    private static final String ARROW = "function-run-graph-arrow";

    private RunGraphSvg() {
    }

    static int width(RunGraph graph) {
        int columns = graph.getColumns();
        return 2 * PAD + columns * NODE_WIDTH + (columns - 1) * COLUMN_GAP;
    }

    static int height(RunGraph graph) {
        return TOP + graph.getRows() * (NODE_HEIGHT + ROW_GAP) - ROW_GAP + BOTTOM;
    }

    /** The left edge of a column's boxes. */
    static int x(int column) {
        return PAD + column * (NODE_WIDTH + COLUMN_GAP);
    }

    /** The top edge of a row's boxes. */
    static int y(int row) {
        return TOP + row * (NODE_HEIGHT + ROW_GAP);
    }

    static String render(RunGraph graph, String rootUrl) {
        int width = width(graph);
        int height = height(graph);
        StringBuilder out = new StringBuilder();
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"function-run-graph\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\" role=\"img\" aria-labelledby=\"function-run-graph-title\" font-size=\"11\">")
                .append("<title id=\"function-run-graph-title\">")
                .append(TrendSvg.esc(Messages.RunGraphSvg_Title(graph.getBuildNumber(), graph.getNodes().size(),
                        graph.getEdges().size())))
                .append("</title>");
        out.append("<defs><marker id=\"").append(ARROW).append("\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\"")
                .append(" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\"")
                .append(" fill=\"currentColor\"/></marker></defs>");
        out.append("<text x=\"0\" y=\"14\" font-weight=\"bold\" fill=\"currentColor\">")
                .append(TrendSvg.esc(Messages.RunGraphSvg_Heading())).append("</text>");
        // the arrows into one run end apart on its left side, in the order they come from top to
        // bottom, so they do not cross
        Map<RunGraph.Node, List<RunGraph.Edge>> into = new HashMap<>();
        for (RunGraph.Edge e : graph.getEdges()) {
            into.computeIfAbsent(e.to(), k -> new ArrayList<>()).add(e);
        }
        into.values().forEach(l -> l.sort(Comparator.comparingDouble(RunGraphSvg::arrivingAt)
                .thenComparingInt(e -> e.from().column())));
        for (RunGraph.Edge e : graph.getEdges()) {
            List<RunGraph.Edge> siblings = into.get(e.to());
            edge(out, e, siblings.indexOf(e), siblings.size());
        }
        for (RunGraph.Node n : graph.getNodes()) {
            node(out, n, rootUrl);
        }
        if (graph.getMore() > 0) {
            out.append("<text x=\"0\" y=\"").append(height - 6).append("\" fill=\"currentColor\" fill-opacity=\"0.7\">")
                    .append(TrendSvg.esc(Messages.RunGraphSvg_More(graph.getMore()))).append("</text>");
        }
        out.append("</svg>");
        return out.toString();
    }

    private static void node(StringBuilder out, RunGraph.Node n, String rootUrl) {
        RunRow run = n.run();
        int x = x(n.column());
        int y = y(n.row());
        String colour = TrendSvg.colour(run.getStatus());
        String duration = run.getDurationText();
        String state = duration == null ? run.getStatus().getLabel() : run.getStatus().getLabel() + " · " + duration;
        String title = run.getFunction() + " (" + run.getKind() + ", " + run.getRunId() + "): " + run.getStateTitle()
                + (duration == null ? "" : ", " + duration);
        out.append("<a href=\"").append(TrendSvg.esc(rootUrl + "/" + run.getUrl())).append("\"><title>")
                .append(TrendSvg.esc(title)).append("</title>");
        out.append("<rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(NODE_WIDTH)
                .append("\" height=\"").append(NODE_HEIGHT).append("\" rx=\"6\" fill=\"currentColor\"")
                .append(" fill-opacity=\"0.06\" stroke=\"").append(colour).append("\" stroke-width=\"2\"/>");
        out.append("<circle cx=\"").append(x + 13).append("\" cy=\"").append(y + NODE_HEIGHT / 2).append("\" r=\"5\"")
                .append(" fill=\"").append(colour).append("\"/>");
        out.append("<text x=\"").append(x + 25).append("\" y=\"").append(y + 16)
                .append("\" font-weight=\"bold\" fill=\"currentColor\">")
                .append(TrendSvg.esc(RunRow.cut(run.getFunction(), MAX_NAME))).append("</text>");
        out.append("<text x=\"").append(x + 25).append("\" y=\"").append(y + 31)
                .append("\" fill=\"currentColor\" fill-opacity=\"0.75\">")
                .append(TrendSvg.esc(RunRow.cut(state, MAX_NAME + 6))).append("</text>");
        out.append("</a>");
    }

    /**
     * A curve from the right side of the producer's box to the left side of the consumer's, named
     * at its end; the {@code i}-th of the {@code n} arrows into that run.
     */
    private static void edge(StringBuilder out, RunGraph.Edge e, int i, int n) {
        double x1 = x(e.from().column()) + NODE_WIDTH;
        double y1 = y(e.from().row()) + NODE_HEIGHT / 2.0;
        double x2 = x(e.to().column()) - 2;
        double y2 = y(e.to().row()) + NODE_HEIGHT * (i + 1) / (double) (n + 1);
        String path = passesColumns(e) ? lane(x1, y1, x2, y2, laneY(e)) : curve(x1, y1, x2, y2);
        String name = RunRow.cut(String.join(", ", e.artifacts()), MAX_LABEL);
        StringBuilder tip = new StringBuilder(e.from().run().getFunction() + " → " + e.to().run().getFunction() + ":");
        for (int a = 0; a < e.artifacts().size(); a++) {
            tip.append(' ').append(e.artifacts().get(a)).append(" (").append(e.uris().get(a)).append(')');
        }
        out.append("<g><title>").append(TrendSvg.esc(tip.toString())).append("</title>");
        out.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"currentColor\"")
                .append(" stroke-opacity=\"0.55\" stroke-width=\"1.5\" marker-end=\"url(#").append(ARROW)
                .append(")\"/>");
        // the name just before the consumer, above the arrow: names of a fan-out stay apart
        out.append("<text x=\"").append(num(x2 - 6)).append("\" y=\"").append(num(y2 - 5))
                .append("\" text-anchor=\"end\" font-size=\"10\" fill=\"currentColor\">").append(TrendSvg.esc(name))
                .append("</text></g>");
    }

    private static boolean passesColumns(RunGraph.Edge e) {
        return e.to().column() - e.from().column() > 1;
    }

    /** The gap below the producer's row, which an arrow past columns runs along. */
    private static double laneY(RunGraph.Edge e) {
        return y(e.from().row()) + NODE_HEIGHT + ROW_GAP / 2.0;
    }

    /** The height an arrow comes from into the consumer's column. */
    private static double arrivingAt(RunGraph.Edge e) {
        return passesColumns(e) ? laneY(e) : y(e.from().row()) + NODE_HEIGHT / 2.0;
    }

    /** From one column to the next: one S-shaped curve through the gap between them. */
    private static String curve(double x1, double y1, double x2, double y2) {
        double bend = (x2 - x1) / 2;
        return "M" + num(x1) + "," + num(y1) + " C" + num(x1 + bend) + "," + num(y1) + " " + num(x2 - bend) + ","
                + num(y2) + " " + num(x2) + "," + num(y2);
    }

    /**
     * Past one column or more: down into the gap below the producer's row, along it (between the
     * boxes of the columns in between, never through one), and up into the consumer.
     */
    private static String lane(double x1, double y1, double x2, double y2, double laneY) {
        double half = COLUMN_GAP / 2.0;
        double c = COLUMN_GAP / 4.0;
        return "M" + num(x1) + "," + num(y1) + " C" + num(x1 + c) + "," + num(y1) + " " + num(x1 + half - c) + ","
                + num(laneY) + " " + num(x1 + half) + "," + num(laneY) + " L" + num(x2 - half) + "," + num(laneY)
                + " C" + num(x2 - half + c) + "," + num(laneY) + " " + num(x2 - c) + "," + num(y2) + " " + num(x2)
                + "," + num(y2);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
