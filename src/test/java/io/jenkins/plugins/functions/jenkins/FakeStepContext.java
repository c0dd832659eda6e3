package io.jenkins.plugins.functions.jenkins;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import hudson.FilePath;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jenkinsci.plugins.workflow.steps.BodyInvoker;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * A Pipeline step context test double: hands out a build, a listener writing to the build's log
 * (a {@link FakeBuild}'s log file, as every step of a Jenkins build writes to the one log; memory
 * for another build), and optionally a workspace; records how the step ended. Serializable like
 * the real one, with the build and log kept in transient fields re-bound by tests after a round
 * trip ({@link #bind}).
 */
public final class FakeStepContext extends StepContext {

    private static final long serialVersionUID = 1L;

    private transient Run<?, ?> build;
    private transient FilePath workspace;
    private transient ByteArrayOutputStream log;
    private transient PrintStream logStream;
    private transient CompletableFuture<Object> outcome;
    private transient int completions;
    private transient hudson.EnvVars env;

    public FakeStepContext(Run<?, ?> build, FilePath workspace) {
        bind(build, workspace);
    }

    /**
     * After a deserialization (a restart): give the context its build (loaded again) and
     * workspace; the log goes on in the build's log.
     */
    public FakeStepContext bind(Run<?, ?> newBuild, FilePath newWorkspace) {
        this.build = newBuild;
        this.workspace = newWorkspace;
        if (newBuild instanceof FakeBuild fake) {
            this.log = null;
            this.logStream = fake.listener().getLogger();
        } else {
            this.log = new ByteArrayOutputStream();
            this.logStream = new PrintStream(log, true, StandardCharsets.UTF_8);
        }
        this.outcome = new CompletableFuture<>();
        return this;
    }

    /** The step's environment variables ({@code context.get(EnvVars.class)}); none unless set. */
    public FakeStepContext withEnv(java.util.Map<String, String> vars) {
        hudson.EnvVars e = new hudson.EnvVars();
        e.putAll(vars);
        this.env = e;
        return this;
    }

    /** The build log as a user sees it (flushed): the whole build's log for a {@link FakeBuild}. */
    public String log() {
        if (build instanceof FakeBuild fake) {
            return fake.log();
        }
        return log.toString(StandardCharsets.UTF_8);
    }

    /** Waits for the step to end; returns its value, or throws what it failed with. */
    public Object await(Duration timeout) throws Exception {
        try {
            return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    public CompletableFuture<Object> outcome() {
        return outcome;
    }

    /** How many times the step reported its end (must be exactly once). */
    public synchronized int completions() {
        return completions;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Class<T> key) {
        if (key == Run.class) {
            return (T) build;
        }
        if (key == TaskListener.class) {
            return (T) (TaskListener) () -> logStream;
        }
        if (key == FilePath.class) {
            return (T) workspace;
        }
        if (key == hudson.EnvVars.class) {
            return (T) env;
        }
        return null;
    }

    @Override
    public synchronized void onSuccess(Object result) {
        completions++;
        outcome.complete(result);
    }

    @Override
    public synchronized void onFailure(Throwable t) {
        completions++;
        outcome.completeExceptionally(t);
    }

    @Override
    public boolean isReady() {
        return outcome.isDone();
    }

    @Override
    public ListenableFuture<Void> saveState() {
        return Futures.immediateFuture(null);
    }

    @Override
    public void setResult(Result r) {
    }

    @Override
    public BodyInvoker newBodyInvoker() {
        throw new IllegalStateException("runFunction takes no body");
    }

    @Override
    public boolean equals(Object o) {
        return o == this;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
