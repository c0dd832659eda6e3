package io.jenkins.plugins.functions.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.jenkins.plugins.functions.model.ContainerFunction.CredentialRef;
import io.jenkins.plugins.functions.model.ContainerFunction.Env;
import io.jenkins.plugins.functions.spec.Fields;
import io.jenkins.plugins.functions.spec.SpecException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A function's {@code env}, with the values that come from Jenkins credentials put into one
 * Secret of the run, the same way for every runtime. A runtime calls {@link #of} with the
 * function's env, adds {@link #envVars()} to its main container, calls {@link #applyTo} on its pod
 * template, and puts {@link #secret()} (when not null) into its plan after the workload.
 *
 * <ul>
 *   <li>secret text: the variable holds the secret ({@code secretKeyRef});
 *   <li>username with password: the variable holds the {@code username} or the {@code password}
 *       ({@code key} required);
 *   <li>secret file: the file is mounted read-only under {@value #MOUNT_PATH}{@code /<VARIABLE>/}
 *       with the credential's file name, and the variable holds its path, as the {@code file}
 *       binding of {@code withCredentials} does.
 * </ul>
 *
 * <p><b>Order and ownership.</b> The Secret is created after the workload and owned by it (the
 * engine sets the ownerReference with the workload's uid), so:
 * <ul>
 *   <li>a refused workload create leaves nothing: the Secret was never sent;
 *   <li>an abort, a finished job, or {@code stopFunction} deletes the workload and the garbage
 *       collector deletes the Secret with it, also when the Secret was created just after the
 *       workload was deleted (its owner's uid no longer exists, so it is collected at once);
 *   <li>Jenkins dying between the two creates leaves a workload whose pod cannot start
 *       ({@code CreateContainerConfigError}): the resumed run fails it and deletes it, the sweeper
 *       removes it if the build is gone. Never an unowned Secret.
 * </ul>
 * The price is that a pod can be scheduled a moment before its Secret exists: the kubelet reports
 * {@code CreateContainerConfigError} and retries, well within the engine's grace period for that
 * reason. Creating the Secret first would leak it whenever the workload create failed or Jenkins
 * died in between.
 *
 * <p><b>Rolling services.</b> The pod template carries {@value #HASH_ANNOTATION}, a digest of the
 * values, so a changed credential rolls a service's pods even when the function's version is the
 * same (the Secret keeps its name and is updated in place). The values themselves never appear
 * in the spec, the version, the plan's YAML ({@link Plan#toYaml()} redacts Secrets) or a record.
 */
public final class CredentialEnv {

    /** The Secret's name is the workload's plus this. */
    public static final String SECRET_SUFFIX = "-credentials";
    /** The volume of the secret files. */
    public static final String VOLUME = "function-credentials";
    /** Where secret files are mounted, each in a folder named after its variable. */
    public static final String MOUNT_PATH = "/var/run/secrets/functions.jenkins.io/credentials";
    /** Pod template annotation: a digest of the credentials' values (rolls a service when they change). */
    public static final String HASH_ANNOTATION = RunLabels.PREFIX + "credentials-hash";
    /** What the message of an unknown credential says is allowed. */
    public static final String USABLE = "a credential this job can use: secret text, username with password,"
            + " secret file";

    private static final Pattern SAFE_FILE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private final List<EnvVar> envVars;
    private final Secret secret;
    private final List<KeyToPath> files;
    private final String hash;

    private CredentialEnv(List<EnvVar> envVars, Secret secret, List<KeyToPath> files, String hash) {
        this.envVars = List.copyOf(envVars);
        this.secret = secret;
        this.files = List.copyOf(files);
        this.hash = hash;
    }

    /**
     * The function's variables, the credential ones checked against the run's resolved credentials.
     *
     * @param env          the function's env, in order
     * @param request      the run, with its resolved {@link RunRequest#credentials()}
     * @param workloadName the name of the run's workload (the Secret is named after it)
     * @param labels       the labels of the run's objects
     * @throws SpecException naming {@code env.NAME} (or {@code env.NAME.key}) when a credential is
     *                       unknown or of a kind the variable cannot take
     */
    public static CredentialEnv of(List<Env> env, RunRequest request, String workloadName, Map<String, String> labels)
            throws SpecException {
        String secretName = workloadName + SECRET_SUFFIX;
        List<EnvVar> vars = new ArrayList<>();
        Map<String, byte[]> data = new LinkedHashMap<>();
        List<KeyToPath> files = new ArrayList<>();
        for (Env e : env) {
            if (!e.fromCredential()) {
                vars.add(new EnvVarBuilder().withName(e.name()).withValue(e.value()).build());
                continue;
            }
            CredentialRef ref = e.credential();
            String field = Fields.path("env", e.name());
            CredentialValue value = request.credentials().get(ref.credentialsId());
            if (value == null) {
                throw new SpecException(field, ref.credentialsId(), USABLE);
            }
            switch (value.kind()) {
                case SECRET_TEXT -> {
                    noKey(ref, field, "a secret text: the variable takes the whole secret");
                    data.put(e.name(), value.secret().getBytes(StandardCharsets.UTF_8));
                }
                case USERNAME_PASSWORD -> {
                    if (ref.key() == null) {
                        throw new SpecException(Fields.path(field, CredentialRef.KEY), null, "username or password:"
                                + " credential '" + ref.credentialsId() + "' is a username with password, say which"
                                + " part the variable takes");
                    }
                    String part = CredentialRef.USERNAME.equals(ref.key()) ? value.username() : value.secret();
                    data.put(e.name(), part.getBytes(StandardCharsets.UTF_8));
                }
                case SECRET_FILE -> {
                    noKey(ref, field, "a secret file: the variable takes the file's path");
                    data.put(e.name(), value.content());
                    String path = e.name() + "/" + fileName(value.fileName());
                    files.add(new KeyToPath(e.name(), null, path));
                    vars.add(new EnvVarBuilder().withName(e.name()).withValue(MOUNT_PATH + "/" + path).build());
                    continue;
                }
                default -> throw new SpecException(field, ref.credentialsId(), USABLE);
            }
            vars.add(new EnvVarBuilder().withName(e.name()).withNewValueFrom().withNewSecretKeyRef()
                    .withName(secretName).withKey(e.name()).endSecretKeyRef().endValueFrom().build());
        }
        // The artifact store's variables before the function's own (which may use $(VAR) of them),
        // its keys in the same Secret (ArtifactEnv).
        List<EnvVar> store = ArtifactEnv.of(request, secretName);
        if (!store.isEmpty()) {
            List<EnvVar> all = new ArrayList<>(store);
            all.addAll(vars);
            vars = all;
            data.putAll(ArtifactEnv.secretData(request));
        }
        if (data.isEmpty()) {
            return new CredentialEnv(vars, null, List.of(), null);
        }
        Map<String, String> encoded = new LinkedHashMap<>();
        data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v)));
        Secret secret = new SecretBuilder()
                .withNewMetadata()
                    .withName(secretName)
                    .withNamespace(request.namespace())
                    .withLabels(new LinkedHashMap<>(labels))
                    .withAnnotations(new LinkedHashMap<>(request.annotations()))
                .endMetadata()
                .withType("Opaque")
                .withData(encoded)
                .build();
        return new CredentialEnv(vars, secret, files, digest(data));
    }

    /** The function's variables in order: plain values, and references to the run's Secret. */
    public List<EnvVar> envVars() {
        return envVars;
    }

    /** The run's Secret with the credentials' values, or null when the function uses none. */
    public Secret secret() {
        return secret;
    }

    /**
     * Mounts the secret files into the main container (read-only) and annotates the pod template
     * with the digest of the values. Does nothing when the function uses no credential.
     */
    public void applyTo(PodTemplateSpec template, Container main) {
        if (secret == null) {
            return;
        }
        if (template.getMetadata() != null) {
            Map<String, String> annotations = new LinkedHashMap<>(template.getMetadata().getAnnotations() == null
                    ? Map.of() : template.getMetadata().getAnnotations());
            annotations.put(HASH_ANNOTATION, hash);
            template.getMetadata().setAnnotations(annotations);
        }
        if (files.isEmpty()) {
            return;
        }
        List<io.fabric8.kubernetes.api.model.Volume> volumes = new ArrayList<>(
                template.getSpec().getVolumes() == null ? List.of() : template.getSpec().getVolumes());
        volumes.add(new VolumeBuilder().withName(VOLUME).withNewSecret().withSecretName(secret.getMetadata().getName())
                .withItems(files).withDefaultMode(0400).endSecret().build());
        template.getSpec().setVolumes(volumes);
        List<VolumeMount> mounts = new ArrayList<>(main.getVolumeMounts() == null ? List.of() : main.getVolumeMounts());
        mounts.add(new VolumeMountBuilder().withName(VOLUME).withMountPath(MOUNT_PATH).withReadOnly(true).build());
        main.setVolumeMounts(mounts);
    }

    private static void noKey(CredentialRef ref, String field, String kind) throws SpecException {
        if (ref.key() != null) {
            throw new SpecException(Fields.path(field, CredentialRef.KEY), ref.key(), "left out: credential '"
                    + ref.credentialsId() + "' is " + kind);
        }
    }

    /** The credential's file name when it is a plain one, else {@code file}: it becomes a path. */
    private static String fileName(String name) {
        return name != null && SAFE_FILE_NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..")
                ? name : "file";
    }

    /**
     * A digest of the values, to roll a service when they change: SHA-256 over every value with
     * its variable name, truncated. One-way, but a weak password could be guessed offline from it
     * by someone who may read the Deployment and not the Secret beside it; the credentials a run
     * passes are tokens and keys, and an administrator who cares keeps both readable by the same people.
     */
    private static String digest(Map<String, byte[]> data) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> e : data.entrySet()) {
                sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(Integer.toString(e.getValue().length).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(e.getValue());
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
