package io.jenkins.plugins.functions.jenkins.history;

import static io.jenkins.plugins.functions.jenkins.history.RecordedRuns.ended;
import static io.jenkins.plugins.functions.jenkins.history.RecordedRuns.on;
import static io.jenkins.plugins.functions.jenkins.history.RecordedRuns.serving;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.functions.jenkins.EnglishMessages;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The build's run graph: which runs and edges it has (an input whose producer is a run of the
 * build), where each run is placed, when there is none, its bounds, and the SVG drawn from it.
 */
@ExtendWith(EnglishMessages.class)
class RunGraphTest {

    private static final String PREFIX = "s3://ml-artifacts/ci/team-a/train/42/";

    private static RunRecord produced(RunRecord r, String... names) {
        List<RunRecord.Artifact> artifacts = new ArrayList<>();
        for (String name : names) {
            artifacts.add(new RunRecord.Artifact(name, PREFIX + r.getRunId() + "/" + name + ".bin", 10, null, null));
        }
        r.setArtifacts(artifacts);
        return r;
    }

    /** Inputs as {@code name, producer record, artifact name, ...}. */
    private static RunRecord took(RunRecord r, Object... inputs) {
        List<RunRecord.Input> list = new ArrayList<>();
        for (int i = 0; i < inputs.length; i += 3) {
            RunRecord producer = (RunRecord) inputs[i + 1];
            list.add(new RunRecord.Input((String) inputs[i], PREFIX + producer.getRunId() + "/" + inputs[i + 2] + ".bin",
                    producer.getRunId(), producer.getFunctionName()));
        }
        r.setInputs(list);
        return r;
    }

    private static Map<String, String> placed(RunGraph graph) {
        return graph.getNodes().stream().collect(Collectors.toMap(n -> n.run().getRunId(),
                n -> n.column() + "," + n.row(), (a, b) -> a, java.util.LinkedHashMap::new));
    }

    /** train; evaluate and serve take its model; report takes evaluate's metrics and the data prep's table. */
    private static List<FunctionRunAction> pipeline(FakeBuild b) {
        RunRecord prep = produced(ended("prep000001", "prep", RunState.COMPLETED, 0, 2_000, null), "table");
        RunRecord train = took(produced(ended("train00001", "train", RunState.COMPLETED, 3_000, 63_000, null),
                "model"), "data", prep, "table");
        RunRecord evaluate = took(produced(ended("eval000001", "evaluate", RunState.ERROR, 64_000, 70_000, null),
                "metrics"), "model", train, "model");
        RunRecord serve = took(serving("serve00001", "iris", 64_000, 90_000), "model", train, "model");
        RunRecord report = took(ended("report0001", "report", RunState.COMPLETED, 71_000, 72_000, null),
                "metrics", evaluate, "metrics", "table", prep, "table");
        RunRecord lonely = ended("lonely0001", "lint", RunState.COMPLETED, 0, 1_000, null);
        List<FunctionRunAction> runs = new ArrayList<>();
        for (RunRecord r : List.of(prep, lonely, train, evaluate, serve, report)) {
            runs.add(on(b, r));
        }
        return runs;
    }

    @Test
    void theRunsAreNodesTheArtifactsPassedBetweenThemEdges() {
        FakeBuild b = new FakeBuild("team-a/train", 42).finish();
        RunGraph graph = RunGraph.of(pipeline(b), 100_000);

        assertThat(graph.getNodes()).extracting(n -> n.run().getFunction())
                .containsExactly("prep", "lint", "train", "evaluate", "iris", "report");
        assertThat(graph.getEdges()).extracting(e -> e.from().run().getFunction() + " -" + e.artifacts() + "-> "
                + e.to().run().getFunction()).containsExactlyInAnyOrder("prep -[table]-> train",
                        "train -[model]-> evaluate", "train -[model]-> iris", "evaluate -[metrics]-> report",
                        "prep -[table]-> report");
        assertThat(graph.getEdges().get(0).uris()).containsExactly(PREFIX + "prep000001/table.bin");
        assertThat(graph.getNodes().get(3).run().getStatus()).isEqualTo(RunStatus.ERROR);
        assertThat(graph.getNodes().get(4).run().getStatus()).isEqualTo(RunStatus.SERVING);
        assertThat(graph.getNodes().get(3).run().getDurationText()).isEqualTo("6.0 s");
        assertThat(graph.getBuildNumber()).isEqualTo(42);
        assertThat(graph.getMore()).isZero();
    }

    @Test
    void eachRunIsAColumnRightOfTheRunsItTookFrom() {
        RunGraph graph = RunGraph.of(pipeline(new FakeBuild("team-a/train", 42).finish()), 100_000);

        // report took from evaluate (column 2) and prep (column 0): column 3
        assertThat(placed(graph)).containsExactly(Map.entry("prep000001", "0,0"), Map.entry("lonely0001", "0,1"),
                Map.entry("train00001", "1,0"), Map.entry("eval000001", "2,0"), Map.entry("serve00001", "2,1"),
                Map.entry("report0001", "3,0"));
        assertThat(graph.getColumns()).isEqualTo(4);
        assertThat(graph.getRows()).isEqualTo(2);
    }

