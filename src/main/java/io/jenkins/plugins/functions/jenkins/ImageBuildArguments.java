package io.jenkins.plugins.functions.jenkins;

import hudson.AbortException;
import hudson.model.Run;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.build.BuildContext;
import io.jenkins.plugins.functions.runtime.build.BuildContexts;
import io.jenkins.plugins.functions.runtime.build.ContextFolder;
import io.jenkins.plugins.functions.runtime.build.ImageBuild;
import io.jenkins.plugins.functions.runtime.build.ImageReference;
import io.jenkins.plugins.functions.runtime.impl.ContainerRuntime;
import io.jenkins.plugins.functions.runtime.impl.PythonRuntime;
import io.jenkins.plugins.functions.spec.SpecException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The arguments of an image build as a Jenkins user gives them (the {@code buildImage} step, a
 * freestyle build step), and how they become the engine's {@link ImageBuild}: checked in the
 * order that reads the least before refusing (the workspace last), each refusal a
 * {@link SpecException} naming the argument, the value and what is allowed.
 *
 * @param image                 where to push; for a container function, its own image when null
 * @param context               a folder of the workspace, or null
 * @param gitUrl                a git repository, or null
 * @param gitRef                its branch, tag or commit
 * @param gitPath               its folder that is the context, null for its root
 * @param dockerfile            the Dockerfile's path in the context, null for {@code Dockerfile}
 * @param buildArgs             {@code ARG} values (text, numbers, booleans), or null
 * @param registryCredentialsId a username with password credential for the destination, or null
 */
public record ImageBuildArguments(String image, String context, String gitUrl, String gitRef, String gitPath,
        String dockerfile, Map<String, Object> buildArgs, String registryCredentialsId) {

    /**
     * What a build run needs beyond the function.
     *
     * @param build              what to build and where to push it
     * @param registryCredential the registry login, resolved for this run; null when none. Goes
     *                           into the request's credentials, never anywhere else.
     */
    public record Resolved(ImageBuild build, CredentialValue registryCredential) {
    }

    /**
     * Checks the arguments against the function and resolves them.
     *
     * @param function     the validated function to build
     * @param functionFile the function file the function comes from, for messages; null when inline
     * @param workspace    the build's workspace files, null outside a node block
     */
    public Resolved resolve(FunctionSpec function, String functionFile, Clusters.Target target, Run<?, ?> build,
            ContextFolder.Files workspace) throws SpecException, IOException {
        ImageReference destination = destination(function, functionFile);
        Map<String, String> args = checkedBuildArgs();
        CredentialValue registry = registryCredentialsId == null ? null
                : registryCredential(registryCredentialsId, target, build);
        // last: a workspace context is read from the agent, so only once everything else is right
        BuildContext buildContext = buildContext(function, workspace);
        return new Resolved(new ImageBuild(destination, buildContext, dockerfile, args, registryCredentialsId,
                target.builderImage()), registry);
    }

    private ImageReference destination(FunctionSpec function, String functionFile) throws SpecException {
        boolean container = ContainerRuntime.KIND.equals(function.runtime());
        if (image == null && !container) {
            throw new SpecException("image", null, "where to push the built image: " + ImageReference.RULE);
        }
        if (image != null && container && functionFile != null && function.field("image") instanceof String own
                && !ImageReference.parse("image", image).name().equals(ImageReference.parse("image", own).name())) {
            throw new SpecException("image", image, "the image of the container function in " + functionFile + " ("
                    + own + "): a container function's build pushes its own image; leave image out, or change"
                    + " the function's");
        }
        return ImageReference.parse("image", image != null ? image : (String) function.field("image"));
    }

    private BuildContext buildContext(FunctionSpec function, ContextFolder.Files workspace)
            throws SpecException, IOException {
        if (context != null && gitUrl != null) {
            throw new SpecException("context", context + " and gitUrl " + gitUrl, "one of context (a workspace"
                    + " folder) or gitUrl (a git repository), not both");
        }
        if (gitUrl == null && (gitRef != null || gitPath != null)) {
            throw new SpecException(BuildContexts.GIT_URL, null, "a git repository URL, with gitRef"
                    + (gitPath != null ? " and gitPath" : ""));
        }
        if (PythonRuntime.KIND.equals(function.runtime())) {
            if (context != null || gitUrl != null || dockerfile != null) {
                String field = context != null ? "context" : gitUrl != null ? BuildContexts.GIT_URL : "dockerfile";
                Object value = context != null ? context : gitUrl != null ? gitUrl : dockerfile;
                throw new SpecException(field, value, "nothing: a python function's image is generated from the"
                        + " function (its source, requirements and handler); to build a Dockerfile, use a"
                        + " container function");
            }
            return new BuildContext.FromFunction();
        }
        if (gitUrl != null) {
            return BuildContexts.git(gitUrl, gitRef, gitPath);
        }
        if (context == null) {
            throw new SpecException("context", null, "a workspace folder (context: 'app', or '.') or a git"
                    + " repository (gitUrl and gitRef) to build from");
        }
        if (workspace == null) {
            throw new SpecException("context", context, "is read from the workspace: build inside a node block,"
                    + " or from a git repository (gitUrl and gitRef)");
        }
        return ContextFolder.pack(context, dockerfile == null ? ImageBuild.DEFAULT_DOCKERFILE : dockerfile, workspace);
    }

    private Map<String, String> checkedBuildArgs() throws SpecException {
        Map<String, String> args = new LinkedHashMap<>();
        if (buildArgs == null) {
            return args;
        }
        for (Map.Entry<String, Object> e : buildArgs.entrySet()) {
            Object v = e.getValue();
            if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                throw new SpecException("buildArgs." + e.getKey(), v, "text, a number or true/false");
            }
            args.put(e.getKey(), String.valueOf(v));
        }
        return args;
    }

    /** The registry credential in the build's context: a username with password, or a refusal naming the id. */
    private static CredentialValue registryCredential(String id, Clusters.Target target, Run<?, ?> build)
            throws SpecException, IOException {
        String allowed = "the id of a username with password credential (such as a registry robot account) that"
                + " this job can use";
        CredentialValue value;
        try {
            value = target.credentials().find(id, build);
        } catch (AbortException e) {
            throw new SpecException("registryCredentialsId", id, allowed + "; " + e.getMessage());
        }
        if (value == null) {
            throw new SpecException("registryCredentialsId", id, allowed + "; none of that id is visible here");
        }
        if (value.kind() != CredentialValue.Kind.USERNAME_PASSWORD) {
            throw new SpecException("registryCredentialsId", id, allowed + ", not "
                    + value.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
        return value;
    }
}
