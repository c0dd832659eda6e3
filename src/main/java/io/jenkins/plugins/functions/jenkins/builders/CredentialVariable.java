package io.jenkins.plugins.functions.jenkins.builders;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import hudson.model.Item;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.functions.jenkins.Messages;
import io.jenkins.plugins.functions.jenkins.forms.ConfiguredChecks;
import io.jenkins.plugins.functions.jenkins.forms.FormChecks;
import io.jenkins.plugins.functions.model.ContainerFunction.CredentialRef;
import io.jenkins.plugins.functions.runtime.CredentialEnv;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.impl.ContainerFunctionParser;
import io.jenkins.plugins.functions.spec.Fields;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * An environment variable of a freestyle build step's function whose value is a Jenkins
 * credential: what the Pipeline steps write {@code env: [TOKEN: [credentialsId: 'api-token']]}.
 * The environment text box cannot hold one without putting the secret in the pod spec and the
 * build's record; this passes only the id, which the run resolves in the build's context and hands
 * to the pod through a Secret of its workload. Immutable but for the optional {@code key}.
 */
public final class CredentialVariable extends AbstractDescribableImpl<CredentialVariable> {

    /** The part of a username with password credential: required for that kind, none for the others. */
    static final List<String> KEYS = List.of(CredentialRef.USERNAME, CredentialRef.PASSWORD);

    private final String name;
    private final String credentialsId;
    private String key;

    @DataBoundConstructor
    public CredentialVariable(String name, String credentialsId) {
        this.name = name == null ? "" : name.trim();
        this.credentialsId = credentialsId == null ? "" : credentialsId.trim();
    }

    public String getName() {
        return name;
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    public String getKey() {
        return key;
    }

    /** {@code username} or {@code password} for a username with password credential; else none. */
    @DataBoundSetter
    public void setKey(String key) {
        this.key = FormFields.blankToNull(key);
    }

    /**
     * The variable as the function's {@code env} takes it, the build's variables expanded in its
     * name and id (a credentials parameter gives the id as {@code ${DEPLOY_TOKEN}}).
     */
    Map.Entry<String, Object> toEnv(UnaryOperator<String> expand) {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put(CredentialRef.CREDENTIALS_ID, Objects.requireNonNullElse(expand.apply(credentialsId), ""));
        if (key != null) {
            ref.put(CredentialRef.KEY, key);
        }
        return Map.entry(Objects.requireNonNullElse(expand.apply(name), ""), ref);
    }

    /** Adds the variables to a function's {@code env}; a name given twice is refused, naming it. */
    static Map<String, Object> addTo(Map<String, Object> env, List<CredentialVariable> variables,
            UnaryOperator<String> expand, String caller) throws SpecException {
        if (variables == null || variables.isEmpty()) {
            return env;
        }
        Map<String, Object> all = env == null ? new LinkedHashMap<>() : new LinkedHashMap<>(env);
        for (CredentialVariable v : variables) {
            Map.Entry<String, Object> e = v.toEnv(expand);
            if (all.containsKey(e.getKey())) {
                throw new SpecException(Fields.path(ContainerFunctionParser.ENV, e.getKey()), e.getKey(),
                        "given twice: once in the environment variables or among the credentials, then as a"
                                + " credential; give each variable once").withOrigin(caller);
            }
            all.put(e.getKey(), e.getValue());
        }
        return all;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CredentialVariable v && name.equals(v.name) && credentialsId.equals(v.credentialsId)
                && Objects.equals(key, v.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, credentialsId, key);
    }

    @Override
    public String toString() {
        return name + "=credential " + credentialsId + (key == null ? "" : " (" + key + ")");
    }

    @Extension
    @Symbol("credentialVariable")
    public static final class DescriptorImpl extends Descriptor<CredentialVariable> {

        /** Every kind: a variable carries a secret text, a part of a username with password, a secret file. */
        static final Set<CredentialValue.Kind> KINDS = EnumSet.allOf(CredentialValue.Kind.class);

        @Override
        public String getDisplayName() {
            return Messages.CredentialVariable_DisplayName();
        }

        public FormValidation doCheckName(@QueryParameter String value) {
            if (value == null || value.isBlank()) {
                return FormValidation.error("A variable name is required");
            }
            if (FormChecks.hasVariable(value)) {
                return FormValidation.ok();
            }
            return FormChecks.PLAIN.check(value, v -> ContainerFunctionParser.checkEnvName(v.trim(),
                    Fields.path(ContainerFunctionParser.ENV, v.trim())));
        }

        /** The credentials the job's builds can use, of the kinds a variable can carry. */
        public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String credentialsId) {
            return ConfiguredChecks.credentialItems(item, credentialsId, KINDS);
        }

        @POST
        public FormValidation doCheckCredentialsId(@AncestorInPath Item item, @QueryParameter String value) {
            return FunctionBuilderDescriptor.CONFIGURED.credential(item, value, KINDS, CredentialRef.CREDENTIALS_ID,
                    CredentialEnv.USABLE);
        }

        /** The whole secret (secret text, secret file), or a part of a username with password. */
        public ListBoxModel doFillKeyItems() {
            ListBoxModel items = new ListBoxModel();
            items.add("the whole secret (secret text, secret file)", "");
            for (String k : KEYS) {
                items.add("the " + k + " (username with password)", k);
            }
            return items;
        }
    }
}