    @Test
    void withinAColumnRunsFollowTheirProducersSoEdgesDoNotCross() {
        FakeBuild b = new FakeBuild("app", 1).finish();
        RunRecord a = produced(ended("aaaaaaaaaa", "a", RunState.COMPLETED, 0, 1, null), "x");
        RunRecord c = produced(ended("cccccccccc", "c", RunState.COMPLETED, 0, 1, null), "y");
        // started first, but it took from c, below a
        RunRecord fromC = took(ended("fromcccccc", "from-c", RunState.COMPLETED, 2, 3, null), "y", c, "y");
        RunRecord fromA = took(ended("fromaaaaaa", "from-a", RunState.COMPLETED, 4, 5, null), "x", a, "x");
        RunGraph graph = RunGraph.of(List.of(on(b, a), on(b, c), on(b, fromC), on(b, fromA)), 10);

        assertThat(placed(graph)).containsEntry("fromaaaaaa", "1,0").containsEntry("fromcccccc", "1,1");
    }

    @Test
    void twoArtifactsBetweenTheSameRunsAreOneEdge() {
        FakeBuild b = new FakeBuild("app", 1).finish();
        RunRecord train = produced(ended("train00001", "train", RunState.COMPLETED, 0, 1, null), "model", "scaler");
        RunRecord serve = took(ended("serve00001", "predict", RunState.COMPLETED, 2, 3, null), "model", train, "model",
                "preprocessing", train, "scaler");
        RunGraph graph = RunGraph.of(List.of(on(b, train), on(b, serve)), 10);

        assertThat(graph.getEdges()).singleElement().satisfies(e -> {
            assertThat(e.artifacts()).as("the producer's names").containsExactly("model", "scaler");
            assertThat(e.uris()).hasSize(2);
        });
    }

    @Test
    void noArtifactPassedBetweenTwoRunsOfTheBuildNoGraph() {
        FakeBuild b = new FakeBuild("app", 1).finish();
        assertThat(RunGraph.of(List.of(), 0)).isNull();
        assertThat(RunGraph.of(List.of(on(b, ended("one0000001", "one", RunState.COMPLETED, 0, 1, null))), 0)).isNull();

        RunRecord fromElsewhere = ended("two0000001", "two", RunState.COMPLETED, 0, 1, null);
        fromElsewhere.setInputs(List.of(new RunRecord.Input("model", "s3://b/other-job/3/zzzzzzzzzz/m.bin", null, null),
                new RunRecord.Input("data", "s3://b/app/0/yyyyyyyyyy/d.bin", "yyyyyyyyyy", "older")));
        RunRecord plain = produced(ended("three00001", "three", RunState.COMPLETED, 0, 1, null), "out");
        assertThat(RunGraph.of(List.of(on(b, plain), on(b, fromElsewhere)), 0)).isNull();
    }

    @Test
    void atMostFiftyRunsAreDrawnTheOthersCounted() throws Exception {
        FakeBuild b = new FakeBuild("app", 7).finish();
        RunRecord source = produced(ended("source0000", "split", RunState.COMPLETED, 0, 1, null), "shard");
        List<FunctionRunAction> runs = new ArrayList<>(List.of(on(b, source)));
        for (int i = 0; i < 60; i++) {
            runs.add(on(b, took(ended(String.format("worker%04d", i), "work", RunState.COMPLETED, 2, 3, null),
                    "shard", source, "shard")));
        }
        RunGraph graph = RunGraph.of(runs, 10);

        assertThat(graph.getNodes()).hasSize(RunGraph.MAX_NODES);
        assertThat(graph.getEdges()).hasSize(RunGraph.MAX_NODES - 1);
        assertThat(graph.getMore()).isEqualTo(11);
        String svg = graph.svg("");
        parse(svg);
        assertThat(svg).contains(">11 more runs of this build are not drawn<");
        assertThat(RunGraphSvg.height(graph)).as("one column of 49 runs").isEqualTo(28 + 49 * 58 - 18 + 22);
    }

    @Test
    void theSvgLinksEachRunToItsPageAndNamesEachArrow() throws Exception {
        FakeBuild b = new FakeBuild("team-a/train", 42).finish();
        RunGraph graph = RunGraph.of(pipeline(b), 100_000);
        String svg = graph.svg("/jenkins");
        Document doc = parse(svg);

        Element root = doc.getDocumentElement();
        assertThat(root.getAttribute("role")).isEqualTo("img");
        assertThat(root.getAttribute("width")).isEqualTo(String.valueOf(RunGraphSvg.width(graph)));
        assertThat(root.getElementsByTagName("title").item(0).getTextContent()).isEqualTo("Build #42: 6 runs and the"
                + " artifacts passed between them, 5 arrows from the run that stored them to the run that took them");
        NodeList links = root.getElementsByTagName("a");
        assertThat(links.getLength()).isEqualTo(6);
        Element evaluate = (Element) links.item(3);
        assertThat(evaluate.getAttribute("href")).isEqualTo("/jenkins/job/team-a/job/train/42/function-run-eval000001/");
        assertThat(evaluate.getElementsByTagName("title").item(0).getTextContent())
                .isEqualTo("evaluate (container job, eval000001): ERROR (Error), 6.0 s");
        assertThat(((Element) evaluate.getElementsByTagName("rect").item(0)).getAttribute("stroke"))
                .isEqualTo(TrendSvg.colour(RunStatus.ERROR));
        assertThat(evaluate.getTextContent()).contains("evaluate").contains("Error · 6.0 s");
        assertThat(root.getElementsByTagName("path").getLength()).as("5 arrows and the arrow head").isEqualTo(6);
        assertThat(svg).contains("marker-end=\"url(#function-run-graph-arrow)\"")
                .contains("<title>train → iris: model (" + PREFIX + "train00001/model.bin)</title>")
                .contains(">Artifacts passed between runs<");
    }

