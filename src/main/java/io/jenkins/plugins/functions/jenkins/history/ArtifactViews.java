package io.jenkins.plugins.functions.jenkins.history;

import hudson.model.Run;
import io.jenkins.plugins.functions.jenkins.artifacts.DownloadLinks;
import io.jenkins.plugins.functions.run.RunRecord;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The artifacts of a run as its page and REST API show them ({@link FunctionRunAction#getArtifacts()}):
 * each with the runs of the build that took it and a download link signed for this view, never
 * stored.
 */
final class ArtifactViews {

    private ArtifactViews() {
    }

    /** The views of the record's artifacts; owner: the run's build, or null when not attached. */
    static List<ArtifactView> of(Run<?, ?> owner, RunRecord record) {
        List<ArtifactView> views = new ArrayList<>();
        if (record.getArtifacts().isEmpty()) {
            return views;
        }
        try (DownloadLinks links = DownloadLinks.of(owner, record)) {
            for (RunRecord.Artifact a : record.getArtifacts()) {
                views.add(new ArtifactView(a, consumersOf(owner, a.getUri()), links.linkFor(a.getUri()),
                        links.validity()));
            }
        }
        return views;
    }

    /** Why some of these artifacts have no download link, each reason once. */
    static Set<String> downloadNotes(List<ArtifactView> artifacts) {
        Set<String> notes = new LinkedHashSet<>();
        artifacts.forEach(a -> {
            if (a.getDownloadUnavailable() != null) {
                notes.add(a.getDownloadUnavailable());
            }
        });
        return notes;
    }

    /** How long the links of these artifacts are valid, in minutes; null when none has a link. */
    static Long linkMinutes(List<ArtifactView> artifacts) {
        for (ArtifactView a : artifacts) {
            if (a.validity() != null && a.getDownloadUrl() != null) {
                return Math.max(1, a.validity().toMinutes());
            }
        }
        return null;
    }

    /** The runs of this build that took the artifact of that URI as an input, by run id. */
    private static List<String> consumersOf(Run<?, ?> owner, String uri) {
        List<String> consumers = new ArrayList<>();
        if (owner != null) {
            for (FunctionRunAction other : FunctionRunAction.of(owner)) {
                for (RunRecord.Input in : other.getRecord().getInputs()) {
                    if (uri.equals(in.getUri())) {
                        consumers.add(other.getRecord().getRunId());
                    }
                }
            }
        }
        return consumers;
    }
}
