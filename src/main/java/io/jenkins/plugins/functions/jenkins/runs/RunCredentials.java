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
 * Resolves the Jenkins credentials a function's {@code env} names, in the context of the build
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
        for (Map.Entry<String, CredentialRef> e : PodFields.credentialRefs(function).entrySet()) {
            String id = e.getValue().credentialsId();
            if (values.containsKey(id)) {
                continue;
            }
            String field = Fields.path("env", e.getKey());
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
