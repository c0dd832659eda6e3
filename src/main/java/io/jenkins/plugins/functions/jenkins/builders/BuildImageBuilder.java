package io.jenkins.plugins.functions.jenkins.builders;

import hudson.Extension;
import hudson.model.Item;
import hudson.model.Run;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.functions.jenkins.ImageBuildArguments;
import io.jenkins.plugins.functions.jenkins.Messages;
import io.jenkins.plugins.functions.jenkins.forms.ConfiguredChecks;
import io.jenkins.plugins.functions.jenkins.runs.BuildRun;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.build.ContextFolder;
import io.jenkins.plugins.functions.runtime.impl.PythonFunctionParser;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * Freestyle build step "Build image": builds an image in the cluster (BuildKit rootless, the
 * {@code build} action) and pushes it, like the Pipeline step {@code buildImage}, through the same
 * {@link ImageBuildArguments} and engine path; later build steps find the pushed image pinned by
 * its digest in {@code FUNCTION_IMAGE} and the digest in {@code FUNCTION_DIGEST}.
 *
 * <p>{@code image} is where the image is pushed, never the function's own image; a python
 * function's base image is {@code baseImage}. The run fields of the other builders (command,
 * arguments, environment, parameters, working directory, pull policy, service account) mean
 * nothing to a build: they are not in the form, and refused when a job's {@code config.xml} sets
 * them.
 *
 * <p>Persisted in the job's {@code config.xml}: fields are plain strings, never rename them.
 */
public class BuildImageBuilder extends FunctionBuilder {

    static final String NAME = "Build image";

    private String context;
    private String gitUrl;
    private String gitRef;
    private String gitPath;
    private String dockerfile;
    private String buildArgs;
    private String registryCredentialsId;
    private String source;
    private String handler;
    private String requirements;
    private String pythonVersion;
    private String baseImage;

    @DataBoundConstructor
    public BuildImageBuilder() {
    }

    @Override
    protected ActionKind action() {
        return ActionKind.BUILD;
    }

    @Override
    protected String caller() {
        return NAME;
    }

    /**
     * The function to build: the common fields, less what means nothing to a build, with the python
     * fields of this form, as {@link ImageBuildArguments#functionFields} makes it from them.
     */
    @Override
    protected void addFields(Map<String, Object> fields, UnaryOperator<String> expand) throws SpecException {
        refuseRunFields(fields);
        Map<String, Object> given = new LinkedHashMap<>(fields);
        String path = expand.apply(source);
        if (path != null) {
            given.put("source", Map.of("path", path));
        }
        put(given, "handler", expand.apply(handler));
        put(given, "requirements", FormFields.lines(expand.apply(requirements)));
        put(given, "pythonVersion", expand.apply(pythonVersion));
        Map<String, Object> function = ImageBuildArguments.functionFields(expand.apply(getFile()),
                expand.apply(getImage()), expand.apply(baseImage), given);
        fields.clear();
        fields.putAll(function);
    }

    /** The fields of a run that a build has no use for: refused, naming the field (never an env value). */
    private void refuseRunFields(Map<String, Object> fields) throws SpecException {
        for (String field : List.of("command", "args", "env", "workingDir", "imagePullPolicy", "serviceAccount")) {
            Object value = fields.get(field);
            if (value != null) {
                throw new SpecException(NAME, field, value instanceof Map<?, ?> env ? env.keySet() : value,
                        notAField());
            }
        }
        if (getParameters() != null) {
            throw new SpecException(NAME, "parameters", "(given)", notAField());
        }
        if (getAdditionalFields() != null) {
            throw new SpecException(NAME, ADDITIONAL_FIELDS, "(given)", notAField());
        }
    }

    private static String notAField() {
        return "not a field of " + NAME + ", which takes the image to push, a context (a workspace folder, or"
                + " gitUrl, gitRef and gitPath), dockerfile, buildArgs, registryCredentialsId, the function (file,"
                + " name, runtime, source, handler, requirements, pythonVersion, baseImage), profile, namespace,"
                + " timeout and failOnError";
    }

    /** The build's own arguments, expanded and read, checked and resolved on the launch pool by the shared code. */
    @Override
    protected BuildRun.RequestConfigurer configurer(UnaryOperator<String> expand, Run<?, ?> build,
            ContextFolder.Files workspace) throws SpecException {
        Map<String, Object> args = FormFields.keyValues(NAME, "buildArgs", expand.apply(buildArgs));
        String file = expand.apply(getFile());
        ImageBuildArguments arguments = new ImageBuildArguments(expand.apply(getImage()), expand.apply(context),
                expand.apply(gitUrl), expand.apply(gitRef), expand.apply(gitPath), expand.apply(dockerfile), args,
                expand.apply(registryCredentialsId));
        return (request, function, target, log) -> arguments.configure(request, function, file, target, build,
                workspace, log);
    }

    /** Besides the common variables: the pushed image pinned by its digest, and the digest. */
    @Override
    protected void addResult(Map<String, String> variables, RunRecord record, RunOutcome outcome) {
        Object image = outcome.outputs().get("image");
        Object digest = outcome.outputs().get("digest");
        FunctionResultEnvironment.put(variables, "IMAGE", image == null ? null : String.valueOf(image));
        FunctionResultEnvironment.put(variables, "DIGEST", digest == null ? null : String.valueOf(digest));
    }

