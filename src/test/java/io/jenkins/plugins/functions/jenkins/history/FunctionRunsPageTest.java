package io.jenkins.plugins.functions.jenkins.history;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Run;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The job-level "Function runs" page over a job with thousands of builds: pages are found by
 * loading builds one at a time from the newest, and only as many as the page needs.
 */
class FunctionRunsPageTest {

    private static final int BUILDS = 5000;

    /**
     * A job's builds 5000 down to 1, made (loaded) only when the walk reaches them, like Jenkins'
     * lazy build map. Build n runs {@code fn-<n % 10>}; every 7th build's run failed; every 100th
     * build ran two functions (a job and a serve).
     */
    private final AtomicInteger loaded = new AtomicInteger();

    private final Function<Integer, Iterable<? extends Run<?, ?>>> builds = from -> () -> new Iterator<Run<?, ?>>() {
        int next = from == null ? BUILDS : Math.min(from, BUILDS);

        @Override
        public boolean hasNext() {
            return next >= 1;
        }

        @Override
        public Run<?, ?> next() {
            if (next < 1) {
                throw new NoSuchElementException();
            }
            loaded.incrementAndGet();
            return build(next--);
        }
    };

    private static FakeBuild build(int n) {
        FakeBuild b = new FakeBuild("team/app", n);
        b.addAction(run(n + "a", "fn-" + (n % 10), "job", n % 7 == 0 ? RunState.ERROR : RunState.COMPLETED));
        if (n % 100 == 0) {
            b.addAction(run(n + "b", "web", "serve", RunState.RUNNING));
        }
        return b;
    }

    private static FunctionRunAction run(String id, String function, String action, RunState end) {
        RunRecord r = new RunRecord("run" + id, action, function, 1_000L);
        r.resolved(function, "v1", "container", "default", "{}", "{}", 2_000L);
        r.finish(new RunOutcome(end, end == RunState.RUNNING ? null : 0, end.name(), null, null, null, null), "{}");
        return new FunctionRunAction(r);
    }

    private final FunctionRunsAction page = new FunctionRunsAction(null, builds);

    @Test
    void theNewestPageLoadsOnlyTheBuildsItShows() {
        RunPage p = page.page(null, null, null, null);

        assertThat(p.getRuns()).hasSize(RunQuery.PAGE_SIZE);
        // Build 5000 has two runs (the serve started last, so it comes first), then 4999 ... 4952.
        assertThat(p.getRuns().get(0).getRunId()).isEqualTo("run5000b");
        assertThat(p.getRuns().get(1).getRunId()).isEqualTo("run5000a");
        assertThat(p.getRuns().get(49).getRunId()).isEqualTo("run4952a");
        assertThat(p.getNext()).isEqualTo("4951");
        assertThat(loaded.get()).as("builds loaded for the newest page of 5000").isEqualTo(50);
        assertThat(p.getBuildsLoaded()).isEqualTo(50);
    }

    @Test
    void theNextPageStartsWhereTheLastEndedWithoutLoadingNewerBuilds() {
        RunPage first = page.page(null, null, null, null);
        loaded.set(0);
        RunPage second = page.page(null, null, null, first.getNext());

        assertThat(second.getRuns().get(0).getRunId()).isEqualTo("run4951a");
        assertThat(loaded.get()).as("50 builds of one run each, and one more to know there is more").isEqualTo(51);
        assertThat(second.getRuns()).extracting(FunctionRunAction::getRunId)
                .doesNotContainAnyElementsOf(first.getRuns().stream().map(FunctionRunAction::getRunId).toList());
    }

    @Test
    void aCursorInsideABuildWithSeveralRunsContinuesWithinIt() {
        RunPage p = page.page(null, null, null, "4900.1");
        assertThat(p.getRuns().get(0).getRunId()).as("4900's second run, newest first").isEqualTo("run4900a");
        assertThat(p.getRuns().get(1).getRunId()).isEqualTo("run4899a");

        // A page that ends inside a build points into it: runs 5000b..4952a fill 50 when the
        // page size is 2 and the build has two runs.
        RunPage small = RunPage.find(builds, RunQuery.all(), 1, 100);
        assertThat(small.getRuns()).extracting(FunctionRunAction::getRunId).containsExactly("run5000b");
        assertThat(small.getNext()).isEqualTo("5000.1");
        RunPage then = RunPage.find(builds, RunQuery.all().from(small.getNextQuery().from()), 1, 100);
        assertThat(then.getRuns()).extracting(FunctionRunAction::getRunId).containsExactly("run5000a");
    }

