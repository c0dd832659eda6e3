package io.jenkins.plugins.functions.kubernetes;

import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Records what the engine tells about one run. */
class RecordingListener implements RunListener {

    final List<String> events = new CopyOnWriteArrayList<>();
    final List<RunState> states = new CopyOnWriteArrayList<>();
    final List<String> lines = new CopyOnWriteArrayList<>();
    final AtomicInteger completions = new AtomicInteger();
    final CompletableFuture<RunOutcome> outcome = new CompletableFuture<>();
    final CompletableFuture<Void> running = new CompletableFuture<>();
    volatile LogCursor cursor = LogCursor.START;
    final List<String> pods = new CopyOnWriteArrayList<>();
    final List<io.jenkins.plugins.functions.observability.ResourceUsage> usage = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(String message) {
        events.add(message);
    }

    @Override
    public void onState(RunState state, Instant at, String detail) {
        states.add(state);
        if (state == RunState.RUNNING) {
            running.complete(null);
        }
    }

    @Override
    public void onLog(LogLine line) {
        lines.add(line.text());
    }

    @Override
    public void onLogCursor(LogCursor c) {
        cursor = c;
    }

    @Override
    public void onPod(String namespace, String name) {
        pods.add(namespace + "/" + name);
    }

    @Override
    public void onResourceUsage(io.jenkins.plugins.functions.observability.ResourceUsage u) {
        usage.add(u);
    }

    @Override
    public void onComplete(RunOutcome result) {
        completions.incrementAndGet();
        outcome.complete(result);
    }

    RunOutcome await(Duration timeout) throws Exception {
        return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void awaitRunning(Duration timeout) throws Exception {
        running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
