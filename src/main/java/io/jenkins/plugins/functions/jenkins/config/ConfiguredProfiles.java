package io.jenkins.plugins.functions.jenkins.config;

import static io.jenkins.plugins.functions.jenkins.config.FunctionRuntimesConfiguration.WHERE;

import hudson.AbortException;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The administrators' profiles of the global configuration ({@link FunctionRuntimesConfiguration}):
 * checked as they are set, resolved to the engine's {@link Profile}s, and a profile's artifact store.
 */
final class ConfiguredProfiles {

    private ConfiguredProfiles() {
    }

    /**
     * The profiles as kept: a copy, null when there are none.
     *
     * @throws IllegalArgumentException when two profiles have the same name
     */
    static List<ProfileConfig> checked(List<ProfileConfig> profiles) {
        Set<String> names = new HashSet<>();
        for (ProfileConfig p : profiles == null ? List.<ProfileConfig>of() : profiles) {
            if (!names.add(p.getName())) {
                throw new IllegalArgumentException(new SpecException(WHERE, "profiles", p.getName(),
                        "must have unique names: each name may be configured once").getMessage());
            }
        }
        return profiles == null || profiles.isEmpty() ? null : new ArrayList<>(profiles);
    }

    /** The engine's profiles, by name, in the order configured. */
    static Map<String, Profile> profileMap(List<ProfileConfig> profiles) throws AbortException {
        Map<String, Profile> map = new LinkedHashMap<>();
        for (ProfileConfig p : profiles) {
            try {
                map.put(p.getName(), p.toProfile());
            } catch (SpecException e) {
                throw new AbortException(e.withOrigin(WHERE + " » profile '" + p.getName() + "'").getMessage());
            }
        }
        return map;
    }

    /**
     * The store of a run under this profile: the profile's own when it has one, else the global
     * one (null when neither is configured).
     *
     * @param profiles the configured profiles, or null
     */
    static ArtifactStoreConfig artifactStoreFor(String profileName, List<ProfileConfig> profiles,
            ArtifactStoreConfig global) {
        if (profileName != null && profiles != null) {
            for (ProfileConfig p : profiles) {
                if (profileName.equals(p.getName()) && p.getArtifactStore() != null) {
                    return p.getArtifactStore();
                }
            }
        }
        return global;
    }
}
