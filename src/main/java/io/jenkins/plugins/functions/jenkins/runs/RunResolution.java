package io.jenkins.plugins.functions.jenkins.runs;

import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * GPU refusals of a runtime's plan (a model's {@code gpus}) told with the configured profiles, so
 * the user sees which to choose; {@code Profiles.choose} does the same for {@code resources}.
 */
public final class RunResolution {

    private RunResolution() {
    }

    /**
     * A refusal of a GPU request (the function asks for GPUs, its profile offers none) with the
     * configured profiles named, so the user sees which to choose; other refusals as they are.
     */
    public static SpecException withConfiguredProfiles(SpecException e, Clusters.Target target) {
        String field = e.getField();
        if (field == null || !(field.equals("gpus") || field.endsWith(".gpu"))) {
            return e;
        }
        String profiles = configured(target.profiles());
        SpecException more = new SpecException(e.getOrigin(), field, e.getValue(), e.getAllowed() + "; configured"
                + " profiles: " + (profiles.isEmpty() ? "none" : profiles));
        more.setStackTrace(e.getStackTrace());
        return more;
    }

    /** {@code cpu (no GPUs), gpu-small (nvidia.com/gpu)}: each profile with what its GPUs are. */
    private static String configured(Map<String, Profile> profiles) {
        return new TreeMap<>(profiles).values().stream()
                .map(p -> p.name() + (p.gpuResourceName() == null ? " (no GPUs)" : " (" + p.gpuResourceName() + ")"))
                .collect(Collectors.joining(", "));
    }
}
