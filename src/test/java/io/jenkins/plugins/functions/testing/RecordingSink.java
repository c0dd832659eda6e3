package io.jenkins.plugins.functions.testing;

import io.jenkins.plugins.functions.observability.MetricsSink;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A metrics sink that keeps everything in memory, for tests to read back. */
public final class RecordingSink implements MetricsSink {

    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final Map<String, List<Duration>> durations = new ConcurrentHashMap<>();
    private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();

    @Override
    public void count(String name, long delta) {
        counters.computeIfAbsent(name, k -> new AtomicLong()).addAndGet(delta);
    }

    @Override
    public void duration(String name, Duration value) {
        durations.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(value);
    }

    @Override
    public void gauge(String name, LongSupplier value) {
        gauges.putIfAbsent(name, value);
    }

    /** A counter's value; 0 when it was never counted. */
    public long counter(String name) {
        AtomicLong c = counters.get(name);
        return c == null ? 0 : c.get();
    }

    /** Every counter, by name. */
    public Map<String, Long> counters() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** The durations recorded under a name, in order. */
    public List<Duration> durations(String name) {
        return List.copyOf(durations.getOrDefault(name, List.of()));
    }

    /** A gauge's current value, or null when none of that name is registered. */
    public Long gauge(String name) {
        LongSupplier g = gauges.get(name);
        return g == null ? null : g.getAsLong();
    }

    /** The names of the registered gauges. */
    public java.util.Set<String> gaugeNames() {
        return new java.util.TreeSet<>(gauges.keySet());
    }
}
