package io.jenkins.plugins.functions.jenkins.history;

import static io.jenkins.plugins.functions.jenkins.history.RecordedRuns.ended;
import static io.jenkins.plugins.functions.jenkins.history.RecordedRuns.on;
import static io.jenkins.plugins.functions.jenkins.history.RecordedRuns.serving;
import static io.jenkins.plugins.functions.jenkins.history.RecordedRuns.started;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.functions.jenkins.EnglishMessages;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.run.RunState;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The trend on the job's Function runs page: its data (runs by status per build, durations per
 * function) and the SVG drawn from it.
 */
@ExtendWith(EnglishMessages.class)
class RunTrendTest {

    /** Builds 10 to 13 of a job, newest first as the page lists their runs. */
    private static List<RunRow> pageRows() {
        List<FunctionRunAction> runs = new ArrayList<>();
        FakeBuild b13 = new FakeBuild("team/app", 13);
        runs.add(on(b13, started("r13b", "job", "hello", "container", 100_000)));
        runs.add(on(b13, ended("r13a", "hello", RunState.COMPLETED, 50_000, 58_000, "{}")));
        FakeBuild b12 = new FakeBuild("team/app", 12).finish();
        runs.add(on(b12, serving("r12b", "web", 40_000, 70_000)));
        runs.add(on(b12, ended("r12a", "hello", RunState.ERROR, 30_000, 42_000, null)));
        FakeBuild b10 = new FakeBuild("team/app", 10).finish(); // 11 ran no function
        runs.add(on(b10, ended("r10c", "hello", RunState.COMPLETED, 20_000, 26_000, "{}")));
        runs.add(on(b10, ended("r10b", "hello", RunState.COMPLETED, 10_000, 15_000, "{}")));
        runs.add(on(b10, ended("r10a", "etl", RunState.STOPPED, 0, 90_000, null)));
        return RunTable.of(runs, true, runs.size(), 110_000).getRows();
    }

    @Test
    void perBuildItsRunsByStatusOldestFirst() {
        RunTrend trend = RunTrend.of(pageRows());

        assertThat(trend.getBuilds()).extracting(RunTrend.BuildBar::getNumber).containsExactly(10, 12, 13);
        assertThat(trend.getBuilds().get(0).getCounts())
                .isEqualTo(Map.of(RunStatus.COMPLETED, 2, RunStatus.STOPPED, 1));
        assertThat(trend.getBuilds().get(1).getCounts()).isEqualTo(Map.of(RunStatus.SERVING, 1, RunStatus.ERROR, 1));
        assertThat(trend.getBuilds().get(2).getCounts())
                .isEqualTo(Map.of(RunStatus.COMPLETED, 1, RunStatus.IN_PROGRESS, 1));
        assertThat(trend.getBuilds().get(2).getTotal()).isEqualTo(2);
        assertThat(trend.getBuilds().get(1).getUrl()).isEqualTo("job/team/job/app/12/");
    }

    @Test
    void perFunctionTheDurationsOfItsEndedRuns() {
        RunTrend trend = RunTrend.of(pageRows());

        assertThat(trend.getFunctions()).extracting(RunTrend.FunctionLine::getFunction)
                .as("most runs first").containsExactly("hello", "web", "etl");
        RunTrend.FunctionLine hello = trend.getFunctions().get(0);
        assertThat(hello.getPoints()).as("the run still going has no duration yet").containsExactly(
                new RunTrend.Point(0, 10, 6_000, RunStatus.COMPLETED),
                new RunTrend.Point(0, 10, 5_000, RunStatus.COMPLETED),
                new RunTrend.Point(1, 12, 12_000, RunStatus.ERROR),
                new RunTrend.Point(2, 13, 8_000, RunStatus.COMPLETED));
        assertThat(trend.getFunctions().get(1).getPoints()).as("a service: until available")
                .containsExactly(new RunTrend.Point(1, 12, 30_000, RunStatus.SERVING));
    }

    @Test
    void atMostEightFunctionsAreDrawnTheOthersCounted() {
        FakeBuild b = new FakeBuild("team/app", 1).finish();
        List<FunctionRunAction> runs = new ArrayList<>();
        for (int f = 0; f < 11; f++) {
            for (int n = 0; n <= f; n++) {
                runs.add(on(b, ended("r" + f + "-" + n, "fn-" + f, RunState.COMPLETED, 0, 1_000, null)));
            }
        }
        RunTrend trend = RunTrend.of(RunTable.of(runs, true, runs.size(), 2_000).getRows());

        assertThat(trend.getFunctions()).hasSize(RunTrend.MAX_FUNCTIONS);
        assertThat(trend.getFunctions().get(0).getFunction()).isEqualTo("fn-10");
        assertThat(trend.getOtherFunctions()).isEqualTo(3);
        assertThat(trend.svg("/jenkins")).contains("and 3 more functions");
    }

