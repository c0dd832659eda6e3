package io.jenkins.plugins.functions.jenkins.history;

import hudson.model.Run;
import io.jenkins.plugins.functions.jenkins.observability.RunLinks;
import io.jenkins.plugins.functions.run.RunRecord;
import java.util.ArrayList;
import java.util.List;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/** The exported view of one link of a run to its logs, traces or a dashboard (computed, never persisted). */
@ExportedBean(defaultVisibility = 2)
public final class RunLinkView {
    private final String name;
    private final String url;

    RunLinkView(String name, String url) {
        this.name = name;
        this.url = url;
    }

    /** The views of the global configuration's links filled with a record of that build; none when none are configured. */
    static List<RunLinkView> of(RunRecord record, Run<?, ?> build) {
        List<RunLinkView> out = new ArrayList<>();
        RunLinks.of(record, build).forEach(l -> out.add(new RunLinkView(l.name(), l.url())));
        return out;
    }

    @Exported
    public String getName() {
        return name;
    }

    @Exported
    public String getUrl() {
        return url;
    }
}
