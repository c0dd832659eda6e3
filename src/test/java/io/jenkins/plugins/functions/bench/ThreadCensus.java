package io.jenkins.plugins.functions.bench;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Sorts the JVM's live threads by whose they are, by name, so that the plugin's threads can be
 * counted apart from the simulated API server's (MockWebServer serves each connection on a thread
 * of its own) and the simulation's.
 *
 * <p>okhttp names the threads of every client alike ({@code OkHttp Dispatcher}, {@code OkHttp
 * ConnectionPool}, {@code OkHttp http://127.0.0.1:port/...} with the path redacted), so the
 * simulator's own client's threads are told apart by identity: the threads alive right after the
 * simulator started (its watches hold theirs for good) are the simulator's.
 */
final class ThreadCensus {

    enum Side {
        /** The JVM's own threads. */
        JVM,
        /** The benchmark's own threads (sampler, drivers): named {@code bench-}. */
        BENCHMARK,
        /**
         * The mock API server: {@code MockWebServer ...}, one per open connection, and {@code
         * pool-N-thread-M}, the single-thread executor fabric8's mock server starts for every
         * watch it serves ({@code WebSocketSession}); the client side names its pools.
         */
        SERVER,
        /** The cluster simulation: its control loop and its own client's threads. */
        SIMULATOR,
        /** Everything else: the engine (or the hand-written sequence), its fabric8 and okhttp client. */
        CLIENT
    }

    private static final Set<String> JVM_THREADS = Set.of("main", "Reference Handler", "Finalizer",
            "Signal Dispatcher", "Common-Cleaner", "Notification Thread", "Attach Listener", "process reaper",
            "DestroyJavaVM", "JFR Periodic Tasks", "JFR Recorder Thread", "Service Thread");

    private static final Pattern DEFAULT_POOL = Pattern.compile("pool-[0-9]+-thread-[0-9]+");

    private final Set<Long> simulatorThreads;

    /** @param simulatorThreads ids of the threads alive right after the simulator started (see the class comment) */
    ThreadCensus(Set<Long> simulatorThreads) {
        this.simulatorThreads = Set.copyOf(simulatorThreads);
    }

    /**
     * The ids of the live threads that their names alone would count as a client's: called right
     * after the simulator started, before any other client exists, these are the simulator's.
     */
    static Set<Long> clientLikeThreads() {
        return live().stream().filter(t -> side(t.getName()) == Side.CLIENT).map(Thread::getId)
                .collect(Collectors.toSet());
    }

    Side side(Thread t) {
        Side byName = side(t.getName());
        if (byName == Side.CLIENT && simulatorThreads.contains(t.getId())) {
            return Side.SIMULATOR;
        }
        return byName;
    }

    /** Whose a thread is by its name alone. */
    static Side side(String name) {
        if (JVM_THREADS.contains(name) || name.startsWith("GC ")
                || name.startsWith("C1 ") || name.startsWith("C2 ") || name.endsWith(".main()")) {
            return Side.JVM;
        }
        if (name.startsWith("bench-")) {
            return Side.BENCHMARK;
        }
        if (name.startsWith("MockWebServer") || DEFAULT_POOL.matcher(name).matches()) {
            return Side.SERVER;
        }
        if (name.startsWith("cluster-simulator")) {
            return Side.SIMULATOR;
        }
        return Side.CLIENT;
    }

    /** How many live threads each side has, now. */
    Map<Side, Integer> count() {
        return count(live());
    }

    Map<Side, Integer> count(List<Thread> threads) {
        Map<Side, Integer> counts = new EnumMap<>(Side.class);
        for (Side s : Side.values()) {
            counts.put(s, 0);
        }
        for (Thread t : threads) {
            counts.merge(side(t), 1, Integer::sum);
        }
        return counts;
    }

    /** The live threads of one side grouped by name, digits folded ({@link #group}), largest group first. */
    Map<String, Integer> groups(List<Thread> threads, Side side) {
        Map<String, Integer> groups = new TreeMap<>();
        for (Thread t : threads) {
            if (side(t) == side) {
                groups.merge(group(t.getName()), 1, Integer::sum);
            }
        }
        return groups.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    /** A thread name with every run of digits replaced by {@code #}: the name of its family. */
    static String group(String name) {
        return name.replaceAll("[0-9]+", "#");
    }

    /** Every live thread, without a safepoint to walk their stacks. */
    static List<Thread> live() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 64];
        int n;
        while ((n = root.enumerate(threads, true)) == threads.length) {
            threads = new Thread[threads.length * 2];
        }
        return Arrays.asList(Arrays.copyOf(threads, n));
    }
}
