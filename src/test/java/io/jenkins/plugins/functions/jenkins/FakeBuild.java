package io.jenkins.plugins.functions.jenkins;

import hudson.model.Action;
import hudson.model.Cause;
import hudson.model.ItemGroup;
import hudson.model.Job;
import hudson.model.Run;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import jenkins.model.RunAction2;

/**
 * A build test double: keeps its actions in memory and counts saves. The signature classes it
 * extends have no behaviour, so everything the plugin calls on a build is overridden here.
 */
public final class FakeBuild extends Run<FakeBuild.FakeJob, FakeBuild> {

    private final String jobName;
    private final int number;
    private final List<Action> actions = new CopyOnWriteArrayList<>();
    private final AtomicInteger saves = new AtomicInteger();
    private volatile boolean building = true;
    private volatile List<Cause> causes = List.of();

    public FakeBuild(String jobName, int number) {
        super(new FakeJob(), 0L);
        this.jobName = jobName;
        this.number = number;
    }

    @Override
    public String getExternalizableId() {
        return jobName + "#" + number;
    }

    @Override
    public int getNumber() {
        return number;
    }

    @Override
    public String getUrl() {
        return "job/" + jobName.replace("/", "/job/") + "/" + number + "/";
    }

    @Override
    public String getFullDisplayName() {
        return jobName + " #" + number;
    }

    @Override
    public File getRootDir() {
        return new File("target/fake-builds/" + jobName + "/" + number);
    }

    @Override
    public synchronized void save() throws IOException {
        saves.incrementAndGet();
    }

    public int saves() {
        return saves.get();
    }

    /** Running until {@link #finish()}. */
    @Override
    public boolean isBuilding() {
        return building;
    }

    public FakeBuild finish() {
        building = false;
        return this;
    }

    @Override
    public List<Action> getActions() {
        return actions;
    }

    @Override
    public <T extends Action> List<T> getActions(Class<T> type) {
        return actions.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Override
    public <T extends Action> T getAction(Class<T> type) {
        return getActions(type).stream().findFirst().orElse(null);
    }

    @Override
    public void addAction(Action a) {
        actions.add(a);
        if (a instanceof RunAction2 r) {
            r.onAttached(this);
        }
    }

    /** The build's causes (what started it); none unless set. */
    public FakeBuild withCauses(Cause... newCauses) {
        this.causes = List.of(newCauses);
        return this;
    }

    @Override
    public List<Cause> getCauses() {
        return causes;
    }

    @Override
    public String toString() {
        return getFullDisplayName();
    }

    /** The build's job: only its type matters to the plugin (names come from the build's id). */
    public static final class FakeJob extends Job<FakeJob, FakeBuild> {
        FakeJob() {
            super((ItemGroup) null, "fake");
        }

        @Override
        public boolean isBuildable() {
            return true;
        }

        @Override
        protected SortedMap<Integer, ? extends FakeBuild> _getRuns() {
            return new TreeMap<>();
        }

        @Override
        protected void removeRun(FakeBuild run) {
        }
    }
}
