package io.jenkins.plugins.functions.bench;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the JVM's live-object class histogram (the text of {@code jcmd <pid> GC.class_histogram},
 * which the benchmark gets from the DiagnosticCommand MBean) and compares two of them.
 */
final class Histograms {

    /** The key of the histogram's total line. */
    static final String TOTAL = "(total)";

    private Histograms() {
    }

    /** Class name to {instances, bytes}, and {@link #TOTAL} ({0, 0} if the text has no total). */
    static Map<String, long[]> parse(String text) {
        Map<String, long[]> classes = new HashMap<>();
        classes.put(TOTAL, new long[2]);
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                classes.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            } else if (f.length == 3 && f[0].equals("Total")) {
                classes.put(TOTAL, new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return classes;
    }

    /**
     * Live bytes added, grouped by who the classes belong to: the first of {@code prefixes} a class
     * name starts with, else {@code "JDK"} for {@code java.}, {@code jdk.}, {@code sun.} and arrays
     * ({@code [B}: byte arrays, whoever holds them), else {@code "other"}. In the order of
     * {@code prefixes}, then JDK, then other.
     */
    static Map<String, Long> growthBy(Map<String, long[]> before, Map<String, long[]> after, List<String> prefixes) {
        Map<String, Long> groups = new LinkedHashMap<>();
        prefixes.forEach(p -> groups.put(p, 0L));
        groups.put("JDK", 0L);
        groups.put("other", 0L);
        Set<String> names = new HashSet<>(before.keySet());
        names.addAll(after.keySet());
        names.remove(TOTAL);
        for (String name : names) {
            long delta = after.getOrDefault(name, new long[2])[1] - before.getOrDefault(name, new long[2])[1];
            String group = prefixes.stream().filter(name::startsWith).findFirst()
                    .orElse(name.startsWith("java.") || name.startsWith("jdk.") || name.startsWith("sun.")
                            || name.startsWith("[") ? "JDK" : "other");
            groups.merge(group, delta, Long::sum);
        }
        return groups;
    }

    /** The {@code top} classes whose live bytes grew most, as lines: bytes added, instances added, class. */
    static List<String> topGrowth(Map<String, long[]> before, Map<String, long[]> after, int top) {
        return after.entrySet().stream()
                .filter(e -> !e.getKey().equals(TOTAL))
                .map(e -> {
                    long[] b = before.getOrDefault(e.getKey(), new long[2]);
                    return Map.entry(e.getKey(), new long[] {e.getValue()[0] - b[0], e.getValue()[1] - b[1]});
                })
                .sorted((x, y) -> x.getValue()[1] != y.getValue()[1] ? Long.compare(y.getValue()[1], x.getValue()[1])
                        : x.getKey().compareTo(y.getKey()))
                .limit(top)
                .map(e -> String.format("%,12d B %,9d x  %s", e.getValue()[1], e.getValue()[0], e.getKey()))
                .toList();
    }
}
