package io.jenkins.plugins.functions.jenkins.builders;

import io.jenkins.plugins.functions.spec.WorkspaceSources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** A local folder as a build's workspace: what FilePath gives in Jenkins, which tests cannot build. */
final class LocalFolder implements WorkspaceSources.Reader {

    private final Path root;

    LocalFolder(Path root) {
        this.root = root.toAbsolutePath();
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
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/')).toList();
        }
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
