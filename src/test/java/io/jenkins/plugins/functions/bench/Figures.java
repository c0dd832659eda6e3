package io.jenkins.plugins.functions.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/** Summaries of measured values (milliseconds, bytes, counts) for the benchmark's tables. */
final class Figures {

    private Figures() {
    }

    /** Count, median, 99th percentile, maximum and mean of some values; NaN for none. */
    record Summary(int count, double p50, double p99, double max, double mean) {
        static final Summary NONE = new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    static Summary summarize(Collection<? extends Number> values) {
        double[] v = values.stream().mapToDouble(Number::doubleValue).toArray();
        if (v.length == 0) {
            return Summary.NONE;
        }
        Arrays.sort(v);
        return new Summary(v.length, percentile(v, 50), percentile(v, 99), v[v.length - 1],
                Arrays.stream(v).average().orElse(Double.NaN));
    }

    /** Nearest-rank percentile of sorted values: the smallest value with at least p% of them at or below it. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The most intervals {start, end} that overlap at one moment (an end and a start at the same moment do not). */
    static int peakOverlap(List<long[]> intervals) {
        List<long[]> events = new ArrayList<>();
        for (long[] i : intervals) {
            events.add(new long[] {i[0], 1});
            events.add(new long[] {i[1], -1});
        }
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int current = 0;
        int peak = 0;
        for (long[] e : events) {
            current += (int) e[1];
            peak = Math.max(peak, current);
        }
        return peak;
    }

    /** A value for a table: {@code -} for NaN, no decimals from 100 on, one below. */
    static String fmt(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        if (Math.abs(value) >= 100) {
            return String.format("%.0f", value);
        }
        return String.format("%.1f", value);
    }

    /** A ratio for a table: two decimals, {@code -} if either side is missing or the divisor is not positive. */
    static String ratio(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || b <= 0) {
            return "-";
        }
        return String.format("%.2f", a / b);
    }
}
