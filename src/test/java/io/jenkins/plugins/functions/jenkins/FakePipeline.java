package io.jenkins.plugins.functions.jenkins;

import hudson.FilePath;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * A Pipeline test double for one step, persisting as workflow-cps does (see
 * {@code ../shared/jenkins-api/behaviour.md}): the step execution is written with the program
 * (Java serialisation here, JBoss Marshalling there) exactly when {@code start()} returns, and
 * again only when the test says so ({@link #saveProgram()}, a moment Jenkins picks); a change to
 * the execution's fields on another thread after that is not on disk.
 *
 * <p>A restart ({@link #kill}, {@link #shutdown}) reads the build back from a copy of its
 * directory as it was at that instant ({@link FakeBuild#crashCopy}, {@link FakeBuild#load}) and
 * the execution from the last program save, binds a new context to the loaded build and calls
 * {@code onResume()}: only what Jenkins would have kept survives. What the dead controller's
 * threads do afterwards goes to the old directory, which nobody reads again.
 */
public final class FakePipeline {

    private final FakeBuild build;
    private final FakeStepContext context;
    private final StepExecution execution;
    private final FilePath workspace;
    private volatile byte[] program;

    private FakePipeline(FakeBuild build, FakeStepContext context, StepExecution execution, FilePath workspace,
                         byte[] program) {
        this.build = build;
        this.context = context;
        this.execution = execution;
        this.workspace = workspace;
        this.program = program;
    }

    /** Starts the step on the build as the CPS VM thread does, and saves the program when {@code start()} returns. */
    public static FakePipeline start(Step step, FakeBuild build, FilePath workspace) throws Exception {
        FakeStepContext context = new FakeStepContext(build, workspace);
        StepExecution execution = step.start(context);
        execution.start();
        return new FakePipeline(build, context, execution, workspace, serialize(execution));
    }

    /** The program is saved again now (Jenkins' own choice of moment: another branch moved on). */
    public FakePipeline saveProgram() throws IOException {
        program = serialize(execution);
        return this;
    }

    public FakeBuild build() {
        return build;
    }

    public FakeStepContext context() {
        return context;
    }

    public StepExecution execution() {
        return execution;
    }

    /** The program as last saved. */
    public byte[] program() {
        return program;
    }

    /**
     * The controller is killed now (SIGKILL): nothing is flushed or saved; what is on disk is what
     * the next controller finds. {@code between} runs after the instant of death and before the
     * restart: the test stops the dead controller's engine and puts the new one in place.
     *
     * @return the Pipeline of the restarted controller, its step resumed
     */
    public FakePipeline kill(String label, Between between) throws Exception {
        File copy = crash(label);
        between.run();
        return restart(copy);
    }

    /**
     * What a controller killed at this instant leaves on disk ({@link FakeBuild#crashCopy}); the
     * test stops the dead controller's engine at once and restarts later with {@link #restart}.
     */
    public File crash(String label) throws IOException {
        return build.crashCopy(label);
    }

    /**
     * A clean shutdown: the build log's streams are flushed and closed, as Jenkins does; the
     * program and build.xml are not saved again for this step (see behaviour.md).
     */
    public FakePipeline shutdown(String label, Between between) throws Exception {
        build.listener().getLogger().flush();
        return kill(label, between);
    }

    /** A new controller starts on what a dead one left ({@link #crash}): the build loads, the step resumes. */
    public FakePipeline restart(File dir) throws Exception {
        FakeBuild loaded = FakeBuild.load(build.jobName(), build.getNumber(), dir);
        FakeStepContext[] bound = new FakeStepContext[1];
        StepExecution resumed;
        try (ObjectInputStream in = new Resolving(program, loaded, workspace, bound)) {
            resumed = (StepExecution) in.readObject();
        }
        resumed.onResume();
        return new FakePipeline(loaded, bound[0], resumed, workspace, program);
    }

    /** What happens between a controller's death and its restart. */
    @FunctionalInterface
    public interface Between {
        void run() throws Exception;
    }

    private static byte[] serialize(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    /** Reads a program back, binding its step context to the loaded build (as Jenkins' pickles do). */
    private static final class Resolving extends ObjectInputStream {
        private final FakeBuild build;
        private final FilePath workspace;
        private final FakeStepContext[] bound;

        Resolving(byte[] program, FakeBuild build, FilePath workspace, FakeStepContext[] bound) throws IOException {
            super(new ByteArrayInputStream(program));
            this.build = build;
            this.workspace = workspace;
            this.bound = bound;
            enableResolveObject(true);
        }

        @Override
        protected Object resolveObject(Object obj) {
            if (obj instanceof FakeStepContext c) {
                bound[0] = c.bind(build, workspace);
                return bound[0];
            }
            return obj;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            return Class.forName(desc.getName(), false, FakePipeline.class.getClassLoader());
        }
    }
}
