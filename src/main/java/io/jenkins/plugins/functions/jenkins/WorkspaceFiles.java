package io.jenkins.plugins.functions.jenkins;

import hudson.FilePath;
import io.jenkins.plugins.functions.runtime.build.ContextFolder;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A build's workspace, on whatever agent it is, as an image build's context reads it; also what
 * {@link io.jenkins.plugins.functions.jenkins.runs.WorkspaceReader} reads function files and code
 * through. Each call goes to the agent: use it off the Pipeline thread (the steps' launch pool).
 */
public final class WorkspaceFiles implements ContextFolder.Files {

    private final FilePath workspace;

    public WorkspaceFiles(FilePath workspace) {
        this.workspace = workspace;
    }

    /** Whether a file or folder is there. */
    public boolean exists(String path) throws IOException {
        return onAgent(() -> workspace.child(path).exists());
    }

    @Override
    public boolean isDirectory(String path) throws IOException {
        return onAgent(() -> workspace.child(path).isDirectory());
    }

    @Override
    public List<String> list(String folder) throws IOException {
        return onAgent(() -> {
            FilePath dir = workspace.child(folder);
            String base = dir.getRemote();
            List<String> names = new ArrayList<>();
            for (FilePath f : dir.list("**/*", null)) {
                names.add(f.getRemote().substring(base.length() + 1).replace('\\', '/'));
            }
            return names;
        });
    }

    @Override
    public byte[] read(String path) throws IOException {
        return onAgent(() -> {
            try (InputStream in = workspace.child(path).read()) {
                return in.readAllBytes();
            }
        });
    }

    /** A file's text, as {@link FilePath#readToString()} reads it. */
    public String readText(String path) throws IOException {
        return onAgent(() -> workspace.child(path).readToString());
    }

    @Override
    public boolean isExecutable(String path) throws IOException {
        return onAgent(() -> {
            int mode = workspace.child(path).mode();
            return mode > 0 && (mode & 0100) != 0; // -1 on Windows agents
        });
    }

    /** One call to the agent. */
    @FunctionalInterface
    private interface AgentCall<T> {
        T call() throws IOException, InterruptedException;
    }

    /** Makes the call; an interruption becomes an {@link InterruptedIOException}, the thread's flag set again. */
    private static <T> T onAgent(AgentCall<T> call) throws IOException {
        try {
            return call.call();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException io = new InterruptedIOException("interrupted while reading the workspace");
            io.initCause(e);
            throw io;
        }
    }
}
