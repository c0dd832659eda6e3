package io.jenkins.plugins.functions.runtime.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** A folder of the local disk as a workspace, for tests. */
public record LocalContextFiles(Path root) implements ContextFolder.Files {
    @Override
    public boolean isDirectory(String path) {
        return Files.isDirectory(root.resolve(path));
    }

    @Override
    public List<String> list(String folder) throws IOException {
        Path dir = root.resolve(folder);
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/')).toList();
        }
    }

    @Override
    public byte[] read(String path) throws IOException {
        return Files.readAllBytes(root.resolve(path));
    }

    @Override
    public boolean isExecutable(String path) {
        return Files.isExecutable(root.resolve(path));
    }
}
