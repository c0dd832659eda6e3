package io.jenkins.plugins.functions.jenkins.runs;

import hudson.model.Run;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.spec.SpecException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the Jenkins layer resolves for a model run beyond the shared fields ({@link RunCredentials}
 * resolves credentials in {@code env}, {@code Profiles} the profile): the {@code vllm} runtime's
 * {@code hfTokenCredentialsId}, looked up in the build's context, and GPU refusals that name the
 * configured profiles.
 */
public final class RunResolution {

    static final String PROFILE = "profile";
    static final String HF_TOKEN_CREDENTIALS_ID = "hfTokenCredentialsId";

    private RunResolution() {
    }

    /** The credentials the function names, by id, resolved for this build only; an unknown id is refused. */
    public static Map<String, CredentialValue> credentials(FunctionSpec function, Clusters.Target target, Run<?, ?> build)
            throws SpecException, IOException {
        Map<String, CredentialValue> credentials = new LinkedHashMap<>();
        if (function.field(HF_TOKEN_CREDENTIALS_ID) instanceof String id) {
            CredentialValue value = target.credentials().find(id, build);
            if (value == null) {
                throw new SpecException(HF_TOKEN_CREDENTIALS_ID, id, "must be the id of a secret text credential"
                        + " this job can use (global, or in one of its folders)");
            }
            credentials.put(id, value);
        }
        return credentials;
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
