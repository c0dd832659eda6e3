package io.jenkins.plugins.functions.spec;

import io.jenkins.plugins.functions.model.FunctionSpec;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads a function from a YAML file or from step arguments into a {@link FunctionSpec} whose
 * common fields are checked ({@link CommonFields}); the runtime's own fields are only made plain
 * ({@link PlainValues}) and are left for the runtime to check, as only it knows them.
 *
 * <p>Function files come from repositories anyone with push access can change, and they are read
 * on the Jenkins controller, so the YAML parser is locked down: only standard types
 * ({@link SafeConstructor}), at most {@value #MAX_BYTES} bytes, at most {@value #MAX_ALIASES}
 * aliases to lists or mappings (the "billion laughs"), no recursive aliases, no duplicate keys,
 * exactly one document, a mapping at the top.
 *
 * <p>Scalars are resolved as YAML 1.2 does, not YAML 1.1: only {@code true}/{@code false} are
 * booleans ({@code yes}, {@code no}, {@code on}, {@code off} stay text), integers are decimal
 * ({@code 012} and {@code 1:30} stay text) and dates stay text. A 1.1 parser would quietly turn
 * {@code DEBUG: no} or a tag {@code 2024-01-01} into something the user did not write.
 *
 * <p>Thread-safe: it keeps no state; each read builds its own parser.
 */
public final class FunctionSpecReader {

    /** The largest function file accepted; real ones are a few hundred bytes. */
    public static final int MAX_BYTES = 1024 * 1024;
    /** Aliases to lists or mappings; bounds how far a small document can expand. */
    public static final int MAX_ALIASES = 20;
    /** Nesting of lists and mappings. */
    public static final int MAX_DEPTH = 50;
    /** The pseudo-field of problems with the document as a whole. */
    public static final String DOCUMENT = "(yaml)";
    /** The pseudo-field of problems with step arguments as a whole. */
    public static final String ARGUMENTS = "(arguments)";

    private static final String DOCUMENT_RULE =
            "a function file is one YAML mapping with at least name and runtime, such as 'name: hello'";

    public FunctionSpecReader() {
        // stateless: see the class comment
    }

    /**
     * Reads a function file.
     *
     * @param yaml   the file's text
     * @param origin where it comes from ({@code functions/hello.yaml}), prefixed to every message
     * @throws SpecException naming the field (or {@value #DOCUMENT}), the value and what is allowed
     */
    public FunctionSpec read(String yaml, String origin) throws SpecException {
        try {
            return fromPlain(parse(yaml));
        } catch (SpecException e) {
            throw e.withOrigin(origin);
        }
    }

    /**
     * Reads a function file from its bytes, which must be UTF-8 (a byte order mark is skipped).
     * Checks the size before decoding, so callers can hand over what they read, capped at
     * {@code MAX_BYTES + 1} bytes.
     */
    public FunctionSpec read(byte[] yaml, String origin) throws SpecException {
        try {
            checkSize(yaml.length);
            int start = yaml.length >= 3 && (yaml[0] & 0xFF) == 0xEF && (yaml[1] & 0xFF) == 0xBB
                    && (yaml[2] & 0xFF) == 0xBF ? 3 : 0;
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(yaml, start, yaml.length - start))
                        .toString();
            } catch (CharacterCodingException e) {
                throw new SpecException(DOCUMENT, "bytes that are not UTF-8", "a function file must be UTF-8 text");
            }
            return fromPlain(parse(text));
        } catch (SpecException e) {
            throw e.withOrigin(origin);
        }
    }

    /**
     * Reads a function from step arguments. Values may be Groovy's: {@code GString}s,
     * {@code Integer}s, {@code BigDecimal}s, lists and maps.
     *
     * @param origin what the arguments come from ({@code functionRun step}), prefixed to messages
     */
    public FunctionSpec fromMap(Map<String, ?> values, String origin) throws SpecException {
        try {
            if (values == null) {
                throw new SpecException(ARGUMENTS, null, "a mapping with at least name and runtime");
            }
            return fromPlain(PlainValues.ofMap(values, ""));
        } catch (SpecException e) {
            throw e.withOrigin(origin);
        }
    }

    private static FunctionSpec fromPlain(Map<String, Object> values) throws SpecException {
        String name = CommonFields.name(values.get(CommonFields.NAME));
        String runtime = CommonFields.runtime(values.get(CommonFields.RUNTIME));
        Map<String, Object> fields = new LinkedHashMap<>(values);
        fields.remove(CommonFields.NAME);
        fields.remove(CommonFields.RUNTIME);
        fields.put(CommonFields.DESCRIPTION, CommonFields.description(values.get(CommonFields.DESCRIPTION)));
        Map<String, String> labels = CommonFields.labels(values.get(CommonFields.LABELS));
        fields.put(CommonFields.LABELS, labels.isEmpty() ? null : labels);
        return FunctionSpec.of(name, runtime, fields);
    }

    // ---- YAML -------------------------------------------------------------------------------

    private static void checkSize(long bytes) throws SpecException {
        if (bytes > MAX_BYTES) {
            throw new SpecException(DOCUMENT, bytes + " bytes",
                    "a function file may hold at most " + MAX_BYTES + " bytes (1 MiB)");
        }
    }

    private static Map<String, Object> parse(String yaml) throws SpecException {
        if (yaml == null) {
            throw new SpecException(DOCUMENT, null, DOCUMENT_RULE);
        }
        // a char is at least one UTF-8 byte: the cheap test first, the exact count only when it may fit
        checkSize(yaml.length() > MAX_BYTES ? yaml.length() : yaml.getBytes(StandardCharsets.UTF_8).length);

        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_BYTES);
        PlainConstructor constructor = new PlainConstructor(options);
        DumperOptions dumperOptions = new DumperOptions();
        Yaml parser = new Yaml(constructor, new Representer(dumperOptions), dumperOptions, options,
                new Yaml12Resolver());
        try {
            Iterator<Node> documents = parser.composeAll(new StringReader(yaml)).iterator();
            if (!documents.hasNext()) {
                throw new SpecException(DOCUMENT, "", DOCUMENT_RULE + "; the file is empty");
            }
            Node root = documents.next();
            if (documents.hasNext()) {
                Node second = documents.next();
                throw new SpecException(DOCUMENT, "more than one document", "a function file holds exactly one"
                        + " YAML document; another one begins at " + where(second.getStartMark()));
            }
            if (!(root instanceof MappingNode)) {
                throw new SpecException(DOCUMENT, describe(root), DOCUMENT_RULE
                        + "; the top level here is " + kind(root));
            }
            checkNodes(root, "", Collections.newSetFromMap(new IdentityHashMap<>()),
                    Collections.newSetFromMap(new IdentityHashMap<>()));
            return PlainValues.ofMap((Map<?, ?>) constructor.construct(root), "");
        } catch (MarkedYAMLException e) {
            throw syntaxError(yaml, e);
        } catch (YAMLException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("aliases")) {
                throw new SpecException(DOCUMENT, "more than " + MAX_ALIASES + " aliases",
                        "a function file may use at most " + MAX_ALIASES + " aliases (*name) to lists or mappings");
            }
            throw new SpecException(DOCUMENT, firstLine(message), "must be valid YAML");
        }
    }

    /**
     * Checks what the constructor cannot report with a path: duplicate keys, keys that are not
     * text, aliases that contain themselves. Shared nodes (aliases) are visited once, so this
     * stays linear in the document's size however much the aliases expand.
     */
    private static void checkNodes(Node node, String path, Set<Node> enclosing, Set<Node> done)
            throws SpecException {
        if (done.contains(node)) {
            return;
        }
        if (!enclosing.add(node)) {
            throw new SpecException(path, node.getAnchor() == null ? "(an alias)" : "*" + node.getAnchor(),
                    "an alias may not refer to a list or mapping that contains it (" + where(node.getStartMark()) + ")");
        }
        if (node instanceof MappingNode mapping) {
            Map<String, Node> seen = new HashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                Node keyNode = tuple.getKeyNode();
                if (Tag.MERGE.equals(keyNode.getTag())) {
                    checkNodes(tuple.getValueNode(), path, enclosing, done);
                    continue;
                }
                if (!(keyNode instanceof ScalarNode key) || !Tag.STR.equals(key.getTag())) {
                    throw new SpecException(Fields.path(path, describe(keyNode)), describe(keyNode),
                            "keys must be text: quote a key that YAML reads as a number, true/false, null,"
                                    + " a list or a mapping (" + where(keyNode.getStartMark()) + ")");
                }
                String child = Fields.path(path, key.getValue());
                Node previous = seen.putIfAbsent(key.getValue(), key);
                if (previous != null) {
                    throw new SpecException(child, describe(tuple.getValueNode()), "each key may appear once in a"
                            + " mapping: '" + key.getValue() + "' is set at " + where(previous.getStartMark())
                            + " and again at " + where(key.getStartMark()));
                }
                checkNodes(tuple.getValueNode(), child, enclosing, done);
            }
        } else if (node instanceof SequenceNode sequence) {
            List<Node> items = sequence.getValue();
            for (int i = 0; i < items.size(); i++) {
                checkNodes(items.get(i), Fields.index(path, i), enclosing, done);
            }
        }
        enclosing.remove(node);
        done.add(node);
    }

    private static SpecException syntaxError(String yaml, MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        StringBuilder what = new StringBuilder("must be valid YAML: ");
        if (mark != null) {
            what.append(where(mark)).append(": ");
        }
        what.append(e.getProblem() != null ? e.getProblem() : firstLine(e.getMessage()));
        if (e.getContext() != null) {
            what.append(" (").append(e.getContext());
            if (e.getContextMark() != null && e.getContextMark() != mark) {
                what.append(" at ").append(where(e.getContextMark()));
            }
            what.append(')');
        }
        return new SpecException(DOCUMENT, mark == null ? "" : lineAt(yaml, mark.getLine()), what.toString());
    }

    private static String where(Mark mark) {
        return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }

    /** The offending line, as the value of a syntax error: the user sees what the parser saw. */
    private static String lineAt(String yaml, int line) {
        String[] lines = yaml.split("\r\n|\r|\n", -1);
        return line < lines.length ? lines[line].strip() : "";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static String kind(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof ScalarNode scalar && Tag.NULL.equals(scalar.getTag())) {
            return "empty";
        }
        return "a single value";
    }

    private static String describe(Node node) {
        if (node instanceof ScalarNode scalar) {
            return scalar.getValue();
        }
        return "(" + kind(node) + ")";
    }

    /** Exposes construction of an already composed and checked node. */
    private static final class PlainConstructor extends SafeConstructor {
        PlainConstructor(LoaderOptions options) {
            super(options);
        }

        Object construct(Node node) {
            return constructDocument(node);
        }
    }

    /** YAML 1.2 (core schema) scalars: see the class comment. */
    private static final class Yaml12Resolver extends Resolver {
        private static final Pattern BOOL_12 = Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$");
        private static final Pattern INT_12 = Pattern.compile("^[-+]?(?:0|[1-9][0-9]*)$");
        private static final Pattern FLOAT_12 = Pattern.compile(
                "^[-+]?(?:\\.[0-9]+|[0-9]+\\.[0-9]*)(?:[eE][-+]?[0-9]+)?$|^[-+]?[0-9]+[eE][-+]?[0-9]+$");
        private static final Pattern NULL_12 = Pattern.compile("^(?:~|null|Null|NULL|)$");

        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, BOOL_12, "tTfF");
            addImplicitResolver(Tag.INT, INT_12, "-+0123456789");
            addImplicitResolver(Tag.FLOAT, FLOAT_12, "-+.0123456789");
            addImplicitResolver(Tag.MERGE, MERGE, "<");
            addImplicitResolver(Tag.NULL, NULL_12, "~nN\0");
            addImplicitResolver(Tag.NULL, EMPTY, null);
        }
    }
}
