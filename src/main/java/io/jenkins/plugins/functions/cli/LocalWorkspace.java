package io.jenkins.plugins.functions.cli;

import io.jenkins.plugins.functions.spec.WorkspaceSources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The command line's workspace: a local folder (the current directory). */
final class LocalWorkspace implements WorkspaceSources.Reader {

    private final Path root;

    LocalWorkspace(Path root) {
        this.root = root;
    }

    @Override
    public boolean exists(String path) {
        return Files.exists(root.resolve(path));
    }

    @Override
    public boolean isDirectory(String path) {
        return Files.isDirectory(root.resolve(path));
    }

    @Override
    public String read(String path) throws IOException {
        return Files.readString(root.resolve(path), StandardCharsets.UTF_8);
    }

    @Override
    public List<String> list(String folder) throws IOException {
        Path dir = root.resolve(folder);
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .toList();
        }
    }
}
