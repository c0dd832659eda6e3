package io.jenkins.plugins.functions.jenkins.history;

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

    @Exported
    public String getName() {
        return name;
    }

    @Exported
    public String getUrl() {
        return url;
    }
}
