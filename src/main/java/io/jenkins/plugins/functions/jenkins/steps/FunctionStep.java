package io.jenkins.plugins.functions.jenkins.steps;

import io.jenkins.plugins.functions.jenkins.runs.FunctionCall;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.spec.PlainValues;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * What the function steps share: a function from a file in the workspace, from arguments, or
 * from both (arguments override the file's fields), and the run's own arguments (parameters,
 * namespace, timeout, failOnError). Each step adds what its action needs.
 */
public abstract class FunctionStep extends Step {

    String file;
    String name;
    String runtime;
    String image;
    List<String> command;
    List<String> args;
    Map<String, Object> env;
    Map<String, Object> resources;
    String workingDir;
    String imagePullPolicy;
    String serviceAccount;
    String description;
    Map<String, Object> labels;
    Map<String, Object> parameters;
    String namespace;
    Object timeout;
    boolean failOnError = true;

    public String getFile() {
        return file;
    }

    /** A function file in the workspace, relative to it ({@code functions/hello.yaml}). */
    @DataBoundSetter
    public void setFile(String file) {
        this.file = blankToNull(file);
    }

    public String getName() {
        return name;
    }

    @DataBoundSetter
    public void setName(String name) {
        this.name = blankToNull(name);
    }

    public String getRuntime() {
        return runtime;
    }

    @DataBoundSetter
    public void setRuntime(String runtime) {
        this.runtime = blankToNull(runtime);
    }

    public String getImage() {
        return image;
    }

    @DataBoundSetter
    public void setImage(String image) {
        this.image = blankToNull(image);
    }

    public List<String> getCommand() {
        return command;
    }

    @DataBoundSetter
    public void setCommand(List<String> command) {
        this.command = command;
    }

    public List<String> getArgs() {
        return args;
    }

    @DataBoundSetter
    public void setArgs(List<String> args) {
        this.args = args;
    }

    public Map<String, Object> getEnv() {
        return env;
    }

    /**
     * Environment variables: a map of name to value, or to a Jenkins credential:
     * {@code [TOKEN: [credentialsId: 'my-token'], DB_USER: [credentialsId: 'db', key: 'username']]}.
     */
    @DataBoundSetter
    public void setEnv(Map<String, Object> env) {
        this.env = env;
    }

    public Map<String, Object> getResources() {
        return resources;
    }

    /** {@code [requests: [cpu: '500m', memory: '256Mi'], limits: [memory: '512Mi', gpu: 1]]}. */
    @DataBoundSetter
    public void setResources(Map<String, Object> resources) {
        this.resources = resources;
    }

    public String getWorkingDir() {
        return workingDir;
    }

    @DataBoundSetter
    public void setWorkingDir(String workingDir) {
        this.workingDir = blankToNull(workingDir);
    }

    public String getImagePullPolicy() {
        return imagePullPolicy;
    }

    @DataBoundSetter
    public void setImagePullPolicy(String imagePullPolicy) {
        this.imagePullPolicy = blankToNull(imagePullPolicy);
    }

    public String getServiceAccount() {
        return serviceAccount;
    }

    @DataBoundSetter
    public void setServiceAccount(String serviceAccount) {
        this.serviceAccount = blankToNull(serviceAccount);
    }

    public String getDescription() {
        return description;
    }

    @DataBoundSetter
    public void setDescription(String description) {
        this.description = blankToNull(description);
    }

    public Map<String, Object> getLabels() {
        return labels;
    }

    /** Extra labels for the run's Kubernetes objects: {@code labels: [team: 'data']}. */
    @DataBoundSetter
    public void setLabels(Map<String, Object> labels) {
        this.labels = labels;
    }

    public Map<String, Object> getParameters() {
        return parameters;
    }

    /** Handed to the function (as JSON in {@code FUNCTION_PARAMETERS} for containers). */
    @DataBoundSetter
    public void setParameters(Map<String, Object> parameters) {
        this.parameters = parameters;
    }

    public String getNamespace() {
        return namespace;
    }

    @DataBoundSetter
    public void setNamespace(String namespace) {
        this.namespace = blankToNull(namespace);
    }

    public Object getTimeout() {
        return timeout;
    }

    /** How long the function may run: {@code '90s'}, {@code '10m'}, {@code '2h'}, or seconds as a number. */
    @DataBoundSetter
    public void setTimeout(Object timeout) {
        this.timeout = timeout;
    }

    public boolean isFailOnError() {
        return failOnError;
    }

    /** When false, a failed run returns its result instead of failing the step. */
    @DataBoundSetter
    public void setFailOnError(boolean failOnError) {
        this.failOnError = failOnError;
    }

    Map<String, Object> source;
    Object handler;
    List<String> requirements;
    String pythonVersion;

    public Map<String, Object> getSource() {
        return source;
    }

    /**
     * For the {@code python} runtime: {@code [code: '...']}, {@code [path: 'src/handler/']} (read
     * from the workspace) or {@code [git: [url: ..., ref: ...]]}.
     */
    @DataBoundSetter
    public void setSource(Map<String, Object> source) {
        this.source = source;
    }

    public Object getHandler() {
        return handler;
    }

    /** For the {@code python} runtime: {@code 'module:function'}. */
    @DataBoundSetter
    public void setHandler(Object handler) {
        this.handler = handler;
    }

    public List<String> getRequirements() {
        return requirements;
    }

    @DataBoundSetter
    public void setRequirements(List<String> requirements) {
        this.requirements = requirements;
    }

    public String getPythonVersion() {
        return pythonVersion;
    }

    @DataBoundSetter
    public void setPythonVersion(String pythonVersion) {
        this.pythonVersion = blankToNull(pythonVersion);
    }

    String profile;
    List<Map<String, Object>> volumes;

    public String getProfile() {
        return profile;
    }

    /** The administrator's profile the function runs under: {@code profile: 'gpu-small'}. */
    @DataBoundSetter
    public void setProfile(String profile) {
        this.profile = blankToNull(profile);
    }

    public List<Map<String, Object>> getVolumes() {
        return volumes;
    }

    /** Volumes: {@code [[name: 'data', mountPath: '/data', persistentVolumeClaim: [claimName: 'data']]]}. */
    @DataBoundSetter
    public void setVolumes(List<Map<String, Object>> volumes) {
        this.volumes = volumes;
    }

    /** The name of the argument that holds the function's other fields. */
    static final String FIELDS = "fields";

    /** The function's fields the step has no argument for, as plain values; null when none. */
    Map<String, Object> fields;

    public Map<String, Object> getFields() {
        return fields;
    }

    /**
     * The function's other fields: any runtime's own, such as a model's ({@code [model: 'Qwen/Qwen2.5-0.5B-Instruct',
     * gpus: 1]}), a runtime another plugin adds included. An argument the step has no parameter for
     * lands here too ({@link StepArguments}), so {@code model: '...'} may also be written on its own;
     * {@code fields: [...]} is the form a declarative {@code steps} block accepts, and the one the
     * step is written back as (Snippet Generator). An argument of the step's own, given on its own,
     * wins over the same key here.
     *
     * @throws IllegalArgumentException for a value that is not text, a number, true/false, a list or a mapping
     */
    @DataBoundSetter
    public void setFields(Map<String, Object> fields) {
        try {
            this.fields = fields == null || fields.isEmpty() ? null
                    : Collections.unmodifiableMap(new LinkedHashMap<>(PlainValues.ofMap(fields, FIELDS)));
        } catch (SpecException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Adds the function's other fields to the inline fields, where no argument of the step set them. */
    final void putFields(Map<String, Object> m) {
        if (fields != null) {
            fields.forEach(m::putIfAbsent);
        }
    }

    /** The inline fields as a function map; the file's fields are overridden by these. */
    Map<String, Object> inlineFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "name", name);
        put(m, "runtime", runtime);
        put(m, "image", image);
        put(m, "command", command);
        put(m, "args", args);
        put(m, "env", env);
        put(m, "resources", resources);
        put(m, "workingDir", workingDir);
        put(m, "imagePullPolicy", imagePullPolicy);
        put(m, "serviceAccount", serviceAccount);
        put(m, "description", description);
        put(m, "labels", labels);
        put(m, "source", source);
        put(m, "handler", handler);
        put(m, "requirements", requirements);
        put(m, "pythonVersion", pythonVersion);
        put(m, "profile", profile);
        put(m, "volumes", volumes);
        putFields(m);
        return m;
    }

    /** What this step asks for, in the form the steps and the freestyle builders share. */
    // ---- inputs (docs/artifacts.md) -----------------------------------------------------------------

    Map<String, Object> inputs;

    public Map<String, Object> getInputs() {
        return inputs;
    }

    /** Earlier runs' artifacts the function takes, by name: {@code [model: train.artifacts.model]}. */
    @DataBoundSetter
    public void setInputs(Map<String, Object> inputs) {
        this.inputs = inputs == null || inputs.isEmpty() ? null : new LinkedHashMap<>(inputs);
    }

    /** The inputs as text (a GString or a URI object becomes its text), by name; empty when none. */
    Map<String, String> inputsByName() {
        Map<String, String> byName = new LinkedHashMap<>();
        if (inputs != null) {
            inputs.forEach((k, v) -> byName.put(k, v == null ? null : v.toString()));
        }
        return byName;
    }

    FunctionCall call(String stepName, ActionKind action) {
        return new FunctionCall(stepName, action, file, inlineFields(), parameters, namespace, timeout, failOnError);
    }

    static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }


    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
