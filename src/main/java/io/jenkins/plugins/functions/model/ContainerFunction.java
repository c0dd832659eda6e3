package io.jenkins.plugins.functions.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The typed view of a {@code container} function: one image, run as it is. Immutable. Built by
 * {@code ContainerFunctionParser}, which checks every field; this record only keeps its parts
 * unmodifiable, so it is plain data other runtimes (or profiles) can reuse.
 *
 * <p>Canonical form, which {@link #toFields()} writes and the function's version is computed
 * from: {@code env} is a list of {@code {name, value}}, or {@code {name, credentialsId, key?}} for a
 * value from a Jenkins credential (a mapping given by the user is turned into that list sorted by
 * name; a list keeps its order, which matters to Kubernetes' {@code $(VAR)} references); values and
 * quantities are text; empty lists and mappings are left out.
 *
 * @param name            the function's name (a DNS-1123 label)
 * @param description     free text, null when none
 * @param labels          the function's own labels, added to every object of its runs
 * @param image           the image reference
 * @param command         the entrypoint; empty for the image's own
 * @param args            the arguments; empty for the image's own
 * @param env             environment variables, in order
 * @param workingDir      an absolute path, null for the image's own
 * @param imagePullPolicy null for Kubernetes' default (Always for {@code :latest}, else IfNotPresent)
 * @param resources       requests and limits; {@link Resources#NONE} when none
 * @param serviceAccount  the service account the pod runs as, null for none (and no API token)
 */
public record ContainerFunction(
        String name,
        String description,
        Map<String, String> labels,
        String image,
        List<String> command,
        List<String> args,
        List<Env> env,
        String workingDir,
        PullPolicy imagePullPolicy,
        Resources resources,
        String serviceAccount) {

    public ContainerFunction {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        labels = Collections.unmodifiableMap(new TreeMap<>(labels == null ? Map.of() : labels));
        command = List.copyOf(command == null ? List.of() : command);
        args = List.copyOf(args == null ? List.of() : args);
        env = List.copyOf(env == null ? List.of() : env);
        resources = resources == null ? Resources.NONE : resources;
    }

    /** The runtime fields in canonical form (everything but {@code name} and {@code runtime}). */
    public Map<String, Object> toFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        SpecFields.putCommon(fields, description, labels);
        fields.put("image", image);
        if (!command.isEmpty()) {
            fields.put("command", command);
        }
        if (!args.isEmpty()) {
            fields.put("args", args);
        }
        SpecFields.putEnv(fields, env);
        SpecFields.putIf(fields, "workingDir", workingDir);
        SpecFields.putPod(fields, imagePullPolicy, resources, serviceAccount);
        return Collections.unmodifiableMap(fields);
    }

    /** This function as a spec of the given runtime, in canonical form. */
    public FunctionSpec toSpec(String runtime) {
        return FunctionSpec.of(name, runtime, toFields());
    }


    /**
     * One environment variable: a plain value, or the value of a Jenkins credential.
     *
     * @param name       the variable's name
     * @param value      its value, empty when the user gave none or when it comes from a credential
     * @param credential the Jenkins credential the value comes from, or null for a plain value
     */
    public record Env(String name, String value, CredentialRef credential) {
        public Env {
            Objects.requireNonNull(name, "name");
            value = credential != null || value == null ? "" : value;
        }

        /** A plain value. */
        public Env(String name, String value) {
            this(name, value, null);
        }

        /** Whether the value comes from a Jenkins credential (resolved per run, never in the spec). */
        public boolean fromCredential() {
            return credential != null;
        }

        Map<String, String> toMap() {
            Map<String, String> map = new LinkedHashMap<>();
            map.put("name", name);
            if (credential == null) {
                map.put("value", value);
            } else {
                map.put(CredentialRef.CREDENTIALS_ID, credential.credentialsId());
                if (credential.key() != null) {
                    map.put(CredentialRef.KEY, credential.key());
                }
            }
            return Collections.unmodifiableMap(map);
        }
    }

    /**
     * A reference to a Jenkins credential by id, and which part of it a variable takes: the whole
     * secret text, the {@code username} or {@code password} of a username with password, or a
     * secret file (mounted as a file, the variable holding its path). The value itself is never
     * part of a function: it is resolved for each run, in the context of the build's job.
     *
     * @param credentialsId the credential's id in Jenkins
     * @param key           {@code username} or {@code password} for a username with password, else null
     */
    public record CredentialRef(String credentialsId, String key) {
        public static final String CREDENTIALS_ID = "credentialsId";
        public static final String KEY = "key";
        public static final String USERNAME = "username";
        public static final String PASSWORD = "password";

        public CredentialRef {
            Objects.requireNonNull(credentialsId, "credentialsId");
        }
    }

    /** When the kubelet pulls the image; the constants' values are Kubernetes' spelling. */
    public enum PullPolicy {
        ALWAYS("Always"),
        IF_NOT_PRESENT("IfNotPresent"),
        NEVER("Never");

        private final String value;

        PullPolicy(String value) {
            this.value = value;
        }

        /** As Kubernetes writes it: {@code Always}, {@code IfNotPresent}, {@code Never}. */
        public String value() {
            return value;
        }

        /** The policy Kubernetes spells {@code value}, or null. Case matters, as in Kubernetes. */
        public static PullPolicy fromValue(String value) {
            for (PullPolicy p : values()) {
                if (p.value.equals(value)) {
                    return p;
                }
            }
            return null;
        }
    }
}
