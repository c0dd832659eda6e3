package io.jenkins.plugins.functions.jenkins.history;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Api;
import hudson.model.Run;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.QueryParameter;

/**
 * The REST filters of a job's Function runs page as query parameters,
 * {@code .../function-runs/api/json?state=ERROR&function=web}, next to the path form
 * ({@code .../function-runs/page/state=ERROR,function=web/api/json}), which keeps working.
 */
class FunctionRunsQueryParametersTest {

    /** 30 builds, newest first: build n runs {@code web} (a serve) when n is even, else {@code batch}; every 3rd failed. */
    private final Function<Integer, Iterable<? extends Run<?, ?>>> builds = from -> {
        List<Run<?, ?>> list = new ArrayList<>();
        for (int n = from == null ? 30 : Math.min(from, 30); n >= 1; n--) {
            FakeBuild b = new FakeBuild("team/app", n);
            boolean web = n % 2 == 0;
            RunRecord r = new RunRecord("run" + n, web ? "serve" : "job", web ? "web" : "batch", 1_000L);
            r.resolved(web ? "web" : "batch", "v1", "container", "default", "{}", "{}", 2_000L);
            RunState end = n % 3 == 0 ? RunState.ERROR : web ? RunState.RUNNING : RunState.COMPLETED;
            r.finish(new RunOutcome(end, null, end.name(), null, null, null, null), "{}");
            b.addAction(new FunctionRunAction(r));
            list.add(b);
        }
        return list;
    };

    private final FunctionRunsAction action = new FunctionRunsAction(null, builds);

    @Test
    void queryParametersFilterTheApiAsThePathSegmentDoes() {
        RunPage byQuery = (RunPage) action.apiTarget("web", null, "ERROR", null);
        RunPage byPath = action.getPage("function=web,state=ERROR");

        assertThat(byQuery.getRuns()).extracting(FunctionRunAction::getRunId)
                .containsExactly("run30", "run24", "run18", "run12", "run6");
        assertThat(byQuery.getRuns()).extracting(FunctionRunAction::getRunId)
                .isEqualTo(byPath.getRuns().stream().map(FunctionRunAction::getRunId).toList());
        assertThat(byQuery.getQuery()).isEqualTo(byPath.getQuery());
    }

    @Test
    void everyFilterOfThePathFormIsAQueryParameter() {
        RunPage jobsFrom = (RunPage) action.apiTarget(null, "job", "completed", "20");

        assertThat(jobsFrom.getRuns()).extracting(FunctionRunAction::getRunId)
                .containsExactly("run19", "run17", "run13", "run11", "run7", "run5", "run1");
        assertThat(jobsFrom.getQuery().toPathSegment()).isEqualTo("action=job,state=COMPLETED,from=20");
    }

    @Test
    void withoutFiltersTheApiIsThePagesOwnAsBefore() {
        assertThat(action.apiTarget(null, null, null, null)).isSameAs(action);
        assertThat(action.apiTarget("", " ", null, "")).as("empty parameters are no filter").isSameAs(action);
        assertThat(action.getRuns()).hasSize(30);
    }

    @Test
    void aWrongValueIsAnErrorOfThePageNotAnException() {
        RunPage p = (RunPage) action.apiTarget(null, null, "FINISHED", null);

        assertThat(p.getRuns()).isEmpty();
        assertThat(p.getErrors()).singleElement().asString().startsWith("field 'state': value 'FINISHED' is not allowed");
    }

    @Test
    void onlyTheApiTokenIsAnsweredAndItsFiltersAreBoundFromTheQuery() throws Exception {
        assertThat(action.getDynamic("api", "web", null, null, null)).isInstanceOf(Api.class);
        assertThat(action.getDynamic("other", null, null, null, null)).isNull();

        Method getDynamic = FunctionRunsAction.class.getMethod("getDynamic", String.class, String.class,
                String.class, String.class, String.class);
        assertThat(Arrays.stream(getDynamic.getParameters()).skip(1)).as("Stapler binds them from the query")
                .allSatisfy(p -> assertThat(p.isAnnotationPresent(QueryParameter.class)).isTrue())
                .extracting(Parameter::getName).containsExactly("function", "action", "state", "from");
        assertThat(Arrays.stream(FunctionRunsAction.class.getMethods()).map(Method::getName))
                .as("a getApi() getter would take the 'api' token before getDynamic").doesNotContain("getApi");
    }
}
