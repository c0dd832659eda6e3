package io.jenkins.plugins.functions.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.jenkins.plugins.functions.model.FunctionSpec;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FunctionSpecReaderTest {

    private static final String HELLO = """
            name: hello
            runtime: container
            description: Says hello.
            labels: {team: examples, tier: 2}
            image: busybox:1.36
            command: [sh, -c, 'echo "$GREETING"']
            env:
              - {name: GREETING, value: Hello}
            resources:
              requests: {cpu: 50m, memory: 16Mi}
              limits: {cpu: 0.5, memory: 32Mi}
            """;

    private final FunctionSpecReader reader = new FunctionSpecReader();

    @Test
    void readsNameRuntimeAndTheRuntimesFields() throws SpecException {
        FunctionSpec spec = reader.read(HELLO, "functions/hello.yaml");

        assertThat(spec.name()).isEqualTo("hello");
        assertThat(spec.runtime()).isEqualTo("container");
        assertThat(spec.fields()).containsOnlyKeys("description", "labels", "image", "command", "env", "resources");
        assertThat(spec.field("description")).isEqualTo("Says hello.");
        // label values are text, as Kubernetes wants them
        assertThat(spec.field("labels")).isEqualTo(Map.of("team", "examples", "tier", "2"));
        assertThat(spec.field("command")).isEqualTo(List.of("sh", "-c", "echo \"$GREETING\""));
        assertThat(spec.field("resources")).isEqualTo(Map.of(
                "requests", Map.of("cpu", "50m", "memory", "16Mi"),
                "limits", Map.of("cpu", 0.5, "memory", "32Mi")));
        assertThat(spec.version()).hasSize(16).matches("[0-9a-f]+");
    }

    @Test
    void readsTheExampleFile() throws IOException, SpecException {
        Path file = Path.of("examples/functions/hello.yaml");
        FunctionSpec spec = reader.read(Files.readAllBytes(file), file.toString());

        assertThat(spec.name()).isEqualTo("hello");
        assertThat(spec.runtime()).isEqualTo("container");
        assertThat(spec.field("image")).isEqualTo("busybox:1.36");
    }

    @Test
    void leavesUnknownFieldsToTheRuntime() throws SpecException {
        FunctionSpec spec = reader.read("name: hello\nruntime: python\nhandler: main.run\n", "f.yaml");

        assertThat(spec.fields()).containsEntry("handler", "main.run");
    }

    @Test
    void blankDescriptionAndEmptyLabelsAreLeftOut() throws SpecException {
        FunctionSpec spec = reader.read("name: hello\nruntime: container\ndescription: ' '\nlabels: {}\n", "f.yaml");

        assertThat(spec.fields()).isEmpty();
        assertThat(spec).isEqualTo(reader.read("name: hello\nruntime: container\n", "f.yaml"));
    }

    // ---- versions ------------------------------------------------------------------------------

    @Test
    void keyOrderDoesNotChangeTheVersion() throws SpecException {
        String reordered = """
                resources:
                  limits: {memory: 32Mi, cpu: 0.5}
                  requests: {memory: 16Mi, cpu: 50m}
                env:
                  - {value: Hello, name: GREETING}
                command: [sh, -c, 'echo "$GREETING"']
                image: busybox:1.36
                labels: {tier: 2, team: examples}
                description: Says hello.
                runtime: container
                name: hello
                """;

        assertThat(reader.read(reordered, "b.yaml").version()).isEqualTo(reader.read(HELLO, "a.yaml").version());
        assertThat(reader.read(reordered, "b.yaml")).isEqualTo(reader.read(HELLO, "a.yaml"));
    }

    @Test
    void stepArgumentsWithGroovyTypesGiveTheSameVersionAsTheFile() throws SpecException {
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("memory", new FakeGString("32", "Mi"));
        limits.put("cpu", new BigDecimal("0.5"));
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("runtime", "container");
        arguments.put(new FakeGString("na", "me").toString(), new FakeGString("hel", "lo"));
        arguments.put("image", new FakeGString("busybox:", "1.36"));
        arguments.put("labels", Map.of("team", "examples", "tier", 2));
        arguments.put("description", "Says hello.");
        arguments.put("command", new Object[] {"sh", "-c", "echo \"$GREETING\""});
        arguments.put("env", List.of(Map.of("name", "GREETING", "value", new FakeGString("Hel", "lo"))));
        arguments.put("resources", Map.of("requests", Map.of("cpu", "50m", "memory", "16Mi"), "limits", limits));

        FunctionSpec fromStep = reader.fromMap(arguments, "functionRun step");

        assertThat(fromStep.version()).isEqualTo(reader.read(HELLO, "hello.yaml").version());
    }

    @Test
    void integersOfAnyWidthAreTheSameValue() throws SpecException {
        FunctionSpec asInteger = reader.fromMap(Map.of("name", "a", "runtime", "x", "n", 3), "s");
        FunctionSpec asLong = reader.fromMap(Map.of("name", "a", "runtime", "x", "n", 3L), "s");

        assertThat(asInteger).isEqualTo(asLong);
        assertThat(asInteger.field("n")).isEqualTo(3L);
    }

    static Stream<Arguments> changes() {
        return Stream.of(
                Arguments.of("name", "name: hello", "name: hello2"),
                Arguments.of("runtime", "runtime: container", "runtime: python"),
                Arguments.of("description", "Says hello.", "Says hi."),
                Arguments.of("label value", "tier: 2", "tier: 3"),
                Arguments.of("label added", "tier: 2", "tier: 2, x: y"),
                Arguments.of("image tag", "busybox:1.36", "busybox:1.37"),
                Arguments.of("command order", "[sh, -c,", "[-c, sh,"),
                Arguments.of("env value", "value: Hello", "value: Hallo"),
                Arguments.of("cpu request", "cpu: 50m", "cpu: 60m"),
                Arguments.of("memory limit", "memory: 32Mi", "memory: 33Mi"),
                Arguments.of("field added", "image: busybox:1.36", "image: busybox:1.36\nworkingDir: /w"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void anyChangeGivesANewVersion(String what, String from, String to) throws SpecException {
        assertThat(HELLO).contains(from);
        String changed = HELLO.replace(from, to);

        assertThat(reader.read(changed, "b.yaml").version()).isNotEqualTo(reader.read(HELLO, "a.yaml").version());
    }

    // ---- YAML --------------------------------------------------------------------------------

    @Test
    void scalarsAreReadAsYaml12() throws SpecException {
        FunctionSpec spec = reader.read("""
                name: hello
                runtime: container
                labels: {debug: no, on: yes, octal: "1"}
                plain: [yes, no, on, off, 012, 1:30, 2024-01-01, 1_000, .inf]
                typed: [true, false, 12, -3, 1.5, 1e3, ~, null]
                """, "f.yaml");

        assertThat(spec.field("labels")).isEqualTo(Map.of("debug", "no", "on", "yes", "octal", "1"));
        assertThat(spec.field("plain")).isEqualTo(List.of("yes", "no", "on", "off", "012", "1:30", "2024-01-01",
                "1_000", ".inf"));
        assertThat(spec.field("typed")).isEqualTo(java.util.Arrays.asList(true, false, 12L, -3L, 1.5, 1000.0, null, null));
    }

    @Test
    void mergeKeysAndAliasesAreExpanded() throws SpecException {
        FunctionSpec spec = reader.read("""
                name: hello
                runtime: container
                resources:
                  limits: &small {cpu: 100m, memory: 32Mi}
                  requests:
                    <<: *small
                    cpu: 50m
                """, "f.yaml");

        assertThat(spec.field("resources")).isEqualTo(Map.of(
                "limits", Map.of("cpu", "100m", "memory", "32Mi"),
                "requests", Map.of("cpu", "50m", "memory", "32Mi")));
    }

    @Test
    void billionLaughsAreRefusedQuickly() {
        StringBuilder yaml = new StringBuilder("name: hello\nruntime: container\na0: &a0 [lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 12; i++) {
            yaml.append('a').append(i).append(": &a").append(i).append(" [");
            yaml.append(String.join(", ", java.util.Collections.nCopies(5, "*a" + (i - 1)))).append("]\n");
        }

        SpecException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> catchThrowableOfType(() -> reader.read(yaml.toString(), "laughs.yaml"), SpecException.class));

        assertThat(e.getField()).isEqualTo(FunctionSpecReader.DOCUMENT);
        assertThat(e.getAllowed()).contains("at most 20 aliases");
    }

    @Test
    void aliasesWithinTheCapCannotBlowUpTheValues() {
        // 18 aliases, each level three times the one before: 200 * 3^6 = 145,800 strings if expanded
        StringBuilder yaml = new StringBuilder("name: hello\nruntime: container\nb0: &b0 [")
                .append(String.join(", ", java.util.Collections.nCopies(200, "x"))).append("]\n");
        for (int i = 1; i <= 6; i++) {
            yaml.append('b').append(i).append(": &b").append(i).append(" [*b").append(i - 1).append(", *b")
                    .append(i - 1).append(", *b").append(i - 1).append("]\n");
        }

        SpecException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> catchThrowableOfType(() -> reader.read(yaml.toString(), "f.yaml"), SpecException.class));

        assertThat(e.getValue()).isEqualTo("more than 100000 values");
        assertThat(e.getAllowed()).contains("at most 100000 values");
    }

    @Test
    void aSyntaxErrorSaysWhereAndWhat() {
        SpecException e = catchThrowableOfType(
                () -> reader.read("name: hello\nruntime: container\nimage: 'busybox\n", "functions/hello.yaml"),
                SpecException.class);

        assertThat(e.getOrigin()).isEqualTo("functions/hello.yaml");
        assertThat(e.getField()).isEqualTo("(yaml)");
        assertThat(e.getMessage()).startsWith("functions/hello.yaml: field '(yaml)': ")
                .contains("line 4, column 1: found unexpected end of stream")
                .contains("while scanning a quoted scalar at line 3, column 8");
    }

    @Test
    void errorsNameTheOrigin() {
        assertThatThrownBy(() -> reader.read("name: Hello\nruntime: container\n", "functions/hello.yaml"))
                .hasMessage("functions/hello.yaml: field 'name': value 'Hello' is not allowed: "
                        + Names.DNS_1123_LABEL_RULE);
        assertThatThrownBy(() -> reader.fromMap(Map.of("name", "hello"), "functionRun step"))
                .hasMessage("functionRun step: field 'runtime' is missing: must be the name of a runtime,"
                        + " such as container");
    }

    // ---- bytes -------------------------------------------------------------------------------

    @Test
    void bytesMayStartWithAByteOrderMark() throws SpecException {
        byte[] yaml = ("\uFEFFname: hello\nruntime: container\n").getBytes(StandardCharsets.UTF_8);

        assertThat(reader.read(yaml, "f.yaml").name()).isEqualTo("hello");
    }

    @Test
    void bytesMustBeUtf8() {
        byte[] latin1 = "name: h\u00e9llo\nruntime: container\n".getBytes(StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> reader.read(latin1, "f.yaml"))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("must be UTF-8");
    }

    @Test
    void tooManyBytesAreRefusedBeforeParsing() {
        byte[] big = new byte[FunctionSpecReader.MAX_BYTES + 1];
        java.util.Arrays.fill(big, (byte) '#');

        assertThatThrownBy(() -> reader.read(big, "f.yaml"))
                .hasMessage("f.yaml: field '(yaml)': value '1048577 bytes' is not allowed:"
                        + " a function file may hold at most 1048576 bytes (1 MiB)");
    }

    // ---- step arguments ----------------------------------------------------------------------

    @Test
    void stepArgumentsMustBeGiven() {
        assertThatThrownBy(() -> reader.fromMap(null, "functionRun step"))
                .hasMessageContaining("field '(arguments)' is missing");
    }

    @Test
    void stepArgumentsOfOtherTypesAreRefusedNotStringified() {
        SpecException e = catchThrowableOfType(() -> reader.fromMap(
                Map.of("name", "hello", "runtime", "container", "env", List.of(Map.of("value", new Date(0)))),
                "functionRun step"), SpecException.class);

        assertThat(e.getField()).isEqualTo("env[0].value");
        assertThat(e.getAllowed()).isEqualTo("must be text, a number, true or false, a list or a mapping");
    }

    @Test
    void stepArgumentKeysMustBeText() {
        Map<Object, Object> labels = new LinkedHashMap<>();
        labels.put(1, "one");

        SpecException e = catchThrowableOfType(() -> reader.fromMap(
                Map.of("name", "hello", "runtime", "container", "labels", labels), "s"), SpecException.class);

        assertThat(e.getField()).isEqualTo("labels[\"1\"]");
        assertThat(e.getAllowed()).startsWith("keys must be text");
    }

    /** What Groovy's {@code "${a}${b}"} is to Java: a CharSequence that is not a String. */
    private static final class FakeGString implements CharSequence {
        private final String value;

        FakeGString(String... parts) {
            this.value = String.join("", parts);
        }

        @Override
        public int length() {
            return value.length();
        }

        @Override
        public char charAt(int index) {
            return value.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return value.subSequence(start, end);
        }

        @Override
        public String toString() {
            return value;
        }
    }
}
