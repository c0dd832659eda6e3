package io.jenkins.plugins.functions.jenkins.builders;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.tasks.BuildStepMonitor;
import hudson.tasks.Builder;
import io.jenkins.plugins.functions.jenkins.WorkspaceFiles;
import io.jenkins.plugins.functions.jenkins.runs.BuildRun;
import io.jenkins.plugins.functions.jenkins.runs.FunctionCall;
import io.jenkins.plugins.functions.jenkins.runs.WorkspaceReader;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.runtime.build.ContextFolder;
import io.jenkins.plugins.functions.spec.SpecException;
import io.jenkins.plugins.functions.spec.WorkspaceSources;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import jenkins.tasks.SimpleBuildStep;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * What the freestyle builders that run a function share: the function (a file in the workspace,
 * fields from the form, or both: form fields override the file's), the run's own arguments, and
 * {@link #perform} - expand the build's environment variables in every field, run through the
 * same {@link BuildRun} as the Pipeline steps, wait on the build's own executor thread, fail the
 * build with the run's reason, and give the result to later build steps as environment variables
 * ({@link FunctionResultEnvironment}).
 *
 * <p>A further builder is a subclass with its action, its name, its own fields ({@link #addFields})
 * and result variables ({@link #addResult}), a descriptor, and a form; an action that needs more
 * than the function (an image build: what to build, where to push) adds it to the run's request
 * ({@link #configurer}) and may say more when it fails ({@link #failureMessage}).
 *
 * <p>Persisted in the job's {@code config.xml}: fields are plain strings, never rename them.
 */
public abstract class FunctionBuilder extends Builder implements SimpleBuildStep {

    private String file;
    private String name;
    private String runtime;
    private String image;
    private String command;
    private String args;
    private String env;
    private String parameters;
    private String namespace;
    private String timeout;
    private String workingDir;
    private String imagePullPolicy;
    private String serviceAccount;
    private String profile;
    private boolean failOnError = true;

    /** The action this builder runs. */
    protected abstract ActionKind action();

    /** This builder's name in messages and the build log: {@code Run function}. */
    protected abstract String caller();

    /**
     * Adds this builder's own function fields, already expanded: a serve builder's replicas. May
     * also adjust or refuse the common ones, which {@code fields} already holds (an image build's
     * {@code image} is where it pushes, not the function's).
     *
     * @param expand expands the build's environment variables; blank gives null
     */
    protected void addFields(Map<String, Object> fields, UnaryOperator<String> expand) throws SpecException {
    }

    /**
     * What adds this builder's action's own parts to the run's request before it is planned (an
     * image build: what to build and where to push it); null for nothing, the default. Called on the
     * executor thread before the run is recorded, so a refusal of the form's own text here records
     * nothing; the configurer itself runs on the launch pool and may read the workspace.
     *
     * @param expand    expands the build's environment variables; blank gives null
     * @param workspace the build's workspace files
     */
    protected BuildRun.RequestConfigurer configurer(UnaryOperator<String> expand, Run<?, ?> build,
            ContextFolder.Files workspace) throws SpecException {
        return null;
    }

    /** The message a failed run fails the build with; a builder may add what its action knows. */
    protected String failureMessage(RunRecord record, RunOutcome outcome) {
        return BuildRun.failureMessage(caller(), record, outcome);
    }

    /** Adds this builder's own result variables (besides the common ones) for later build steps. */
    protected void addResult(Map<String, String> variables, RunRecord record, RunOutcome outcome) {
    }

    /**
     * What this builder asks for, with the build's environment variables expanded in every field
     * ({@code ${GIT_COMMIT}}, build parameters). Refused text is a {@link SpecException}.
     */
    public final FunctionCall call(EnvVars environment) throws SpecException {
        UnaryOperator<String> x = expander(environment);
        Map<String, Object> fields = new LinkedHashMap<>();
        put(fields, "name", x.apply(name));
        put(fields, "runtime", x.apply(runtime));
        put(fields, "image", x.apply(image));
        put(fields, "command", FormFields.lines(x.apply(command)));
        put(fields, "args", FormFields.lines(x.apply(args)));
        put(fields, "env", CredentialVariable.addTo(FormFields.environment(caller(), x.apply(env)),
                credentialVariables, x, caller()));
        put(fields, "workingDir", x.apply(workingDir));
        put(fields, "imagePullPolicy", x.apply(imagePullPolicy));
        put(fields, "serviceAccount", x.apply(serviceAccount));
        put(fields, "profile", x.apply(profile));
        addFields(fields, x);
        AdditionalFields.addTo(fields, x.apply(additionalFields), getClass(), caller());
        return new FunctionCall(caller(), action(), x.apply(file), fields,
                FormFields.mapping(caller(), "parameters", x.apply(parameters)), x.apply(namespace),
                x.apply(timeout), failOnError);
    }

    /** Expands the build's environment variables in a field's text; blank gives null. */
    private static UnaryOperator<String> expander(EnvVars environment) {
        return s -> s == null ? null : FormFields.blankToNull(environment.expand(s));
    }

    /**
     * Runs the function and waits for its end on the build's executor thread. A run that fails
     * fails the build with its reason ({@code failOnError}); aborting the build stops the run and
     * deletes its workload.
     */
    @Override
    public final void perform(Run<?, ?> build, FilePath workspace, EnvVars environment, Launcher launcher,
                              TaskListener listener) throws InterruptedException, IOException {
        perform(build, WorkspaceReader.of(workspace), workspace == null ? null : new WorkspaceFiles(workspace),
                environment, listener);
    }

    /** {@link #perform} with the workspace as the run reads it (tests give a local folder). */
    final void perform(Run<?, ?> build, WorkspaceSources.Reader workspace, EnvVars environment, TaskListener listener)
            throws InterruptedException, IOException {
        perform(build, workspace, null, environment, listener);
    }

    /** {@link #perform} with the workspace as the run and an image build's context read it. */
    final void perform(Run<?, ?> build, WorkspaceSources.Reader workspace, ContextFolder.Files files,
                       EnvVars environment, TaskListener listener) throws InterruptedException, IOException {
        FunctionCall call;
        BuildRun.RequestConfigurer configurer;
        try {
            call = call(environment);
            configurer = configurer(expander(environment), build, files);
        } catch (SpecException e) {
            throw new AbortException(e.getMessage()); // before anything is recorded or sent
        }
        ExecutorRun.Ended end = ExecutorRun.runAndWait(call, configurer, build, workspace, environment, listener);
        RunOutcome outcome = end.outcome();
        if (outcome.state() == RunState.STOPPED) {
            // Not this build's abort (that interrupts the wait): stopFunction ended the start.
            throw new AbortException(BuildRun.failureMessage(caller(), end.record(), outcome));
        }
        if (!outcome.succeeded() && failOnError) {
            throw end.startFailure() != null ? end.startFailure()
                    : new AbortException(failureMessage(end.record(), outcome));
        }
        if (!outcome.succeeded()) {
            listener.getLogger().println(BuildRun.PREFIX + (end.startFailure() != null ? end.startFailure().getMessage()
                    : failureMessage(end.record(), outcome)) + " (the build goes on: failOnError is off)");
        }
        Map<String, String> variables = FunctionResultEnvironment.common(end.record(), outcome);
        addResult(variables, end.record(), outcome);
        build.addAction(new FunctionResultEnvironment(variables));
    }

    /** The builder waits on its own thread and touches nothing of other builds: no lock needed. */
    @Override
    public BuildStepMonitor getRequiredMonitorService() {
        return BuildStepMonitor.NONE;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    public String getFile() {
        return file;
    }

    /** A function file in the workspace, relative to it ({@code functions/hello.yaml}). */
    @DataBoundSetter
    public void setFile(String file) {
        this.file = FormFields.blankToNull(file);
    }

    public String getName() {
        return name;
    }

    @DataBoundSetter
    public void setName(String name) {
        this.name = FormFields.blankToNull(name);
    }

    public String getRuntime() {
        return runtime;
    }

    @DataBoundSetter
    public void setRuntime(String runtime) {
        this.runtime = FormFields.blankToNull(runtime);
    }

    public String getImage() {
        return image;
    }

    @DataBoundSetter
    public void setImage(String image) {
        this.image = FormFields.blankToNull(image);
    }

    public String getCommand() {
        return command;
    }

    /** The container's command, one item per line. */
    @DataBoundSetter
    public void setCommand(String command) {
        this.command = FormFields.blankToNull(command);
    }

    public String getArgs() {
        return args;
    }

    /** The container's arguments, one per line. */
    @DataBoundSetter
    public void setArgs(String args) {
        this.args = FormFields.blankToNull(args);
    }

    public String getEnv() {
        return env;
    }

    /** Environment variables of the container, {@code NAME=value} per line. */
    @DataBoundSetter
    public void setEnv(String env) {
        this.env = FormFields.blankToNull(env);
    }

    public String getParameters() {
        return parameters;
    }

    /** The run's parameters as a YAML mapping ({@code name: Jenkins}). */
    @DataBoundSetter
    public void setParameters(String parameters) {
        this.parameters = FormFields.blankToNull(parameters);
    }

    public String getNamespace() {
        return namespace;
    }

    @DataBoundSetter
    public void setNamespace(String namespace) {
        this.namespace = FormFields.blankToNull(namespace);
    }

    public String getTimeout() {
        return timeout;
    }

    /** {@code 90s}, {@code 10m}, {@code 2h}, or seconds. */
    @DataBoundSetter
    public void setTimeout(String timeout) {
        this.timeout = FormFields.blankToNull(timeout);
    }

    public String getWorkingDir() {
        return workingDir;
    }

    @DataBoundSetter
    public void setWorkingDir(String workingDir) {
        this.workingDir = FormFields.blankToNull(workingDir);
    }

    public String getImagePullPolicy() {
        return imagePullPolicy;
    }

    @DataBoundSetter
    public void setImagePullPolicy(String imagePullPolicy) {
        this.imagePullPolicy = FormFields.blankToNull(imagePullPolicy);
    }

    public String getServiceAccount() {
        return serviceAccount;
    }

    @DataBoundSetter
    public void setServiceAccount(String serviceAccount) {
        this.serviceAccount = FormFields.blankToNull(serviceAccount);
    }

    public String getProfile() {
        return profile;
    }

    /** The administrator's profile the function runs under (node selection, tolerations, GPUs). */
    @DataBoundSetter
    public void setProfile(String profile) {
        this.profile = FormFields.blankToNull(profile);
    }

    public boolean isFailOnError() {
        return failOnError;
    }

    /** When false, a failed run is reported in the log and the variables, and the build goes on. */
    @DataBoundSetter
    public void setFailOnError(boolean failOnError) {
        this.failOnError = failOnError;
    }

    // ---- environment variables from credentials ------------------------------------------------

    /** Null when none (and in jobs saved before it). */
    private List<CredentialVariable> credentialVariables;

    public List<CredentialVariable> getCredentialVariables() {
        return credentialVariables == null ? List.of() : Collections.unmodifiableList(credentialVariables);
    }

    /** Variables whose values are Jenkins credentials, passed to the pod through a Secret of the run. */
    @DataBoundSetter
    public void setCredentialVariables(List<CredentialVariable> credentialVariables) {
        // an ArrayList: XStream writes the job's config.xml and cannot read into List.copyOf's class
        this.credentialVariables = credentialVariables == null || credentialVariables.isEmpty() ? null
                : new ArrayList<>(credentialVariables);
    }

    // ---- additional fields: any runtime's own, as YAML ----------------------------------------

    /** The function's other fields as a YAML mapping; null when none (and in jobs saved before it). */
    private String additionalFields;

    public String getAdditionalFields() {
        return additionalFields;
    }

    /**
     * The function's fields this form has no box for, as a YAML mapping: a runtime's own (a model's
     * {@code model: Qwen/Qwen2.5-0.5B-Instruct}, a runtime another plugin adds), or {@code resources},
     * {@code labels}, {@code volumes}. Checked by the function's runtime like a function file.
     */
    @DataBoundSetter
    public void setAdditionalFields(String additionalFields) {
        this.additionalFields = FormFields.blankToNull(additionalFields);
    }

    static final String ADDITIONAL_FIELDS = AdditionalFields.FIELD;
}
