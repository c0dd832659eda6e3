package io.jenkins.plugins.functions.jenkins.history;

import static io.jenkins.plugins.functions.jenkins.history.RecordedRuns.ended;
import static io.jenkins.plugins.functions.jenkins.history.RecordedRuns.on;
import static io.jenkins.plugins.functions.jenkins.history.RecordedRuns.serving;
import static io.jenkins.plugins.functions.jenkins.history.RecordedRuns.started;
import static org.assertj.core.api.Assertions.assertThat;

import com.thoughtworks.xstream.XStream;
import hudson.model.Action;
import hudson.model.BuildBadgeAction;
import io.jenkins.plugins.functions.jenkins.EnglishMessages;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.run.RunState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a build shows of its runs: the build page's compact table ({@link BuildRunsSummary}) and the
 * build history's badge of a build that served ({@link ServiceBadge}), both derived from the runs
 * on the build, nothing stored.
 */
@ExtendWith(EnglishMessages.class)
class BuildPagesTest {

    private final BuildRunsSummary.Factory summaries = new BuildRunsSummary.Factory();
    private final ServiceBadge.Factory badges = new ServiceBadge.Factory();

    @Test
    void theBuildPageListsItsRunsAsOneTableInTheOrderTheyStarted() {
        FakeBuild build = new FakeBuild("team/app", 7);
        on(build, ended("r1", "hello", RunState.COMPLETED, 0, 8_000, "{\"greeting\":\"hi\"}"));
        on(build, ended("r2", "check", RunState.ERROR, 1_000, 3_000, null));
        on(build, serving("r3", "web", 2_000, 30_000));

        Collection<? extends Action> made = summaries.createFor(build);
        assertThat(made).singleElement().isInstanceOf(BuildRunsSummary.class);
        BuildRunsSummary summary = (BuildRunsSummary) made.iterator().next();
        RunTable table = summary.getTable();

        assertThat(table.isWithBuild()).as("the build's own page needs no build column").isFalse();
        assertThat(table.getRows()).extracting(RunRow::getRunId).containsExactly("r1", "r2", "r3");
        assertThat(table.getRows()).extracting(RunRow::getStatus)
                .containsExactly(RunStatus.COMPLETED, RunStatus.ERROR, RunStatus.SERVING);
        assertThat(table.getStatusCounts()).containsExactly(Map.entry(RunStatus.COMPLETED, 1),
                Map.entry(RunStatus.SERVING, 1), Map.entry(RunStatus.ERROR, 1));
        assertThat(table.getMore()).isZero();
        assertThat(summary.getIconFileName()).as("not in the sidebar").isNull();
        assertThat(summary.getUrlName()).isNull();
        assertThat(summary.getDisplayName()).isEqualTo("Function runs of this build");
        assertThat(summaries.actionType()).as("only asked for when summaries are looked for")
                .isEqualTo(BuildRunsSummary.class);
    }

    @Test
    void aFanOutOfHundredsShowsTheFirstHundredAndCountsTheRest() {
        FakeBuild build = new FakeBuild("team/app", 8);
        for (int i = 0; i < 250; i++) {
            on(build, ended("r" + i, "shard", RunState.COMPLETED, i, i + 1_000, null));
        }
        RunTable table = ((BuildRunsSummary) summaries.createFor(build).iterator().next()).getTable();

        assertThat(table.getRows()).hasSize(BuildRunsSummary.MAX_ROWS);
        assertThat(table.getRows().get(0).getRunId()).isEqualTo("r0");
        assertThat(table.getMore()).isEqualTo(150);
    }

    @Test
    void aBuildWithoutRunsGetsNeither() {
        FakeBuild build = new FakeBuild("team/app", 9);
        assertThat(summaries.createFor(build)).isEmpty();
        assertThat(badges.createFor(build)).isEmpty();
    }

    @Test
    void aBuildThatServedGetsABadgeWithTheUrlThatLeadsToTheRun() {
        FakeBuild build = new FakeBuild("team/app", 10);
        on(build, ended("r1", "hello", RunState.COMPLETED, 0, 8_000, "{\"url\":\"not a service\"}"));
        on(build, serving("r2", "web", 2_000, 30_000));

        Collection<? extends Action> made = badges.createFor(build);
        assertThat(made).singleElement().isInstanceOf(BuildBadgeAction.class);
        ServiceBadge badge = (ServiceBadge) made.iterator().next();

        assertThat(badge.getServed()).extracting(FunctionRunAction::getRunId).containsExactly("r2");
        assertThat(badge.getTooltip()).isEqualTo("web serves at http://web.team-a.svc:8080");
        assertThat(badge.getLink()).isEqualTo("job/team/job/app/10/function-run-r2/");
        assertThat(badge.getIconFileName()).isNull();
        assertThat(badge.getUrlName()).isNull();
        assertThat(badges.actionType()).as("only asked for badges").isEqualTo(ServiceBadge.class);
    }

    @Test
    void aStoppedServiceStillShowsThatTheBuildServedAndSeveralLeadToTheBuild() {
        FakeBuild build = new FakeBuild("team/app", 11);
        on(build, serving("r1", "web", 0, 10_000));
        on(build, serving("r2", "api", 1_000, 12_000));
        BuildRuns.stop(build, "r1", "Replaced", "replaced by version x from team/app #12");

        ServiceBadge badge = (ServiceBadge) badges.createFor(build).iterator().next();

        assertThat(badge.getTooltip()).isEqualTo("web served at http://web.team-a.svc:8080, stopped since; "
                + "api serves at http://api.team-a.svc:8080");
        assertThat(badge.getLink()).isEqualTo("job/team/job/app/11/");
    }

    @Test
    void aServeThatNeverBecameAvailableServedNothing() {
        FakeBuild build = new FakeBuild("team/app", 12);
        on(build, started("r1", "serve", "web", "container", 0)).getRecord()
                .finish(io.jenkins.plugins.functions.run.RunOutcome.error("CrashLoopBackOff", "keeps exiting"), null);
        on(build, started("r2", "deploy", "worker", "container", 0));

        assertThat(badges.createFor(build)).isEmpty();
    }

    @Test
    void neitherAddsAnythingToTheBuildNorToBuildXml() {
        FakeBuild build = new FakeBuild("team/app", 13);
        FunctionRunAction run = on(build, serving("r1", "web", 0, 10_000));
        XStream xstream = new XStream();
        xstream.allowTypesByWildcard(new String[] {"io.jenkins.plugins.functions.**"});
        String before = xstream.toXML(new ArrayList<>(build.getActions()));

        ((BuildRunsSummary) summaries.createFor(build).iterator().next()).getTable();
        ((ServiceBadge) badges.createFor(build).iterator().next()).getTooltip();

        assertThat(build.getActions()).containsExactly(run);
        assertThat(xstream.toXML(new ArrayList<>(build.getActions()))).isEqualTo(before);
        assertThat(build.saves()).isZero();
        assertThat(List.of(BuildRunsSummary.class, ServiceBadge.class))
                .as("transient: made for each request, never serialised")
                .noneMatch(java.io.Serializable.class::isAssignableFrom);
    }
}
