package io.jenkins.plugins.functions.jenkins.runs;

import hudson.FilePath;
import io.jenkins.plugins.functions.jenkins.WorkspaceFiles;
import io.jenkins.plugins.functions.spec.WorkspaceSources;
import java.io.IOException;
import java.util.List;

/**
 * The build's workspace (on whatever agent it is) as {@link WorkspaceSources} and {@link BuildRun}
 * read it: function files and code, read on the agent by {@link WorkspaceFiles}. Its
 * {@code toString()} is the workspace's path, for messages.
 */
public final class WorkspaceReader implements WorkspaceSources.Reader {

    private final FilePath workspace;
    private final WorkspaceFiles files;

    private WorkspaceReader(FilePath workspace) {
        this.workspace = workspace;
        this.files = new WorkspaceFiles(workspace);
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
        return files.exists(path);
    }

    @Override
    public boolean isDirectory(String path) throws IOException {
        return files.isDirectory(path);
    }

    @Override
    public String read(String path) throws IOException {
        return files.readText(path);
    }

    @Override
    public List<String> list(String folder) throws IOException {
        return files.list(folder);
    }
}
