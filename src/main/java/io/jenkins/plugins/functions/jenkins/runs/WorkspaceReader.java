package io.jenkins.plugins.functions.jenkins.runs;

import hudson.FilePath;
import io.jenkins.plugins.functions.spec.WorkspaceSources;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The build's workspace (on whatever agent it is) as {@link WorkspaceSources} and {@link BuildRun}
 * read it: function files and code. Its {@code toString()} is the workspace's path, for messages.
 */
public final class WorkspaceReader implements WorkspaceSources.Reader {

    private final FilePath workspace;

    private WorkspaceReader(FilePath workspace) {
        this.workspace = workspace;
    }

    /** The workspace as a reader; null when there is none (a Pipeline step outside a node block). */
    public static WorkspaceSources.Reader of(FilePath workspace) {
        return workspace == null ? null : new WorkspaceReader(workspace);
    }

    @Override
    public String toString() {
        return workspace.getRemote();
    }

    @Override
    public boolean exists(String path) throws IOException {
        try {
            return workspace.child(path).exists();
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    @Override
    public boolean isDirectory(String path) throws IOException {
        try {
            return workspace.child(path).isDirectory();
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    @Override
    public String read(String path) throws IOException {
        try {
            return workspace.child(path).readToString();
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    @Override
    public List<String> list(String folder) throws IOException {
        try {
            FilePath dir = workspace.child(folder);
            String base = dir.getRemote();
            List<String> names = new ArrayList<>();
            for (FilePath f : dir.list("**/*", null)) {
                names.add(f.getRemote().substring(base.length() + 1).replace('\\', '/'));
            }
            return names;
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    private static IOException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        InterruptedIOException io = new InterruptedIOException("interrupted while reading the workspace");
        io.initCause(e);
        return io;
    }
}