    @Test
    void filtersCombineAndLoadOnlyWhatTheyNeed() {
        RunPage failed = page.page(null, "job", "error", null);

        // One build in 7 failed: 50 failures in the newest 350 builds (4998 = 7 * 714 is the first).
        assertThat(failed.getRuns()).hasSize(50).allSatisfy(r -> assertThat(r.getState()).isEqualTo("ERROR"));
        assertThat(failed.getRuns().get(0).getRunId()).isEqualTo("run4998a");
        assertThat(loaded.get()).isBetween(7 * 49, 7 * 51);

        loaded.set(0);
        RunPage fn3 = page.page("fn-3", null, "ERROR", null);
        // fn-3 and failed: n % 10 == 3 and n % 7 == 0, one build in 70: 14 in the 1000 builds a page may load.
        assertThat(fn3.getRuns()).hasSize(14).allSatisfy(r -> assertThat(r.getFunction()).isEqualTo("fn-3"));
        assertThat(fn3.getRuns().get(0).getRunId()).isEqualTo("run4963a");
        assertThat(fn3.isScanLimitReached()).isTrue();
        assertThat(loaded.get()).isEqualTo(RunQuery.MAX_BUILDS_PER_PAGE);
        assertThat(fn3.getNext()).isEqualTo("4000");
    }

    @Test
    void aFilterThatMatchesLittleStopsAtTheLoadLimitAndOffersToGoOn() {
        RunPage p = page.page("web", "serve", "RUNNING", null);

        assertThat(p.getRuns()).hasSize(10); // builds 5000, 4900, ..., 4100
        assertThat(p.isScanLimitReached()).isTrue();
        assertThat(loaded.get()).isEqualTo(RunQuery.MAX_BUILDS_PER_PAGE);
        assertThat(p.getNext()).isEqualTo("4000");
        RunPage more = page.page("web", "serve", "RUNNING", p.getNext());
        assertThat(more.getRuns().get(0).getRunId()).isEqualTo("run4000b");
    }

    @Test
    void wrongValuesAreErrorsNotExceptionsAndLoadNothing() {
        RunPage p = page.page("Not A Name", "launch", "FINISHED", "twelve");

        assertThat(p.getRuns()).isEmpty();
        assertThat(loaded.get()).isZero();
        assertThat(p.getErrors()).containsExactly(
                "field 'function': value 'Not A Name' is not allowed: must be a DNS-1123 label: 1 to 63 characters of"
                        + p.getErrors().get(0).substring(p.getErrors().get(0).indexOf(" characters of") + 14),
                "field 'action': value 'launch' is not allowed: must be one of job, serve, build, deploy",
                "field 'state': value 'FINISHED' is not allowed: must be one of CREATED, BUILT, READY, PENDING,"
                        + " RUNNING, COMPLETED, ERROR, STOPPED",
                "field 'from': value 'twelve' is not allowed: must be a build number, optionally followed by '.'"
                        + " and the position of a run in that build (12 or 12.3)");
    }

    @Test
    void theRestApiTakesTheFiltersAsOnePathSegment() {
        RunPage p = page.getPage("function=web,state=running");
        assertThat(p.getQuery().toPathSegment()).isEqualTo("function=web,state=RUNNING");
        assertThat(p.getRuns()).allSatisfy(r -> assertThat(r.getFunction()).isEqualTo("web"));
        assertThat(page.getPage("all").getRuns()).hasSize(50);
        assertThat(page.getPage("colour=red").getErrors()).singleElement().asString()
                .contains("field 'filter': value 'colour=red'");
    }

    @Test
    void queryStringsRoundTrip() {
        RunQuery q = RunQuery.of("web", "serve", "running", "120.2");
        assertThat(q.errors()).isEmpty();
        assertThat(q.toQueryString()).isEqualTo("function=web&action=serve&state=RUNNING&from=120.2");
        assertThat(RunQuery.parse(q.toPathSegment())).isEqualTo(q);
    }

    @Test
    void theSidebarLinkShowsWhenARecentBuildRanAFunction() {
        assertThat(page.getIconFileName()).isEqualTo("symbol-terminal");
        assertThat(loaded.get()).isEqualTo(1);
        FunctionRunsAction none = new FunctionRunsAction(null, from -> () -> new Iterator<Run<?, ?>>() {
            int n = 100;

            @Override
            public boolean hasNext() {
                return n > 0;
            }

            @Override
            public Run<?, ?> next() {
                loaded.incrementAndGet();
                return new FakeBuild("team/other", n--);
            }
        });
        loaded.set(0);
        assertThat(none.getIconFileName()).isNull();
        assertThat(loaded.get()).isEqualTo(FunctionRunsAction.SIDEBAR_PROBE_BUILDS);
    }
}
