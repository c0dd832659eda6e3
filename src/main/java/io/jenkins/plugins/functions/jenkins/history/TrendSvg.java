package io.jenkins.plugins.functions.jenkins.history;

import io.jenkins.plugins.functions.jenkins.Messages;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Draws a {@link RunTrend} as two inline SVG charts, on the server, without a chart library (the
 * plugin adds no dependency, and Jenkins' ECharts API plugin is not one it may use): stacked bars
 * of each build's runs by status, and lines of each function's run durations, builds oldest first
 * on the same x positions. Each bar links to its build; every bar and point has a tooltip
 * ({@code <title>}); each chart has a text alternative.
 *
 * <p>Works with Jenkins' content security policy and its dark theme: no script and no style
 * attribute, colours as presentation attributes, texts and axes in {@code currentColor}. Every
 * text and URL is escaped here, since the view writes the result unescaped.
 */
final class TrendSvg {

    static final int WIDTH = 640;
    static final int HEIGHT = 220;
    private static final int LEFT = 72;
    private static final int RIGHT = 12;
    private static final int TOP = 28;
    private static final int BOTTOM = 46;
    private static final int PLOT_WIDTH = WIDTH - LEFT - RIGHT;
    private static final int PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;
    /** X labels drawn at most; every k-th build is labelled beyond. */
    private static final int MAX_X_LABELS = 12;
    private static final int MAX_LEGEND_NAME = 24;

    /** Okabe-Ito colours: told apart with the common colour blindnesses, on light and dark. */
    static final List<String> FUNCTION_COLOURS = List.of("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9",
            "#d55e00", "#8c8c8c", "#332288");

    private static final long[] DURATION_STEPS = {100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000,
        60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000,
        43_200_000, 86_400_000};

    private TrendSvg() {
    }

    /** The colour of a status in the bars: Jenkins' own for success, failure, aborted and running. */
    static String colour(RunStatus status) {
        return switch (status) {
            case COMPLETED -> "#1ea64b";
            case SERVING -> "#1f78d1";
            case ERROR -> "#e6001f";
            case STOPPED -> "#9a9a9a";
            case IN_PROGRESS -> "#8fc3f7";
            case UNFINISHED -> "#d4d4d4";
        };
    }

    static String render(RunTrend trend, String rootUrl) {
        StringBuilder out = new StringBuilder();
        statusBars(trend, rootUrl, out);
        durationLines(trend, out);
        return out.toString();
    }

    // ---- runs by status, per build

    private static void statusBars(RunTrend trend, String rootUrl, StringBuilder out) {
        List<RunTrend.BuildBar> builds = trend.getBuilds();
        int max = builds.stream().mapToInt(RunTrend.BuildBar::getTotal).max().orElse(1);
        long step = countStep(max);
        long top = step * (long) Math.ceil(max / (double) step);
        open(out, "function-runs-by-status", Messages.TrendSvg_StatusHeading(),
                Messages.TrendSvg_StatusTitle(first(builds), last(builds)));
        for (long tick = 0; tick <= top; tick += step) {
            yTick(out, y(tick, top), String.valueOf(tick));
        }
        double slot = PLOT_WIDTH / (double) builds.size();
        double barWidth = Math.min(28, slot * 0.7);
        Set<RunStatus> seen = EnumSet.noneOf(RunStatus.class);
        for (int i = 0; i < builds.size(); i++) {
            RunTrend.BuildBar bar = builds.get(i);
            double x = LEFT + slot * i + (slot - barWidth) / 2;
            List<String> parts = new ArrayList<>();
            bar.getCounts().forEach((status, count) -> parts.add(count + " " + status.getLabel()));
            out.append("<a href=\"").append(esc(rootUrl + "/" + bar.getUrl())).append("\"><title>")
                    .append(esc("#" + bar.getNumber() + ": " + String.join(", ", parts))).append("</title>");
            long below = 0;
            for (Map.Entry<RunStatus, Integer> e : bar.getCounts().entrySet()) {
                seen.add(e.getKey());
                double yTop = y(below + e.getValue(), top);
                out.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(yTop)).append("\" width=\"")
                        .append(num(barWidth)).append("\" height=\"").append(num(y(below, top) - yTop))
                        .append("\" fill=\"").append(colour(e.getKey())).append("\"/>");
                below += e.getValue();
            }
            out.append("</a>");
            xLabel(out, builds, i, LEFT + slot * i + slot / 2);
        }
        List<String[]> legend = new ArrayList<>();
        for (RunStatus status : seen) {
            legend.add(new String[] {colour(status), status.getLabel()});
        }
        legend(out, legend, null);
        out.append("</svg>");
    }

    /** A tick step of 1, 2, 5, 10, 20, 50 ... giving at most 5 ticks above zero. */
    static long countStep(int max) {
        long step = 1;
        while (true) {
            for (long m : new long[] {1, 2, 5}) {
                if (Math.ceil(max / (double) (step * m)) <= 5) {
                    return step * m;
                }
            }
            step *= 10;
        }
    }

    // ---- durations, per function

    private static void durationLines(RunTrend trend, StringBuilder out) {
        List<RunTrend.BuildBar> builds = trend.getBuilds();
        long max = 1;
        for (RunTrend.FunctionLine line : trend.getFunctions()) {
            for (RunTrend.Point p : line.getPoints()) {
                max = Math.max(max, p.durationMillis());
            }
        }
        long step = durationStep(max);
        long top = step * (long) Math.ceil(max / (double) step);
        open(out, "function-runs-durations", Messages.TrendSvg_DurationHeading(),
                Messages.TrendSvg_DurationTitle(first(builds), last(builds)));
        for (long tick = 0; tick <= top; tick += step) {
            yTick(out, y(tick, top), tick == 0 ? "0" : RunRow.formatDuration(tick));
        }
        double slot = PLOT_WIDTH / (double) builds.size();
        for (int i = 0; i < builds.size(); i++) {
            xLabel(out, builds, i, LEFT + slot * i + slot / 2);
        }
        List<String[]> legend = new ArrayList<>();
        List<RunTrend.FunctionLine> lines = trend.getFunctions();
        for (int f = 0; f < lines.size(); f++) {
            RunTrend.FunctionLine line = lines.get(f);
            String colour = FUNCTION_COLOURS.get(f % FUNCTION_COLOURS.size());
            legend.add(new String[] {colour, RunRow.cut(line.getFunction(), MAX_LEGEND_NAME)});
            StringBuilder path = new StringBuilder();
            for (RunTrend.Point p : line.getPoints()) {
                path.append(path.length() == 0 ? "" : " ").append(num(LEFT + slot * p.buildIndex() + slot / 2))
                        .append(',').append(num(y(p.durationMillis(), top)));
            }
            if (line.getPoints().size() > 1) {
                out.append("<polyline points=\"").append(path).append("\" fill=\"none\" stroke=\"").append(colour)
                        .append("\" stroke-width=\"2\"/>");
            }
            for (RunTrend.Point p : line.getPoints()) {
                boolean failed = p.status() == RunStatus.ERROR;
                out.append("<circle cx=\"").append(num(LEFT + slot * p.buildIndex() + slot / 2)).append("\" cy=\"")
                        .append(num(y(p.durationMillis(), top))).append("\" r=\"").append(failed ? "4" : "3")
                        .append("\" fill=\"").append(colour).append('"')
                        .append(failed ? " stroke=\"" + colour(RunStatus.ERROR) + "\" stroke-width=\"2\"" : "")
                        .append("><title>").append(esc(line.getFunction() + " #" + p.buildNumber() + ": "
                                + RunRow.formatDuration(p.durationMillis()) + " (" + p.status().getLabel() + ")"))
                        .append("</title></circle>");
            }
        }
        legend(out, legend, trend.getOtherFunctions() == 0 ? null
                : Messages.TrendSvg_OtherFunctions(trend.getOtherFunctions()));
        out.append("</svg>");
    }

    /** A step of 100 ms, 1 s, 15 s, 1 min, 5 min, 1 h ... giving at most 5 ticks above zero. */
    static long durationStep(long max) {
        for (long step : DURATION_STEPS) {
            if (Math.ceil(max / (double) step) <= 5) {
                return step;
            }
        }
        long day = DURATION_STEPS[DURATION_STEPS.length - 1];
        return day * (long) Math.ceil(max / (5.0 * day));
    }

    // ---- shared drawing

    /** Opens a chart: its text alternative (the title), its heading, and the x axis. */
    private static void open(StringBuilder out, String id, String heading, String title) {
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"").append(id).append("\" width=\"")
                .append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH)
                .append(' ').append(HEIGHT).append("\" role=\"img\" aria-labelledby=\"").append(id)
                .append("-title\" font-size=\"11\"><title id=\"").append(id).append("-title\">").append(esc(title))
                .append("</title>");
        out.append("<text x=\"0\" y=\"14\" font-weight=\"bold\" fill=\"currentColor\">")
                .append(esc(heading)).append("</text>");
        out.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(TOP + PLOT_HEIGHT).append("\" x2=\"")
                .append(LEFT + PLOT_WIDTH).append("\" y2=\"").append(TOP + PLOT_HEIGHT)
                .append("\" stroke=\"currentColor\" stroke-opacity=\"0.4\"/>");
    }

    private static void yTick(StringBuilder out, double y, String label) {
        out.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(num(y)).append("\" x2=\"")
                .append(LEFT + PLOT_WIDTH).append("\" y2=\"").append(num(y))
                .append("\" stroke=\"currentColor\" stroke-opacity=\"0.12\"/>");
        out.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(num(y + 4))
                .append("\" text-anchor=\"end\" fill=\"currentColor\">").append(esc(label)).append("</text>");
    }

    private static void xLabel(StringBuilder out, List<RunTrend.BuildBar> builds, int i, double x) {
        int every = (int) Math.ceil(builds.size() / (double) MAX_X_LABELS);
        // The newest build is always labelled; the others every k-th counting back from it.
        if ((builds.size() - 1 - i) % every == 0) {
            out.append("<text x=\"").append(num(x)).append("\" y=\"").append(TOP + PLOT_HEIGHT + 15)
                    .append("\" text-anchor=\"middle\" fill=\"currentColor\">#").append(builds.get(i).getNumber())
                    .append("</text>");
        }
    }

    /** Colour squares and names along the bottom; then a note, if any. */
    private static void legend(StringBuilder out, List<String[]> entries, String note) {
        double x = 0;
        int y = HEIGHT - 8;
        for (String[] e : entries) {
            out.append("<rect x=\"").append(num(x)).append("\" y=\"").append(y - 9).append("\" width=\"10\" height=\"10\"")
                    .append(" fill=\"").append(e[0]).append("\"/>");
            out.append("<text x=\"").append(num(x + 14)).append("\" y=\"").append(y)
                    .append("\" fill=\"currentColor\">").append(esc(e[1])).append("</text>");
            x += 14 + e[1].length() * 6.5 + 14;
        }
        if (note != null) {
            out.append("<text x=\"").append(num(x)).append("\" y=\"").append(y)
                    .append("\" fill=\"currentColor\" fill-opacity=\"0.7\">").append(esc(note)).append("</text>");
        }
    }

    private static double y(long value, long top) {
        return TOP + PLOT_HEIGHT - PLOT_HEIGHT * (value / (double) top);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static int first(List<RunTrend.BuildBar> builds) {
        return builds.get(0).getNumber();
    }

    private static int last(List<RunTrend.BuildBar> builds) {
        return builds.get(builds.size() - 1).getNumber();
    }

    /** Escapes for XML text and attribute values. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? ' ' : c);
            }
        }
        return b.toString();
    }
}
