package io.jenkins.plugins.functions.jenkins.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.functions.jenkins.FakeBuild;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;

/** The end of a build log that a resumed run skips lines of: in order, from the stored offset. */
class LogTailTest {

    @Test
    void resumedLinesAreSkippedWhileTheyFollowEachOtherInTheLog() {
        LogTail tail = LogTail.of("line 4\n[function-runtimes] other run created\nline 5\nother branch\n");

        assertThat(tail.alreadyCopied("line 4")).isTrue();
        assertThat(tail.alreadyCopied("line 5")).as("other lines between do not matter").isTrue();
        assertThat(tail.alreadyCopied("line 6")).isFalse();
        assertThat(tail.alreadyCopied("other branch")).as("once a line is new, every later one is").isFalse();
    }

    @Test
    void aLineIsMatchedOnlyAfterThePreviousMatch() {
        LogTail tail = LogTail.of("b\na\n");

        assertThat(tail.alreadyCopied("a")).isTrue();
        assertThat(tail.alreadyCopied("b")).as("b came before a: it was not copied after it").isFalse();
    }

    @Test
    void consoleNotesAreNotPartOfALinesText() {
        LogTail tail = LogTail.of("\u001B[8mha:AAAAWB+LCAAAAAAAAP9b\u001B[0mline 1\r\n");

        assertThat(tail.alreadyCopied("line 1")).isTrue();
    }

    @Test
    void readsTheBuildLogFromTheOffsetOn() throws Exception {
        FakeBuild build = new FakeBuild("app", 1);
        var log = build.getRootDir().toPath().resolve("log");
        Files.writeString(log, "line 1\nline 2\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        long offset = Files.size(log);
        Files.writeString(log, "line 3\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        LogTail tail = LogTail.read(build, offset);

        assertThat(tail.alreadyCopied("line 2")).as("before the offset: not looked at").isFalse();
        LogTail again = LogTail.read(build, offset);
        assertThat(again.alreadyCopied("line 3")).isTrue();
        assertThat(LogTail.read(build, null).alreadyCopied("line 3")).as("no offset: nothing skipped").isFalse();
    }
}
