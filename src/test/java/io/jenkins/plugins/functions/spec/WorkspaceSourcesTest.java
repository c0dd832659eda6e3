package io.jenkins.plugins.functions.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.functions.model.FunctionSpec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WorkspaceSourcesTest {

    /** A workspace in memory: files by path; folders are the prefixes. */
    private static WorkspaceSources.Reader workspace(Map<String, String> files) {
        Map<String, String> all = new TreeMap<>(files);
        return new WorkspaceSources.Reader() {
            @Override
            public boolean exists(String path) {
                return all.containsKey(path) || isDirectory(path);
            }

            @Override
            public boolean isDirectory(String path) {
                return all.keySet().stream().anyMatch(k -> k.startsWith(path + "/"));
            }

            @Override
            public String read(String path) {
                return all.get(path);
            }

            @Override
            public List<String> list(String folder) {
                return all.keySet().stream().filter(k -> k.startsWith(folder + "/"))
                        .map(k -> k.substring(folder.length() + 1)).toList();
            }
        };
    }

    private static FunctionSpec python(Object path) {
        return FunctionSpec.of("hello", "python", Map.of("source", Map.of("path", path), "handler", "main:handler"));
    }

    @Test
    void aFolderBecomesItsFilesWithoutCachesOrVcs() throws Exception {
        var ws = workspace(Map.of("src/fn/main.py", "def handler(p): return p", "src/fn/util/io.py", "X = 1",
                "src/fn/__pycache__/main.cpython-312.pyc", "binary", "src/fn/.git/HEAD", "ref", "other.py", "no"));
        FunctionSpec resolved = WorkspaceSources.resolve(python("src/fn/"), ws);

        assertThat(resolved.field("source")).isEqualTo(Map.of("files",
                Map.of("main.py", "def handler(p): return p", "util/io.py", "X = 1")));
        assertThat(resolved.version()).as("the code is part of the spec").isNotEqualTo(python("src/fn/").version());
        var changed = WorkspaceSources.resolve(python("src/fn"),
                workspace(Map.of("src/fn/main.py", "def handler(p): return {}", "src/fn/util/io.py", "X = 1")));
        assertThat(changed.version()).as("a code change is a new version").isNotEqualTo(resolved.version());
    }

    @Test
    void aFileBecomesOneFile() throws Exception {
        FunctionSpec resolved = WorkspaceSources.resolve(python("jobs/main.py"),
                workspace(Map.of("jobs/main.py", "def handler(p): pass")));
        assertThat(resolved.field("source")).isEqualTo(Map.of("files", Map.of("main.py", "def handler(p): pass")));
    }

    @Test
    void aSpecWithoutAPathIsUnchanged() throws Exception {
        FunctionSpec inline = FunctionSpec.of("hello", "python", Map.of("source", Map.of("code", "x = 1")));
        assertThat(WorkspaceSources.resolve(inline, workspace(Map.of()))).isSameAs(inline);
    }

    @Test
    void pathsOutsideTheWorkspaceOrMissingAreRefused() {
        var ws = workspace(Map.of("a/main.py", "x"));
        for (String bad : List.of("/etc/passwd", "../secrets", "a/../../x", "a\\main.py")) {
            assertThatThrownBy(() -> WorkspaceSources.resolve(python(bad), ws)).as(bad)
                    .isInstanceOf(SpecException.class).hasMessageContaining("field 'source.path'")
                    .hasMessageContaining("inside the workspace");
        }
        assertThatThrownBy(() -> WorkspaceSources.resolve(python("nope/"), ws))
                .isInstanceOf(SpecException.class).hasMessageContaining("must name a file or folder that exists");
    }
}
