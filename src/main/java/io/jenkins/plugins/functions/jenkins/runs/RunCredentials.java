package io.jenkins.plugins.functions.jenkins.runs;

import hudson.AbortException;
import hudson.model.Run;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.kubernetes.SecretMasker;
import io.jenkins.plugins.functions.model.ContainerFunction.CredentialRef;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.runtime.CredentialEnv;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.spec.Fields;
import io.jenkins.plugins.functions.spec.PodFields;
import io.jenkins.plugins.functions.spec.SpecException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves the Jenkins credentials a function names ({@code env} values, a model's token), in the context of the build
 * (folder credentials and the job's permissions count), for one run. The values stay in memory:
 * they go into the {@code RunRequest} and from there into the run's Secret; only the ids are kept
 * by the step execution, to mask the values again after a restart.
 */
public final class RunCredentials {

    private RunCredentials() {
    }

    /**
     * The credentials the validated function uses, by id.
     *
     * @throws SpecException naming {@code env.NAME} and the id when the build cannot use such a
     *                       credential (none with that id, or one of a type runs cannot take)
     */
    public static Map<String, CredentialValue> resolve(FunctionSpec function, Clusters.Target target, Run<?, ?> build)
            throws SpecException, IOException {
        Map<String, CredentialValue> values = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : references(function).entrySet()) {
            String field = e.getKey();
            String id = e.getValue();
            if (values.containsKey(id)) {
                continue;
            }
            CredentialValue value;
            try {
                value = target.credentials().find(id, build);
            } catch (AbortException wrongType) {
                throw new SpecException(field, id, CredentialEnv.USABLE + " (" + wrongType.getMessage() + ")");
            }
            if (value == null) {
                throw new SpecException(field, id, CredentialEnv.USABLE);
            }
            values.put(id, value);
        }
        return values;
    }

    /**
     * Top-level fields that name one credential by id: the {@code vllm} runtime's Hugging Face
     * token. The runtime checks the credential's type when it plans the run.
     */
    private static final List<String> CREDENTIAL_ID_FIELDS = List.of("hfTokenCredentialsId");

    /** Every credential the function names: the field that names it, and its id. */
    private static Map<String, String> references(FunctionSpec function) {
        Map<String, String> refs = new LinkedHashMap<>();
        for (Map.Entry<String, CredentialRef> e : PodFields.credentialRefs(function).entrySet()) {
            refs.put(Fields.path("env", e.getKey()), e.getValue().credentialsId());
        }
        for (String field : CREDENTIAL_ID_FIELDS) {
            if (function.field(field) instanceof String id) {
                refs.put(field, id);
            }
        }
        return refs;
    }

    /**
     * The values to mask for these credential ids, resolved again (after a restart); an id that
     * no longer resolves has nothing left to mask.
     */
    public static List<String> maskedValues(Collection<String> ids, Clusters.Target target, Run<?, ?> build) {
        List<CredentialValue> values = new ArrayList<>();
        for (String id : ids) {
            try {
                CredentialValue v = target.credentials().find(id, build);
                if (v != null) {
                    values.add(v);
                }
            } catch (IOException | RuntimeException e) {
                // gone or changed type: its old value cannot be known any more
            }
        }
        return SecretMasker.valuesOf(values);
    }
}
