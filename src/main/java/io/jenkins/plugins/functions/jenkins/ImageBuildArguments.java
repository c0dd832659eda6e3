package io.jenkins.plugins.functions.jenkins;

import hudson.AbortException;
import hudson.model.Run;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.build.BuildContext;
import io.jenkins.plugins.functions.runtime.build.BuildContexts;
import io.jenkins.plugins.functions.runtime.build.ContextFolder;
import io.jenkins.plugins.functions.runtime.build.ImageBuild;
import io.jenkins.plugins.functions.runtime.build.ImageReference;
import io.jenkins.plugins.functions.runtime.impl.ContainerRuntime;
import io.jenkins.plugins.functions.runtime.impl.PythonRuntime;
import io.jenkins.plugins.functions.spec.SpecException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The arguments of an image build as a Jenkins user gives them (the {@code buildImage} step, a
 * freestyle build step), and how they become the engine's {@link ImageBuild}: checked in the
 * order that reads the least before refusing (the workspace last), each refusal a
 * {@link SpecException} naming the argument, the value and what is allowed. What the step and the
 * builder share beyond that: the function their arguments give ({@link #functionFields}), the
 * request's build ({@link #configure}, a {@code BuildRun.RequestConfigurer}'s body) and the failure
 * message ({@link #failureMessage}).
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
     * The function an image build's arguments give: {@code image} is where the image goes, never a
     * field of a function read from a file (a python function's base image is {@code baseImage});
     * with no file and no runtime, the function is a {@code container} one, named after the image
     * unless a name is given.
     *
     * @param file      the function file, or null
     * @param image     where to push, or null
     * @param baseImage a python function's base image, or null
     * @param given     the other function fields given (name, runtime, source, handler, profile, ...);
     *                  an {@code image} among them is ignored
     * @return the function's inline fields, overriding the file's
     */
    public static Map<String, Object> functionFields(String file, String image, String baseImage,
            Map<String, Object> given) {
        Map<String, Object> m = new LinkedHashMap<>();
        Object name = given.get("name");
        Object runtime = given.get("runtime");
        if (file == null && !PythonRuntime.KIND.equals(runtime)) {
            put(m, "name", name != null ? name : image == null ? null : nameOf(image));
            put(m, "runtime", runtime != null ? runtime : ContainerRuntime.KIND);
            put(m, "image", image);
        } else {
            put(m, "name", name);
            put(m, "runtime", runtime);
            put(m, "image", baseImage);
        }
        for (Map.Entry<String, Object> e : given.entrySet()) {
            if (!m.containsKey(e.getKey()) && !e.getKey().equals("image")) {
                put(m, e.getKey(), e.getValue());
            }
        }
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    /** A function name from an image: its last path part, as a DNS label ({@code team/web_api:1} is {@code web-api}). */
    public static String nameOf(String image) {
        String path = image.replaceFirst("@.*$", "");
        String last = path.substring(path.lastIndexOf('/') + 1).replaceFirst(":.*$", "");
        last = last.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        if (last.length() > 63) {
            last = last.substring(0, 63).replaceAll("-+$", "");
        }
        return last.isEmpty() ? "image" : last;
    }

    /**
     * Resolves the arguments and adds the build to the run's request: the body of the
     * {@code BuildRun.RequestConfigurer} of a build run, on the launch pool (it may read the
     * workspace). The registry credential joins the request's credentials (so the engine masks its
     * values), and the build log says what is built, from what, with which builder.
     *
     * @param functionFile the function file, for messages; null when inline
     * @param workspace    the build's workspace files, null when there is none
     */
    public void configure(RunRequest.Builder request, FunctionSpec function, String functionFile,
            Clusters.Target target, Run<?, ?> build, ContextFolder.Files workspace, PrintStream log)
            throws SpecException, IOException {
        Resolved resolved = resolve(function, functionFile, target, build, workspace);
        ImageBuild imageBuild = resolved.build();
        if (resolved.registryCredential() != null) {
            request.addCredential(resolved.registryCredential());
        }
        log.println("[function-runtimes] Building " + imageBuild.destination() + " from "
                + imageBuild.context().describe() + " with " + imageBuild.builderImage()
                + (registryCredentialsId == null ? "" : ", pushing with credential '" + registryCredentialsId + "'"));
        request.build(imageBuild);
    }

    /** A failed build's message ends with its log's last lines, which say why ({@code outputs.error}). */
    public static String failureMessage(String message, RunOutcome outcome) {
        Object tail = outcome.outputs().get("error");
        return message + (tail == null ? "" : "\n" + tail);
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

    /** What {@code registryCredentialsId} takes (the forms' check says the same). */
    public static final String REGISTRY_CREDENTIAL_RULE = "the id of a username with password credential (such as a"
            + " registry robot account) that this job can use";

    /** The registry credential in the build's context: a username with password, or a refusal naming the id. */
    private static CredentialValue registryCredential(String id, Clusters.Target target, Run<?, ?> build)
            throws SpecException, IOException {
        String allowed = REGISTRY_CREDENTIAL_RULE;
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
