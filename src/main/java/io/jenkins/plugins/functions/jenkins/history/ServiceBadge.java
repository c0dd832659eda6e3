package io.jenkins.plugins.functions.jenkins.history;

import hudson.Extension;
import hudson.model.Action;
import hudson.model.BuildBadgeAction;
import hudson.model.Run;
import io.jenkins.plugins.functions.jenkins.Messages;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.run.RunState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import jenkins.model.TransientActionFactory;

/**
 * The build history's badge of a build that served something ({@code serveFunction}, or the
 * freestyle "Serve function"): a cloud icon beside the build, whose tooltip names each function
 * served with its URL and whether it still serves, and which links to the run's page (to the
 * build's page when it served several).
 *
 * <p>Derived from the runs on the build, never stored: its {@link Factory} makes it from the
 * build's {@link FunctionRunAction}s, so build.xml holds no second copy of the URL.
 */
public final class ServiceBadge implements BuildBadgeAction {

    private final Run<?, ?> build;
    private final List<FunctionRunAction> served;

    ServiceBadge(Run<?, ?> build, List<FunctionRunAction> served) {
        this.build = build;
        this.served = List.copyOf(served);
    }

    /**
     * The runs of a build that served, in the order they started: {@code serve} runs that got a
     * URL (their rollout became available), whether or not they were stopped since.
     */
    static List<FunctionRunAction> served(List<FunctionRunAction> runs) {
        List<FunctionRunAction> out = new ArrayList<>();
        for (FunctionRunAction run : runs) {
            if (ActionKind.SERVE.id().equals(run.getAction()) && run.getServiceUrl() != null) {
                out.add(run);
            }
        }
        return out;
    }

    public List<FunctionRunAction> getServed() {
        return served;
    }

    /** {@code web served at http://web.team.svc:8080; llm served at ..., stopped}. */
    public String getTooltip() {
        List<String> lines = new ArrayList<>();
        for (FunctionRunAction run : served) {
            lines.add(RunState.RUNNING.name().equals(run.getState())
                    ? Messages.ServiceBadge_Serving(run.getFunction(), run.getServiceUrl())
                    : Messages.ServiceBadge_Served(run.getFunction(), run.getServiceUrl()));
        }
        return String.join("; ", lines);
    }

    /** Where the badge leads, relative to the Jenkins root URL: the run's page, or the build's when several. */
    public String getLink() {
        return served.size() == 1 ? served.get(0).getUrl() : build.getUrl();
    }

    /** Only a badge: nothing in the sidebar. */
    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return Messages.ServiceBadge_DisplayName();
    }

    @Override
    public String getUrlName() {
        return null;
    }

    /**
     * Gives a build that served its badge. Asked whenever the build history lists the build, so it
     * reads only the build's runs in memory, and their outputs only for {@code serve} runs.
     */
    @Extension
    @SuppressWarnings("rawtypes") // TransientActionFactory<Run> is how Jenkins registers build actions
    public static final class Factory extends TransientActionFactory<Run> {

        @Override
        public Class<Run> type() {
            return Run.class;
        }

        /** Only asked for badges (and all actions), not for every action type of a build. */
        @Override
        public Class<ServiceBadge> actionType() {
            return ServiceBadge.class;
        }

        @Override
        public Collection<? extends Action> createFor(Run target) {
            @SuppressWarnings("unchecked")
            Run<?, ?> build = target;
            List<FunctionRunAction> served = served(FunctionRunAction.of(build));
            return served.isEmpty() ? List.of() : List.of(new ServiceBadge(build, served));
        }
    }
}