    @Test
    void theArrowsIntoOneRunEndApartInTheOrderOfTheirProducers() {
        FakeBuild b = new FakeBuild("team-a/train", 42).finish();
        String svg = RunGraph.of(pipeline(b), 100_000).svg("");
        // report (column 3, row 0) takes from evaluate (column 2, row 0) and from prep, whose arrow comes along
        // the gap below row 0: evaluate's ends at a third of the box, prep's at two thirds
        int reportX = RunGraphSvg.x(3) - 2;
        String evaluateEnd = String.format(java.util.Locale.ROOT, "%d.0,%.1f\"", reportX, 28 + 40 / 3.0);
        String prepEnd = String.format(java.util.Locale.ROOT, "%d.0,%.1f\"", reportX, 28 + 80 / 3.0);
        assertThat(svg.indexOf(evaluateEnd)).isGreaterThan(svg.indexOf("<title>evaluate → report"));
        assertThat(svg.indexOf(prepEnd)).isGreaterThan(svg.indexOf("<title>prep → report"))
                .isLessThan(svg.indexOf("<title>train → evaluate"));
    }

    @Test
    void anArrowPastAColumnGoesBetweenItsBoxesNotThroughThem() {
        FakeBuild b = new FakeBuild("team-a/train", 42).finish();
        String svg = RunGraph.of(pipeline(b), 100_000).svg("");
        // prep (column 0, row 0) to report (column 3): along the gap below row 0, from column 0's gap to column 2's
        double lane = 28 + 40 + RunGraphSvg.ROW_GAP / 2.0;
        String along = String.format(java.util.Locale.ROOT, " L%.1f,%.1f ", RunGraphSvg.x(3) - 2 - RunGraphSvg.COLUMN_GAP
                / 2.0, lane);
        assertThat(svg).contains(along);
        assertThat(lane).isGreaterThan(RunGraphSvg.y(0) + RunGraphSvg.NODE_HEIGHT).isLessThan(RunGraphSvg.y(1));
    }

    @Test
    void theSvgNeedsNoScriptNorStyleAttributeAndFollowsTheThemesTextColour() {
        String svg = RunGraph.of(pipeline(new FakeBuild("app", 1).finish()), 100_000).svg("");

        assertThat(svg).doesNotContain("<script").doesNotContain("style=").doesNotContain("on" + "click")
                .contains("fill=\"currentColor\"").contains("stroke=\"currentColor\"");
        assertThat(Arrays.stream(svg.split("<text")).skip(1)).allSatisfy(t -> assertThat(t).contains("fill=\"currentColor\""));
    }

    @Test
    void everyTextAndUrlIsEscaped() throws Exception {
        FakeBuild b = new FakeBuild("team/a\"pp<x>", 5).finish();
        RunRecord producer = produced(ended("p000000001", "<script>alert('x')</script>", RunState.COMPLETED, 0, 1, null),
                "m&m");
        RunRecord consumer = took(ended("c000000001", "eval", RunState.COMPLETED, 2, 3, null), "m", producer, "m&m");
        String svg = RunGraph.of(List.of(on(b, producer), on(b, consumer)), 10).svg("/j\"enkins");

        parse(svg);
        assertThat(svg).doesNotContain("<script").contains("&lt;script&gt;alert(&#39;x&#39;)")
                .contains(">m&amp;m<").contains("href=\"/j&quot;enkins/job/team/job/a&quot;pp&lt;x&gt;/5/");
    }

    @Test
    void theBuildPageHasTheGraphOnlyWhenArtifactsPassed() {
        FakeBuild b = new FakeBuild("team-a/train", 42).finish();
        pipeline(b);
        BuildRunsSummary summary = (BuildRunsSummary) new BuildRunsSummary.Factory().createFor(b).iterator().next();
        assertThat(summary.getGraph()).isNotNull();

        FakeBuild plain = new FakeBuild("app", 2).finish();
        on(plain, ended("a000000001", "a", RunState.COMPLETED, 0, 1, null));
        on(plain, ended("b000000001", "b", RunState.COMPLETED, 0, 1, null));
        BuildRunsSummary none = (BuildRunsSummary) new BuildRunsSummary.Factory().createFor(plain).iterator().next();
        assertThat(none.getGraph()).isNull();
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }
}
