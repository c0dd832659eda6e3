package io.jenkins.plugins.functions.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** Every Jelly view is well-formed XML, escapes by default, and uses only Jenkins' tag libraries. */
class JellyViewsTest {

    private static final List<String> TAG_LIBRARIES = List.of(
            "jelly:core", "/lib/form", "/lib/hudson", "/lib/layout", "jelly:stapler", "/lib/credentials");

    @Test
    void everyViewParses() throws Exception {
        List<Path> views;
        try (Stream<Path> walk = Files.walk(Path.of("src/main/resources"))) {
            views = walk.filter(p -> p.toString().endsWith(".jelly")).toList();
        }
        assertThat(views).isNotEmpty();
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        for (Path view : views) {
            Document doc = factory.newDocumentBuilder().parse(view.toFile());
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
}
