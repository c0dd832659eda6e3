package io.jenkins.plugins.functions.jenkins.builders;

import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.functions.jenkins.runs.BuildRun;
import io.jenkins.plugins.functions.jenkins.runs.FunctionCall;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.spec.WorkspaceSources;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A run waited for on a freestyle build's own executor thread. The run goes through the same
 * {@link BuildRun} as a Pipeline step: launched on the shared launch pool, followed by the
 * engine's informers. The executor thread only waits on a future the engine completes; it never
 * talks to the cluster itself.
 *
 * <p>Aborting the build interrupts the executor thread: the run is then stopped (its workload
 * deleted, its record STOPPED) and the thread waits a little for that to be done before the build
 * ends as aborted.
 */
final class ExecutorRun implements BuildRun.Observer {

    /** How long an aborted build waits for its run's workload to be deleted and recorded. */
    static final Duration STOP_WAIT = Duration.ofSeconds(60);

    /** How a run ended. */
    record Ended(RunRecord record, RunOutcome outcome, AbortException startFailure) {
    }

    private final CompletableFuture<Ended> ended = new CompletableFuture<>();

    private ExecutorRun() {
    }

    /**
     * Records, starts and waits for a run.
     *
     * @param configurer adds the builder's action's own parts to the request (an image build); null for none
     * @throws InterruptedException when the build was aborted; the run was stopped first
     */
    static Ended runAndWait(FunctionCall call, BuildRun.RequestConfigurer configurer, Run<?, ?> build,
                            WorkspaceSources.Reader workspace, Map<String, String> env, TaskListener listener)
            throws IOException, InterruptedException {
        ExecutorRun waiter = new ExecutorRun();
        BuildRun run = BuildRun.record(call, BuildRun.newRunId(), build, listener, workspace, env, waiter)
                .configuredBy(configurer);
        run.launchAsync();
        try {
            return waiter.ended.get();
        } catch (InterruptedException aborted) {
            run.stop("the build was aborted");
            waiter.awaitStop(listener);
            throw aborted;
        } catch (ExecutionException e) {
            throw new IOException(call.caller() + ": " + e.getCause(), e.getCause());
        }
    }

    /** After an abort: wait for the stop to be done, ignoring further interrupts, then re-assert them. */
    private void awaitStop(TaskListener listener) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        try {
            while (true) {
                try {
                    ended.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    return;
                } catch (InterruptedException again) {
                    interrupted = true;
                } catch (TimeoutException e) {
                    listener.getLogger().println(BuildRun.PREFIX + "The run was not confirmed stopped within "
                            + STOP_WAIT.toSeconds() + "s; its deletion goes on in the background");
                    return;
                } catch (ExecutionException e) {
                    return;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void ended(RunRecord record, RunOutcome outcome, AbortException startFailure) {
        ended.complete(new Ended(record, outcome, startFailure));
    }
}
