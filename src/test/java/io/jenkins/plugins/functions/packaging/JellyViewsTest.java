package io.jenkins.plugins.functions.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.BuildBadgeAction;
import io.jenkins.plugins.functions.jenkins.history.BuildRunsSummary;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.jenkins.history.RunTable;
import io.jenkins.plugins.functions.jenkins.history.ServiceBadge;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Every Jelly view is well-formed XML, escapes by default, and uses only Jenkins' tag libraries;
 * the pages' texts are in resource bundles as Stapler reads them; no text loses a space to Jelly's
 * trimming; the pages of a build or a job show its side panel.
 */
class JellyViewsTest {

    private static final Path RESOURCES = Path.of("src/main/resources");
    private static final Path PAGES = RESOURCES.resolve("io/jenkins/plugins/functions/jenkins");

    private static final List<String> TAG_LIBRARIES = List.of(
            "jelly:core", "/lib/form", "/lib/hudson", "/lib/layout", "jelly:stapler", "/lib/credentials");

    /** {@code ${%key}} or {@code ${%key(arguments)}}: Stapler's key ends at the first '('. */
    private static final Pattern BUNDLE_TEXT = Pattern.compile("\\$\\{%([^(}]*)(\\()?");
    /** How a view writes a space that Jelly keeps. */
    private static final String SPACE = "${' '}";
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{[^}]*}");

    /** Elements a browser lays out inline: a space between two of them is a space on the page. */
    private static final Set<String> INLINE = Set.of("a", "b", "code", "span", "small", "i", "em", "strong",
            "label", "input", "select", "button", "icon");

    private static List<Path> views(Path under) throws IOException {
        try (Stream<Path> walk = Files.walk(under)) {
            return walk.filter(p -> p.toString().endsWith(".jelly")).sorted().toList();
        }
    }

    private static Document parse(Path view) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(view.toFile());
    }

    /** The pages (the views of actions) and the forms (of steps, build steps and the configuration). */
    private static List<Path> pages() throws IOException {
        return views(PAGES);
    }

    @Test
    void everyViewParses() throws Exception {
        List<Path> views = views(RESOURCES);
        assertThat(views).isNotEmpty();
        for (Path view : views) {
            Document doc = parse(view);
            String text = Files.readString(view);
            assertThat(text).as(view + " escapes by default").startsWith("<?jelly escape-by-default='true'?>");
            var attributes = doc.getDocumentElement().getAttributes();
            for (int i = 0; i < attributes.getLength(); i++) {
                var a = attributes.item(i);
                if (a.getNodeName().startsWith("xmlns:")) {
                    assertThat(TAG_LIBRARIES).as(view + " uses tag library " + a.getNodeValue())
                            .contains(a.getNodeValue());
                }
            }
        }
    }

    /**
     * A text with arguments ({@code ${%more(n)}}) is read from the {@code .properties} beside the
     * view; one without may be its own key, which Stapler formats with {@code MessageFormat} too,
     * so it holds no quote or brace. Every key of a view's bundle is used by the view.
     */
    @Test
    void thePagesTextsAreInTheirViewsBundles() throws Exception {
        for (Path view : pages()) {
            String text = Files.readString(view);
            Path bundleFile = view.resolveSibling(view.getFileName().toString().replace(".jelly", ".properties"));
            Properties bundle = new Properties();
            if (Files.exists(bundleFile)) {
                try (Reader in = Files.newBufferedReader(bundleFile)) {
                    bundle.load(in);
                }
            }
            Set<String> used = new TreeSet<>();
            Matcher m = BUNDLE_TEXT.matcher(text);
            while (m.find()) {
                String key = m.group(1);
                used.add(key);
                if (m.group(2) != null || !bundle.containsKey(key)) {
                    assertThat(m.group(2) == null || bundle.containsKey(key))
                            .as(view + ": ${%" + key + "(...)} has its text in " + bundleFile.getFileName()).isTrue();
                    assertThat(key).as(view + ": a key that is its own text").doesNotContain("'", "{", "}");
                }
            }
            assertThat(used).as(view + " uses every key of its bundle").containsAll(bundle.stringPropertyNames());
            for (String key : bundle.stringPropertyNames()) {
                assertThat(bundle.getProperty(key)).as(bundleFile + ": " + key + " is a MessageFormat pattern, an apostrophe is ''")
                        .doesNotContainPattern("(?<!')'(?!')");
            }
        }
    }

    /**
     * No English left in the pages and forms outside the bundles: only expressions, numbers and
     * punctuation (a form's titles, its buttons' texts and their progress messages included).
     */
    @Test
    void thePagesHaveNoTextOutsideTheirBundles() throws Exception {
        for (Path view : pages()) {
            Document doc = parse(view);
            forEachText(doc.getDocumentElement(), (node, parent) -> {
                String bare = EXPRESSION.matcher(node.getNodeValue()).replaceAll("");
                assertThat(bare).as(view + ": text outside a bundle in <" + parent.getNodeName() + ">")
                        .doesNotContainPattern("\\p{L}{2,}");
            });
            NodeList all = doc.getElementsByTagName("*");
            for (int i = 0; i < all.getLength(); i++) {
                Element e = (Element) all.item(i);
                for (String attribute : List.of("title", "tooltip", "placeholder", "alt", "add", "progress", "description")) {
                    String value = EXPRESSION.matcher(e.getAttribute(attribute)).replaceAll("");
                    assertThat(value).as(view + ": " + attribute + " outside a bundle").doesNotContainPattern("\\p{L}{2,}");
                }
            }
        }
    }

    /**
     * Jelly trims the spaces at both ends of every text and drops whitespace between tags, so
     * {@code <b>run</b> <a>x</a>} reads "runx" and {@code <b>X</b><j:if> — y</j:if>} reads "X— y"
     * (issue 11). A space that matters is written {@code ${' '}}.
     */
    @Test
    void noTextLosesASpaceToJellysTrimming() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Path view : views(RESOURCES)) {
            Document doc = parse(view);
            forEachText(doc.getDocumentElement(), (node, parent) -> {
                String t = node.getNodeValue();
                boolean blank = t.isBlank();
                Node before = sibling(node, -1);
                Node after = sibling(node, +1);
                if (blank) {
                    if (inline(before) && inline(after)) {
                        problems.add(view + ": the space between <" + before.getNodeName() + "> and <"
                                + after.getNodeName() + "> is dropped");
                    }
                    return;
                }
                boolean leading = Character.isWhitespace(t.charAt(0));
                boolean trailing = Character.isWhitespace(t.charAt(t.length() - 1));
                String visible = t.strip();
                if (leading && shows(neighbour(node, parent, -1), -1) && !visible.startsWith(SPACE)) {
                    problems.add(view + ": the space before '" + visible + "' is trimmed");
                }
                if (trailing && shows(neighbour(node, parent, +1), +1) && !visible.endsWith(SPACE)) {
                    problems.add(view + ": the space after '" + visible + "' is trimmed");
                }
            });
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void thePagesOfABuildOrAJobShowItsSidePanel() throws IOException {
        for (Path view : views(RESOURCES)) {
            assertThat(Files.readString(view)).as(view + ": a build's and a job's panel is sidepanel.jelly")
                    .doesNotContain("page=\"sidebar.jelly\"");
        }
        Path history = PAGES.resolve("history");
        assertThat(Files.readString(history.resolve("FunctionRunAction/index.jelly")))
                .contains("<st:include it=\"${it.owner}\" page=\"sidepanel.jelly\"");
        assertThat(Files.readString(history.resolve("FunctionRunsAction/index.jelly")))
                .contains("<st:include it=\"${it.job}\" page=\"sidepanel.jelly\"");
    }

    /** Views the build page and the build history include without {@code optional}: they must be there. */
    @Test
    void theBuildsViewsAreWhereJenkinsLooks() {
        assertThat(BuildBadgeAction.class.isAssignableFrom(ServiceBadge.class)).isTrue();
        assertThat(view(ServiceBadge.class, "badge.jelly")).exists();
        assertThat(view(BuildRunsSummary.class, "summary.jelly")).exists();
        assertThat(view(RunTable.class, "table.jelly")).exists();
        assertThat(view(FunctionRunAction.class, "summary.jelly"))
                .as("one table per build, not a block per run").doesNotExist();
    }

    private static Path view(Class<?> type, String name) {
        return RESOURCES.resolve(type.getName().replace('.', '/')).resolve(name);
    }

    private interface TextVisitor {
        void visit(Node text, Element parent);
    }

    private static void forEachText(Element element, TextVisitor visitor) {
        NodeList children = element.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            Node child = children.item(i);
            if (child.getNodeType() == Node.TEXT_NODE) {
                visitor.visit(child, element);
            } else if (child.getNodeType() == Node.ELEMENT_NODE) {
                forEachText((Element) child, visitor);
            }
        }
    }

    /** The previous or next sibling that is an element or a text with something in it. */
    private static Node sibling(Node node, int direction) {
        Node s = direction < 0 ? node.getPreviousSibling() : node.getNextSibling();
        while (s != null && (s.getNodeType() == Node.COMMENT_NODE
                || s.getNodeType() == Node.TEXT_NODE && s.getNodeValue().isBlank() && s != node)) {
            s = direction < 0 ? s.getPreviousSibling() : s.getNextSibling();
        }
        return s;
    }

    private static boolean isJelly(Node node) {
        return "jelly:core".equals(node.getNamespaceURI());
    }

    private static boolean inline(Node node) {
        return node != null && node.getNodeType() == Node.ELEMENT_NODE && INLINE.contains(node.getLocalName());
    }

    /**
     * What the page shows next to a node: its sibling, or, at the edge of a j:if, j:forEach ...,
     * the tag's (a j:when's or j:otherwise's: its j:choose's).
     */
    private static Node neighbour(Node node, Node parent, int direction) {
        Node s = sibling(node, direction);
        Node at = parent;
        while (s == null && at != null && isJelly(at)) {
            Node up = at;
            if (Set.of("when", "otherwise").contains(at.getLocalName()) && isJelly(at.getParentNode())) {
                up = at.getParentNode();
            }
            s = sibling(up, direction);
            at = up.getParentNode();
        }
        return s;
    }

    /**
     * Whether a neighbour puts something on the page right against the text: an inline element, or
     * a text (inside a j:if too) that does not bring its own {@code ${' '}} on the facing side.
     */
    private static boolean shows(Node node, int direction) {
        if (node == null) {
            return false;
        }
        if (node.getNodeType() == Node.TEXT_NODE) {
            String visible = node.getNodeValue().strip();
            return direction < 0 ? !visible.endsWith(SPACE) : !visible.startsWith(SPACE);
        }
        if (isJelly(node)) {
            // The tag's content facing the text: its last child before the text, its first after.
            Node edge = direction < 0 ? node.getLastChild() : node.getFirstChild();
            while (edge != null && (edge.getNodeType() == Node.COMMENT_NODE
                    || edge.getNodeType() == Node.TEXT_NODE && edge.getNodeValue().isBlank())) {
                edge = direction < 0 ? edge.getPreviousSibling() : edge.getNextSibling();
            }
            return shows(edge, direction);
        }
        return inline(node);
    }
}
