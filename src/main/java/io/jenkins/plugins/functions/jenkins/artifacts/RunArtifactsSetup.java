package io.jenkins.plugins.functions.jenkins.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.AbortException;
import hudson.model.Run;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.model.ArtifactUri;
import io.jenkins.plugins.functions.model.DeclaredFile;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.StoreKeys;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.RunArtifacts;
import io.jenkins.plugins.functions.spec.ArtifactFields;
import io.jenkins.plugins.functions.spec.PodFields;
import io.jenkins.plugins.functions.spec.SpecException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a run on a build does with the artifact store, apart from the engine: before it is planned,
 * its place in the store ({@link #prepare}: the store of its profile, the key from the store's
 * credential in the build's context, its prefix, its inputs checked and traced to the runs that
 * produced them); after it ended, the artifacts it stored ({@link #collect}: listed from its
 * prefix, so whatever wrote them, the python runner or a container's own tool).
 */
public final class RunArtifactsSetup {

    /** What the messages say when there is no store. */
    public static final String NO_STORE = "an artifact store in the global configuration (Manage Jenkins » System »"
            + " Function Runtimes » Artifact store) or in the function's profile: there is none, so runs have no"
            + " artifacts or inputs";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A run's store, keys and prefix, for collecting its artifacts once it ended. */
    public record Collection(StoreAccess access, StoreKeys keys, String prefix, List<DeclaredFile> declared) {
    }

    private RunArtifactsSetup() {
    }

    /**
     * The run's place in the store, or null when there is no store and nothing asks for one.
     *
     * @param inputs the step's {@code inputs} (name: {@code s3://} URI), possibly empty
     * @param credentials where the store's credential value is added (so the engine masks it)
     * @throws SpecException when inputs are passed or declared without a store, an input is not a
     *                       URI, or the store's credential is unusable
     */
    public static RunArtifacts prepare(FunctionSpec function, String profile, Map<String, String> inputs,
            Clusters.Target target, Run<?, ?> build, String runId, RunRecord record,
            Map<String, CredentialValue> credentials) throws SpecException, IOException {
        StoreAccess access = target.artifactStore(profile);
        List<DeclaredFile> declaredInputs = ArtifactFields.inputs(function);
        if (access == null) {
            if (!inputs.isEmpty()) {
                throw new SpecException("inputs", String.join(", ", inputs.keySet()), NO_STORE);
            }
            if (!declaredInputs.isEmpty()) {
                throw new SpecException(ArtifactFields.INPUTS, declaredInputs.get(0).name(), NO_STORE);
            }
            return null;
        }
        Map<String, String> checked = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : inputs.entrySet()) {
            String name = ArtifactFields.name(e.getKey(), "inputs");
            if (ArtifactUri.parse(e.getValue()) == null) {
                throw new SpecException("inputs." + name, e.getValue(), ArtifactUri.RULE);
            }
            checked.put(name, e.getValue());
        }
        StoreKeys keys = keys(access, target, build);
        CredentialValue value = target.credentials().find(access.credentialsId(), build);
        credentials.put(value.id(), value);
        record.setInputs(traced(checked, build));
        String prefix = access.store().runPrefix(Clusters.jobName(build), build.getNumber(), runId);
        return new RunArtifacts(access.store(), keys, prefix, checked);
    }

    /** The store's key, from its credential in the build's context. */
    public static StoreKeys keys(StoreAccess access, Clusters.Target target, Run<?, ?> build)
            throws SpecException, IOException {
        String field = "artifact store credential";
        if (access.credentialsId() == null) {
            throw new SpecException(field, null, "the id of a username with password credential (access key id and"
                    + " secret access key) in the artifact store's configuration");
        }
        CredentialValue value;
        try {
            value = target.credentials().find(access.credentialsId(), build);
        } catch (AbortException wrongType) {
            throw new SpecException(field, access.credentialsId(), "a username with password credential ("
                    + wrongType.getMessage() + ")");
        }
        if (value == null || value.kind() != CredentialValue.Kind.USERNAME_PASSWORD) {
            throw new SpecException(field, access.credentialsId(), "a username with password credential this job"
                    + " can use (global scope, not system): the access key id and the secret access key");
        }
        return new StoreKeys(value.username(), value.secret());
    }

    /** Each input with the run of this build that produced it, when one did. */
    private static List<RunRecord.Input> traced(Map<String, String> inputs, Run<?, ?> build) {
        List<RunRecord.Input> traced = new ArrayList<>();
        for (Map.Entry<String, String> e : inputs.entrySet()) {
            String runId = null;
            String function = null;
            for (FunctionRunAction a : FunctionRunAction.of(build)) {
                for (RunRecord.Artifact art : a.getRecord().getArtifacts()) {
                    if (art.getUri().equals(e.getValue())) {
                        runId = a.getRecord().getRunId();
                        function = a.getRecord().getFunctionName();
                    }
                }
            }
            traced.add(new RunRecord.Input(e.getKey(), e.getValue(), runId, function));
        }
        return traced;
    }

    /**
     * The artifacts under the run's prefix, named by their {@code artifact-name} metadata, else by
     * their path under the prefix without extension.
     */
    public static List<RunRecord.Artifact> collect(Collection c) throws IOException {
        List<RunRecord.Artifact> found = new ArrayList<>();
        try (ArtifactStoreClient client = new ArtifactStoreClient(c.access().store(), c.keys())) {
            for (ArtifactStoreClient.StoredObject o : client.list(c.prefix())) {
                String relative = o.key().substring(c.prefix().length() + 1);
                String name = o.metadata().get(ArtifactStoreClient.NAME_METADATA);
                if (name == null || name.isBlank()) {
                    int dot = relative.lastIndexOf('.');
                    name = (dot > 0 && dot > relative.lastIndexOf('/') ? relative.substring(0, dot) : relative)
                            .replaceAll("[^A-Za-z0-9_-]", "_");
                }
                found.add(new RunRecord.Artifact(name, c.access().store().uri(o.key()), o.size(),
                        o.metadata().get(ArtifactStoreClient.SHA256_METADATA), o.contentType()));
            }
        }
        return found;
    }

    /**
     * The outcome of a run whose artifacts were collected: a run that completed but did not store
     * an artifact its file declares (a container function that uploads itself) fails, naming it.
     */
    public static RunOutcome checked(RunOutcome outcome, List<DeclaredFile> declared, List<RunRecord.Artifact> stored,
            String prefixUri) {
        if (outcome.state() != RunState.COMPLETED) {
            return outcome;
        }
        Set<String> names = new TreeSet<>();
        stored.forEach(a -> names.add(a.getName()));
        for (DeclaredFile d : declared) {
            if (!names.contains(d.name())) {
                return new RunOutcome(RunState.ERROR, outcome.exitCode(), "ArtifactMissing", "artifact '" + d.name()
                        + "' is declared (path " + d.path() + ") but the run stored no object named so under "
                        + prefixUri + "/ (stored: " + (names.isEmpty() ? "none" : String.join(", ", names)) + ")",
                        outcome.outputs(), outcome.startedAt(), outcome.finishedAt());
            }
        }
        return outcome;
    }

    /** The profile a recorded run's function named (from its canonical spec), or null. */
    public static String profileOf(RunRecord record) {
        try {
            JsonNode spec = record.getSpec() == null ? null : JSON.readTree(record.getSpec());
            JsonNode profile = spec == null ? null : spec.get(PodFields.PROFILE);
            return profile == null || !profile.isTextual() ? null : profile.asText();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Where a resumed job run's artifacts are: its profile's store again, its key looked up again;
     * null for a service, without a store, or when the key cannot be had (then none are listed).
     */
    public static Collection afterRestart(RunRecord record, Clusters.Target target, Run<?, ?> build) {
        try {
            if (!io.jenkins.plugins.functions.model.ActionKind.JOB.id().equals(record.getAction())) {
                return null;
            }
            StoreAccess access = target.artifactStore(profileOf(record));
            if (access == null) {
                return null;
            }
            return new Collection(access, keys(access, target, build),
                    access.store().runPrefix(Clusters.jobName(build), build.getNumber(), record.getRunId()), List.of());
        } catch (IOException | io.jenkins.plugins.functions.spec.SpecException | RuntimeException e) {
            java.util.logging.Logger.getLogger(RunArtifactsSetup.class.getName()).log(java.util.logging.Level.WARNING,
                    "cannot list the artifacts of run " + record.getRunId() + " after a restart", e);
            return null;
        }
    }
}
