package hudson.model;

import hudson.security.ACL;
import hudson.util.RunList;
import java.io.IOException;
import java.util.Collection;
import java.util.SortedMap;

/** Signature class: public shape of the Jenkins API, never shipped. */
public abstract class Job<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> extends AbstractItem {
    protected Job(ItemGroup parent, String name) {
        super(parent, name);
    }

    @Override
    public void save() throws IOException {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public Collection<? extends Job> getAllJobs() {
        throw new UnsupportedOperationException("signature only");
    }

    public abstract boolean isBuildable();

    public RunList<RunT> getBuilds() {
        throw new UnsupportedOperationException("signature only");
    }

    public SortedMap<Integer, RunT> getBuildsAsMap() {
        throw new UnsupportedOperationException("signature only");
    }

    public RunT getBuildByNumber(int n) {
        throw new UnsupportedOperationException("signature only");
    }

    protected abstract SortedMap<Integer, ? extends RunT> _getRuns();

    protected abstract void removeRun(RunT run);

    public RunT getLastBuild() {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public ACL getACL() {
        throw new UnsupportedOperationException("signature only");
    }
}
