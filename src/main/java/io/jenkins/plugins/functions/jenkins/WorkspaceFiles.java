package io.jenkins.plugins.functions.jenkins;

import hudson.FilePath;
import io.jenkins.plugins.functions.runtime.build.ContextFolder;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A build's workspace, on whatever agent it is, as an image build's context reads it. Each call
 * goes to the agent: use it off the Pipeline thread (the steps' launch pool).
 */
public final class WorkspaceFiles implements ContextFolder.Files {

    private final FilePath workspace;

    public WorkspaceFiles(FilePath workspace) {
        this.workspace = workspace;
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

    @Override
    public byte[] read(String path) throws IOException {
        try (InputStream in = workspace.child(path).read()) {
            return in.readAllBytes();
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    @Override
    public boolean isExecutable(String path) throws IOException {
        try {
            int mode = workspace.child(path).mode();
            return mode > 0 && (mode & 0100) != 0; // -1 on Windows agents
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
