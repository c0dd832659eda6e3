package io.jenkins.plugins.functions.runtime.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.functions.spec.SpecException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ContextArchiveTest {

    @Test
    void packsFilesAsATarGzSortedByPathWithLongPathsSplitIntoTheUstarPrefix() throws Exception {
        String longPath = "a".repeat(60) + "/" + "b".repeat(60) + "/file.txt";
        BuildContext.Archive archive = new ContextArchive("context", "workspace folder 'app'")
                .add("src/main.py", "print('hi')\n")
                .add("Dockerfile", "FROM scratch\n")
                .add("run.sh", new ContextArchive.Entry("echo\n".getBytes(), true))
                .add(longPath, "long")
                .pack();

        assertThat(TarGz.read(archive.tarGz())).containsExactly(
                org.assertj.core.api.Assertions.entry("Dockerfile", "FROM scratch\n"),
                org.assertj.core.api.Assertions.entry(longPath, "long"),
                org.assertj.core.api.Assertions.entry("run.sh", "echo\n"),
                org.assertj.core.api.Assertions.entry("src/main.py", "print('hi')\n"));
        assertThat(TarGz.mode(archive.tarGz(), "run.sh")).isEqualTo(0755);
        assertThat(TarGz.mode(archive.tarGz(), "Dockerfile")).isEqualTo(0644);
        assertThat(archive.describe()).startsWith("workspace folder 'app' (").contains("bytes packed");
    }

    @Test
    void theSameFilesGiveTheSameBytes() throws Exception {
        BuildContext.Archive one = new ContextArchive("context", "x").add("b", "2").add("a", "1").pack();
        BuildContext.Archive two = new ContextArchive("context", "x").add("a", "1").add("b", "2").pack();
        assertThat(one.sha256()).isEqualTo(two.sha256());
        assertThat(one.tarGz()).isEqualTo(two.tarGz());
    }

    @Test
    void aContextOverOneMebibytePackedIsRefusedWithItsSizeTheLimitAndTheGitAdvice() throws Exception {
        byte[] noise = new byte[1536 * 1024];
        new Random(7).nextBytes(noise); // does not compress
        ContextArchive archive = new ContextArchive("context", "workspace folder 'big'")
                .add("blob.bin", new ContextArchive.Entry(noise, false));

        assertThatThrownBy(archive::pack).isInstanceOfSatisfying(SpecException.class, e -> {
            assertThat(e.getField()).isEqualTo("context");
            assertThat(e.getValue()).startsWith("workspace folder 'big' (").endsWith(" bytes packed)");
            assertThat(e.getAllowed()).contains("at most 1048576 bytes (1 MiB) packed").contains("gitUrl");
        });
    }

    @Test
    void aContextTooLargeToPackIsRefusedBeforeItIsAllRead() throws Exception {
        ContextArchive archive = new ContextArchive("context", "workspace folder 'huge'");
        byte[] chunk = new byte[8 * 1024 * 1024];
        archive.add("1", new ContextArchive.Entry(chunk, false)).add("2", new ContextArchive.Entry(chunk, false))
                .add("3", new ContextArchive.Entry(chunk, false)).add("4", new ContextArchive.Entry(chunk, false));

        assertThatThrownBy(() -> archive.add("5", new ContextArchive.Entry(new byte[1], false)))
                .isInstanceOfSatisfying(SpecException.class, e -> {
                    assertThat(e.getValue()).contains("more than 33554432 bytes before packing");
                    assertThat(e.getAllowed()).contains("1 MiB");
                });
    }

    @Test
    void pathsOutsideTheContextAreRefused() {
        for (String bad : new String[] {"/etc/passwd", "../x", "a/../../x", "a\\b", ""}) {
            assertThatThrownBy(() -> new ContextArchive("context", "x").add(bad, "y"))
                    .as(bad).isInstanceOf(SpecException.class);
        }
    }
}
