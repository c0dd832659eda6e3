package io.jenkins.plugins.functions.jenkins.steps;

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
 * What the Jenkins layer resolves for a run before it is planned, from names in the function:
 * the administrator's profile ({@code profile: gpu-small}) and the Jenkins credentials it uses
 * (the {@code vllm} runtime's {@code hfTokenCredentialsId}), looked up in the build's context.
 * Minimal on purpose: a shared resolution of every runtime's profile and credentials replaces it.
 */
final class RunResolution {

    static final String PROFILE = "profile";
    static final String HF_TOKEN_CREDENTIALS_ID = "hfTokenCredentialsId";

    private RunResolution() {
    }

    /** The profile the function names, {@link Profile#NONE} when none; an unknown name lists the configured ones. */
    static Profile profile(FunctionSpec function, Clusters.Target target) throws SpecException {
        if (!(function.field(PROFILE) instanceof String name)) {
            return Profile.NONE;
        }
        Profile profile = target.profiles().get(name);
        if (profile == null) {
            throw new SpecException(PROFILE, name, configured(target.profiles()).isEmpty()
                    ? "must name a profile of the global configuration, and none is configured"
                    : "must be one of the configured profiles: " + configured(target.profiles()));
        }
        return profile;
    }

    /** The credentials the function names, by id, resolved for this build only; an unknown id is refused. */
    static Map<String, CredentialValue> credentials(FunctionSpec function, Clusters.Target target, Run<?, ?> build)
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
    static SpecException withConfiguredProfiles(SpecException e, Clusters.Target target) {
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