    @Test
    void noRowsNoTrend() {
        assertThat(RunTrend.of(List.of()).isEmpty()).isTrue();
    }

    @Test
    void theSvgIsWellFormedLinksEachBarToItsBuildAndSaysWhatItShows() throws Exception {
        String svg = RunTrend.of(pageRows()).svg("/jenkins");
        Document doc = parse(svg);

        NodeList charts = doc.getDocumentElement().getElementsByTagName("svg");
        assertThat(charts.getLength()).isEqualTo(2);
        Element bars = (Element) charts.item(0);
        assertThat(bars.getAttribute("role")).isEqualTo("img");
        assertThat(text(doc, "//*[local-name()='svg'][1]/*[local-name()='title']"))
                .isEqualTo("Function runs by state, builds #10 to #13");
        assertThat(text(doc, "//*[local-name()='svg'][2]/*[local-name()='title']"))
                .isEqualTo("Duration of each function's runs, builds #10 to #13");

        NodeList links = bars.getElementsByTagName("a");
        assertThat(links.getLength()).isEqualTo(3);
        assertThat(((Element) links.item(1)).getAttribute("href")).isEqualTo("/jenkins/job/team/job/app/12/");
        assertThat(links.item(1).getFirstChild().getTextContent()).isEqualTo("#12: 1 Serving, 1 Error");
        assertThat(((Element) links.item(1)).getElementsByTagName("rect").getLength()).isEqualTo(2);
        assertThat(((Element) links.item(1)).getElementsByTagName("rect").item(0).getAttributes()
                .getNamedItem("fill").getNodeValue()).isEqualTo(TrendSvg.colour(RunStatus.SERVING));

        Element durations = (Element) charts.item(1);
        assertThat(durations.getElementsByTagName("polyline").getLength()).as("hello: 4 points; web, etl: 1")
                .isEqualTo(1);
        assertThat(durations.getElementsByTagName("circle").getLength()).isEqualTo(6);
        assertThat(svg).contains("<title>hello #12: 12 s (Error)</title>", "<title>web #12: 30 s (Serving)</title>");
        assertThat(svg).contains(">Runs by state<", ">Duration per function<", ">#10<", ">#13<");
    }

    @Test
    void theSvgNeedsNoScriptNorStyleAttributeAndFollowsTheThemesTextColour() {
        String svg = RunTrend.of(pageRows()).svg("");

        assertThat(svg).doesNotContain("<script").doesNotContain("style=").doesNotContain("on" + "click")
                .contains("fill=\"currentColor\"");
    }

    @Test
    void everyTextAndUrlIsEscaped() throws Exception {
        FakeBuild b = new FakeBuild("team/a\"pp<x>", 5).finish();
        List<FunctionRunAction> runs = List.of(
                on(b, ended("r1", "functions/<script>alert('x')</script>.yaml", RunState.COMPLETED, 0, 1_000, null)));
        String svg = RunTrend.of(RunTable.of(runs, true, 1, 2_000).getRows()).svg("/j\"enkins");

        parse(svg);
        assertThat(svg).doesNotContain("<script").contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
                .contains("href=\"/j&quot;enkins/job/team/job/a&quot;pp&lt;x&gt;/5/\"");
    }

    @Test
    void axesStepInRoundNumbers() {
        assertThat(List.of(1, 4, 5, 6, 11, 30, 99, 420).stream().map(TrendSvg::countStep).toList())
                .containsExactly(1L, 1L, 1L, 2L, 5L, 10L, 20L, 100L);
        assertThat(List.of(300L, 4_000L, 58_000L, 61_000L, 3_000_000L).stream().map(TrendSvg::durationStep).toList())
                .containsExactly(100L, 1_000L, 15_000L, 15_000L, 600_000L);
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        // Two charts side by side: wrap them as the page's div does.
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(("<div>" + svg + "</div>")
                .getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(Document doc, String xpath) throws Exception {
        return ((org.w3c.dom.Node) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODE))
                .getTextContent();
    }
}
