package hudson.model;

import hudson.security.ACL;
import hudson.security.AccessControlled;
import java.io.File;
import java.io.IOException;
import java.util.List;
import org.springframework.security.access.AccessDeniedException;

/** Signature class: public shape of the Jenkins API, never shipped. */
public abstract class Run<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> extends Actionable
        implements AccessControlled {
    protected Run(JobT job) throws IOException {
    }

    protected Run(JobT job, long timestamp) {
    }

    public Result getResult() {
        throw new UnsupportedOperationException("signature only");
    }

    public boolean isBuilding() {
        throw new UnsupportedOperationException("signature only");
    }

    public List<Cause> getCauses() {
        throw new UnsupportedOperationException("signature only");
    }

    public JobT getParent() {
        throw new UnsupportedOperationException("signature only");
    }

    public final long getTimeInMillis() {
        throw new UnsupportedOperationException("signature only");
    }

    public final long getStartTimeInMillis() {
        throw new UnsupportedOperationException("signature only");
    }

    public String getFullDisplayName() {
        throw new UnsupportedOperationException("signature only");
    }

    public String getDisplayName() {
        throw new UnsupportedOperationException("signature only");
    }

    public int getNumber() {
        throw new UnsupportedOperationException("signature only");
    }

    public String getUrl() {
        throw new UnsupportedOperationException("signature only");
    }

    public String getId() {
        throw new UnsupportedOperationException("signature only");
    }

    public File getRootDir() {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public ACL getACL() {
        throw new UnsupportedOperationException("signature only");
    }

    public synchronized void save() throws IOException {
        throw new UnsupportedOperationException("signature only");
    }

    public String getExternalizableId() {
        throw new UnsupportedOperationException("signature only");
    }

    public static Run<?, ?> fromExternalizableId(String id) throws IllegalArgumentException, AccessDeniedException {
        throw new UnsupportedOperationException("signature only");
    }
}
