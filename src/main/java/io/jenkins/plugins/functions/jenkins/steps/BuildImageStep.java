package io.jenkins.plugins.functions.jenkins.steps;

import hudson.Extension;
import hudson.FilePath;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.ImageBuildArguments;
import io.jenkins.plugins.functions.jenkins.Messages;
import io.jenkins.plugins.functions.jenkins.WorkspaceFiles;
import io.jenkins.plugins.functions.jenkins.forms.ConfiguredChecks;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.build.ContextFolder;
import io.jenkins.plugins.functions.spec.SpecException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code buildImage}: builds an image in the cluster (BuildKit rootless, the {@code build} action
 * of the function's runtime), pushes it, and returns it pinned by digest.
 *
 * <pre>
 * def web = buildImage image: 'harbor.example.com/team/web:1.0', context: 'app',
 *                      registryCredentialsId: 'harbor-robot'
 * runFunction name: 'web-check', runtime: 'container', image: web.image, command: ['/app/selftest']
 *
 * def fn = buildImage file: 'functions/greeter.yaml', image: 'harbor.example.com/team/greeter:1',
 *                     registryCredentialsId: 'harbor-robot'
 * runFunction file: 'functions/greeter.yaml', image: fn.image   // starts without installing anything
 * </pre>
 *
 * A {@code container} function (the default: {@code image} alone names it) is built from a
 * Dockerfile in a workspace folder ({@code context}) or in a git repository ({@code gitUrl},
 * {@code gitRef}); a {@code python} function from its own code and requirements. {@code image} is
 * always where the image is pushed; a python function's base image is {@code baseImage}. The step
 * is thin: {@link ImageBuildArguments} checks and resolves its arguments, {@link WorkspaceFiles}
 * reads the workspace, and the engine (the runtimes' {@code build} action) does the rest, so a
 * freestyle build step can share all of it.
 */
public class BuildImageStep extends FunctionStep {

    String context;
    String gitUrl;
    String gitRef;
    String gitPath;
    String dockerfile;
    Map<String, Object> buildArgs;
    String registryCredentialsId;
    String baseImage;

    @DataBoundConstructor
    public BuildImageStep() {
    }

    public String getContext() {
        return context;
    }

    /** A folder of the workspace to build from ({@code .} for the workspace itself). */
    @DataBoundSetter
    public void setContext(String context) {
        this.context = blankToNull(context);
    }

    public String getGitUrl() {
        return gitUrl;
    }

    /** A git repository to build from (https, public): BuildKit fetches it. */
    @DataBoundSetter
    public void setGitUrl(String gitUrl) {
        this.gitUrl = blankToNull(gitUrl);
    }

    public String getGitRef() {
        return gitRef;
    }

    @DataBoundSetter
    public void setGitRef(String gitRef) {
        this.gitRef = blankToNull(gitRef);
    }

    public String getGitPath() {
        return gitPath;
    }

    /** The folder of the git repository that is the context; its root when not given. */
    @DataBoundSetter
    public void setGitPath(String gitPath) {
        this.gitPath = blankToNull(gitPath);
    }

    public String getDockerfile() {
        return dockerfile;
    }

    /** The Dockerfile's path in the context; {@code Dockerfile} when not given. */
    @DataBoundSetter
    public void setDockerfile(String dockerfile) {
        this.dockerfile = blankToNull(dockerfile);
    }

    public Map<String, Object> getBuildArgs() {
        return buildArgs;
    }

    /** {@code ARG} values: {@code buildArgs: [VERSION: '1.0']}. */
    @DataBoundSetter
    public void setBuildArgs(Map<String, Object> buildArgs) {
        this.buildArgs = buildArgs;
    }

    public String getRegistryCredentialsId() {
        return registryCredentialsId;
    }

    /** A username with password credential for the destination registry (a robot account). */
    @DataBoundSetter
    public void setRegistryCredentialsId(String registryCredentialsId) {
        this.registryCredentialsId = blankToNull(registryCredentialsId);
    }

    public String getBaseImage() {
        return baseImage;
    }

    /** For a python function: the image to build on; {@code python:<pythonVersion>-slim} when not given. */
    @DataBoundSetter
    public void setBaseImage(String baseImage) {
        this.baseImage = blankToNull(baseImage);
    }

    /**
     * The function, as the step's arguments give it: {@code image} is where the image goes, never
     * a field of a function read from a file (a python function's base image is {@code baseImage});
     * with no file and no runtime, the function is a {@code container} one named after the image.
     */
    @Override
    Map<String, Object> inlineFields() {
        Map<String, Object> given = new LinkedHashMap<>();
        put(given, "name", name);
        put(given, "runtime", runtime);
        put(given, "description", description);
        put(given, "labels", labels);
        put(given, "source", source);
        put(given, "handler", handler);
        put(given, "requirements", requirements);
        put(given, "pythonVersion", pythonVersion);
        put(given, "profile", profile);
        putFields(given);
        return ImageBuildArguments.functionFields(file, image, baseImage, given);
    }

    /** A function name from an image: its last path part, as a DNS label ({@code team/web_api:1} is {@code web-api}). */
    static String nameOf(String image) {
        return ImageBuildArguments.nameOf(image);
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(this, context);
    }

    /** How the step reaches the workspace's files; replaced by tests (a FilePath cannot be made outside Jenkins). */
    interface WorkspaceAccess {
        ContextFolder.Files of(FilePath workspace);
    }

    private static volatile WorkspaceAccess workspaceFiles = ws -> ws == null ? null : new WorkspaceFiles(ws);

    /** For tests. Returns the previous one. */
    static WorkspaceAccess setWorkspaceFiles(WorkspaceAccess value) {
        WorkspaceAccess previous = workspaceFiles;
        workspaceFiles = value;
        return previous;
    }

    @Extension
    @Symbol("buildImage")
    public static class DescriptorImpl extends FunctionStepDescriptor {

        @Override
        public String getFunctionName() {
            return "buildImage";
        }

        @Override
        public String getDisplayName() {
            return Messages.BuildImageStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            // FilePath is optional: only a workspace context or a function file needs it.
            return Set.of(Run.class, TaskListener.class);
        }

        /**
         * Binds the arguments the step has a setter for and makes every other one a field of the
         * function, so any runtime's fields can be given inline ({@link StepArguments}).
         */
        @Override
        public Step newInstance(Map<String, Object> arguments) throws Exception {
            return StepArguments.bind(new BuildImageStep(), getFunctionName(), arguments);
        }

        /** What the step ran, for the Pipeline graph and stage views: {@code greeter (python build) → <image>}. */
        @Override
        public String argumentsToString(Map<String, Object> namedArgs) {
            return StepSummary.of(ActionKind.BUILD, namedArgs);
        }

        // ---- the form's checks and drop-down; see FunctionStepDescriptor ----------------------

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

    /**
     * The execution of {@code buildImage}: the shared asynchronous lifecycle, with the build action.
     *
     * <p>Persisted with the Pipeline program: never rename or move this class.
     */
    public static final class Execution extends FunctionStepExecution {

        private static final long serialVersionUID = 1L;

        /** Only needed until the run is planned; a resumed build needs nothing of it. */
        private final transient BuildImageStep buildStep;

        Execution(BuildImageStep step, StepContext context) {
            super(step, context, ActionKind.BUILD);
            this.buildStep = step;
        }

        @Override
        protected String stepName() {
            return "buildImage";
        }

        @Override
        protected void configure(RunRequest.Builder request, FunctionSpec function, Clusters.Target target,
                Run<?, ?> build, FilePath workspace, PrintStream log) throws SpecException, IOException {
            BuildImageStep s = buildStep;
            refuseRunArguments(s);
            new ImageBuildArguments(s.image, s.context, s.gitUrl, s.gitRef, s.gitPath, s.dockerfile, s.buildArgs,
                    s.registryCredentialsId).configure(request, function, s.file, target, build,
                    workspaceFiles.of(workspace), log);
        }

        /** The result of a run, plus the pushed image pinned by its digest and the digest. */
        @Override
        protected Map<String, Object> result(RunRecord record, RunOutcome outcome) {
            Map<String, Object> r = super.result(record, outcome);
            r.put("image", outcome.outputs().get("image"));
            r.put("digest", outcome.outputs().get("digest"));
            return r;
        }

        /** A failed build says why in its last log lines: the message ends with them. */
        @Override
        protected String failureMessage(RunRecord record, RunOutcome outcome) {
            return ImageBuildArguments.failureMessage(super.failureMessage(record, outcome), outcome);
        }
    }

    // ---- argument checks (before anything is sent) ------------------------------------------------

    /** Arguments of runFunction that mean nothing to a build: refused rather than silently ignored. */
    static void refuseRunArguments(BuildImageStep s) throws SpecException {
        Map<String, Object> ignored = new LinkedHashMap<>();
        put(ignored, "command", s.command);
        put(ignored, "args", s.args);
        put(ignored, "env", s.env == null ? null : s.env.keySet()); // the names only: a value may be a secret
        put(ignored, "resources", s.resources);
        put(ignored, "workingDir", s.workingDir);
        put(ignored, "imagePullPolicy", s.imagePullPolicy);
        put(ignored, "serviceAccount", s.serviceAccount);
        put(ignored, "parameters", s.parameters);
        put(ignored, "volumes", s.volumes);
        if (!ignored.isEmpty()) {
            Map.Entry<String, Object> first = ignored.entrySet().iterator().next();
            throw new SpecException(first.getKey(), first.getValue(), "not an argument of buildImage, which takes"
                    + " image, context or gitUrl/gitRef/gitPath, dockerfile, buildArgs, registryCredentialsId,"
                    + " the function (file, name, runtime, source, handler, requirements, pythonVersion, baseImage),"
                    + " profile, namespace, timeout and failOnError");
        }
    }
}
