package io.jenkins.plugins.functions.jenkins.steps;

import hudson.AbortException;
import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.kubernetes.StoppedService;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.spec.Names;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code stopFunction}: stops a served or deployed function and removes everything it created
 * (its Deployment, and with it its Service, ConfigMaps and Secrets). The run that served it, on
 * whatever build started it, moves to STOPPED. Stopping what is not running is not an error.
 *
 * <pre>
 * stopFunction name: 'web', namespace: 'team-a'
 * </pre>
 */
public class StopFunctionStep extends Step {

    private final String name;
    private String namespace;

    @DataBoundConstructor
    public StopFunctionStep(String name) {
        this.name = name == null ? null : name.trim();
    }

    public String getName() {
        return name;
    }

    public String getNamespace() {
        return namespace;
    }

    @DataBoundSetter
    public void setNamespace(String namespace) {
        this.namespace = namespace == null || namespace.isBlank() ? null : namespace.trim();
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(this, context);
    }

    @Extension
    @Symbol("stopFunction")
    public static class DescriptorImpl extends StepDescriptor {

        @Override
        public String getFunctionName() {
            return "stopFunction";
        }

        @Override
        public String getDisplayName() {
            return "Stop a served or deployed function";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }
    }

    /**
     * Deletes asynchronously (the deletion is one request per Deployment on the engine's pool),
     * then records the stop on the runs it ended. Stopping is idempotent, so a resumed execution
     * simply stops again.
     *
     * <p>Persisted with the Pipeline program: never rename or move this class.
     */
    public static final class Execution extends StepExecution {

        private static final long serialVersionUID = 1L;
        private static final String PREFIX = "[function-runtimes] ";

        /** Our own reference: see {@link FunctionStepExecution}. */
        private final StepContext context;
        private final String name;
        private final String namespace;

        Execution(StopFunctionStep step, StepContext context) {
            super(context);
            this.context = context;
            this.name = step.name;
            this.namespace = step.namespace;
        }

        @Override
        public boolean start() throws Exception {
            if (name == null || !Names.isDns1123Label(name)) {
                throw new AbortException("stopFunction: field 'name': value '" + name + "' is not allowed: "
                        + Names.DNS_1123_LABEL_RULE);
            }
            if (namespace != null && !Names.isDns1123Label(namespace)) {
                throw new AbortException("stopFunction: field 'namespace': value '" + namespace + "' is not allowed: "
                        + Names.DNS_1123_LABEL_RULE);
            }
            Run<?, ?> build = context.get(Run.class);
            PrintStream log = context.get(TaskListener.class).getLogger();
            Clusters.Target target = Clusters.forBuild(build);
            String ns = namespace != null ? namespace : target.defaultNamespace();
            try {
                target.namespaces().check(ns); // the same namespaces the other steps may use
            } catch (io.jenkins.plugins.functions.spec.SpecException e) {
                throw new AbortException(e.withOrigin("stopFunction").getMessage());
            }
            target.engine().stopService(ns, name).whenComplete((stopped, error) -> {
                if (error != null) {
                    Throwable cause = error.getCause() != null ? error.getCause() : error;
                    context.onFailure(new AbortException("stopFunction: could not stop " + name + " in " + ns + ": "
                            + cause.getMessage()));
                    return;
                }
                List<Map<String, Object>> result = new ArrayList<>();
                if (stopped.isEmpty()) {
                    log.println(PREFIX + "Nothing named " + name + " is served in namespace " + ns);
                }
                for (StoppedService s : stopped) {
                    String by = s.annotations().get(RunLabels.JENKINS_BUILD_ID_ANNOTATION);
                    log.println(PREFIX + "Stopped " + s.namespace() + "/" + s.name()
                            + (by == null ? "" : " (served by " + by + ")"));
                    FunctionRunAction.stopRecorded(target.build(by), s.runId(), "Stopped",
                            "stopped by " + build.getExternalizableId());
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("name", s.name());
                    entry.put("namespace", s.namespace());
                    entry.put("runId", s.runId());
                    entry.put("build", by);
                    result.add(entry);
                }
                context.onSuccess(result);
            });
            return false;
        }

        @Override
        public void stop(Throwable cause) {
            context.onFailure(cause);
        }

        @Override
        public void onResume() {
            try {
                start();
            } catch (Exception e) {
                context.onFailure(e);
            }
        }
    }
}