    /** A failed build says why in its log's last lines: the message ends with them. */
    @Override
    protected String failureMessage(RunRecord record, RunOutcome outcome) {
        return ImageBuildArguments.failureMessage(super.failureMessage(record, outcome), outcome);
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    public String getContext() {
        return context;
    }

    /** A folder of the workspace to build from ({@code .} for the workspace itself). */
    @DataBoundSetter
    public void setContext(String context) {
        this.context = FormFields.blankToNull(context);
    }

    public String getGitUrl() {
        return gitUrl;
    }

    /** A git repository to build from (https, public): BuildKit fetches it. */
    @DataBoundSetter
    public void setGitUrl(String gitUrl) {
        this.gitUrl = FormFields.blankToNull(gitUrl);
    }

    public String getGitRef() {
        return gitRef;
    }

    @DataBoundSetter
    public void setGitRef(String gitRef) {
        this.gitRef = FormFields.blankToNull(gitRef);
    }

    public String getGitPath() {
        return gitPath;
    }

    /** The folder of the git repository that is the context; its root when not given. */
    @DataBoundSetter
    public void setGitPath(String gitPath) {
        this.gitPath = FormFields.blankToNull(gitPath);
    }

    public String getDockerfile() {
        return dockerfile;
    }

    /** The Dockerfile's path in the context; {@code Dockerfile} when not given. */
    @DataBoundSetter
    public void setDockerfile(String dockerfile) {
        this.dockerfile = FormFields.blankToNull(dockerfile);
    }

    public String getBuildArgs() {
        return buildArgs;
    }

    /** {@code ARG} values, {@code KEY=VALUE} per line. */
    @DataBoundSetter
    public void setBuildArgs(String buildArgs) {
        this.buildArgs = FormFields.blankToNull(buildArgs);
    }

    public String getRegistryCredentialsId() {
        return registryCredentialsId;
    }

    /** A username with password credential for the destination registry (a robot account). */
    @DataBoundSetter
    public void setRegistryCredentialsId(String registryCredentialsId) {
        this.registryCredentialsId = FormFields.blankToNull(registryCredentialsId);
    }

    public String getSource() {
        return source;
    }

    /** For a python function: a file or folder of the workspace with its code ({@code source.path}). */
    @DataBoundSetter
    public void setSource(String source) {
        this.source = FormFields.blankToNull(source);
    }

    public String getHandler() {
        return handler;
    }

    /** For a python function: {@code module:function}. */
    @DataBoundSetter
    public void setHandler(String handler) {
        this.handler = FormFields.blankToNull(handler);
    }

    public String getRequirements() {
        return requirements;
    }

    /** For a python function: pip requirements, one per line. */
    @DataBoundSetter
    public void setRequirements(String requirements) {
        this.requirements = FormFields.blankToNull(requirements);
    }

    public String getPythonVersion() {
        return pythonVersion;
    }

    @DataBoundSetter
    public void setPythonVersion(String pythonVersion) {
        this.pythonVersion = FormFields.blankToNull(pythonVersion);
    }

    public String getBaseImage() {
        return baseImage;
    }

    /** For a python function: the image to build on; {@code python:<pythonVersion>-slim} when not given. */
    @DataBoundSetter
    public void setBaseImage(String baseImage) {
        this.baseImage = FormFields.blankToNull(baseImage);
    }

    @Extension
    @Symbol("buildImageBuilder")
    public static class DescriptorImpl extends FunctionBuilderDescriptor {

        public DescriptorImpl() {
            super(BuildImageBuilder.class);
        }

        @Override
        public String getDisplayName() {
            return Messages.BuildImageBuilder_DisplayName();
        }

        @Override
        protected String caller() {
            return NAME;
        }

        // ---- the form's checks and drop-down; see FunctionBuilderDescriptor -------------------

        /** Where the image is pushed: a reference without a digest. */
        @Override
        public FormValidation doCheckImage(@QueryParameter String value) {
            return CHECKS.pushImage(value);
        }

        public FormValidation doCheckGitUrl(@QueryParameter String value) {
            return CHECKS.gitUrl(value);
        }

        public FormValidation doCheckGitRef(@QueryParameter String value) {
            return CHECKS.gitRef(value);
        }

        public FormValidation doCheckGitPath(@QueryParameter String value) {
            return CHECKS.gitPath(value);
        }

        /** {@code KEY=VALUE} per line; a refusal never repeats a value. */
        public FormValidation doCheckBuildArgs(@QueryParameter String value) {
            return CHECKS.forms().check(value, v -> FormFields.keyValues(NAME, "buildArgs", v));
        }

        public FormValidation doCheckHandler(@QueryParameter String value) {
            return CHECKS.handler(value);
        }

        public FormValidation doCheckPythonVersion(@QueryParameter String value) {
            return CHECKS.pythonVersion(value);
        }

        /** pip requirements, one per line. */
        public FormValidation doCheckRequirements(@QueryParameter String value) {
            return CHECKS.forms().check(value, v -> PythonFunctionParser.requirements(FormFields.lines(v)));
        }

        public FormValidation doCheckBaseImage(@QueryParameter String value) {
            return CHECKS.image(value, "baseImage");
        }

        /** The registry credentials the job's builds can use: usernames with passwords. */
        public ListBoxModel doFillRegistryCredentialsIdItems(@AncestorInPath Item item,
                @QueryParameter String registryCredentialsId) {
            return ConfiguredChecks.credentialItems(item, registryCredentialsId, REGISTRY_KINDS);
        }

        @POST
        public FormValidation doCheckRegistryCredentialsId(@AncestorInPath Item item, @QueryParameter String value) {
            return CONFIGURED.credential(item, value, REGISTRY_KINDS, "registryCredentialsId",
                    ImageBuildArguments.REGISTRY_CREDENTIAL_RULE);
        }

        private static final Set<CredentialValue.Kind> REGISTRY_KINDS = Set.of(CredentialValue.Kind.USERNAME_PASSWORD);
    }
}
