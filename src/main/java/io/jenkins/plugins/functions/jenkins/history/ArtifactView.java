package io.jenkins.plugins.functions.jenkins.history;

import io.jenkins.plugins.functions.jenkins.artifacts.DownloadLinks;
import io.jenkins.plugins.functions.run.RunRecord;
import java.time.Duration;
import java.util.List;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/** One artifact of a run on its page and in the REST API ({@link FunctionRunAction#getArtifacts()}). */
@ExportedBean(defaultVisibility = 2)
public final class ArtifactView {
    private final RunRecord.Artifact artifact;
    private final List<String> consumedBy;
    private final DownloadLinks.Link link;
    private final Duration validity;

    ArtifactView(RunRecord.Artifact artifact, List<String> consumedBy, DownloadLinks.Link link, Duration validity) {
        this.artifact = artifact;
        this.consumedBy = consumedBy;
        this.link = link;
        this.validity = validity;
    }

    @Exported
    public String getName() {
        return artifact.getName();
    }

    @Exported
    public String getUri() {
        return artifact.getUri();
    }

    @Exported
    public long getSize() {
        return artifact.getSize();
    }

    @Exported
    public String getSha256() {
        return artifact.getSha256();
    }

    @Exported
    public String getMediaType() {
        return artifact.getMediaType();
    }

    /** The ids of the runs of this build that took it as an input. */
    @Exported
    public List<String> getConsumedBy() {
        return consumedBy;
    }

    /**
     * A pre-signed GET of the object, valid for the store's link validity from when this view
     * was made (docs/artifacts.md); null when there is none ({@link #getDownloadUnavailable()}).
     */
    @Exported
    public String getDownloadUrl() {
        return link.url();
    }

    /** Why there is no download link, or null when there is one. */
    @Exported
    public String getDownloadUnavailable() {
        return link.unavailable();
    }

    /** How long the link is valid from when this view was made (not exported). */
    Duration validity() {
        return validity;
    }
}
