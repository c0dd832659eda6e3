package io.jenkins.plugins.functions.jenkins;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.security.ACL;
import hudson.security.ACLContext;
import io.jenkins.plugins.functions.jenkins.config.FunctionRuntimesConfiguration;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.OrphanSweeper;
import io.jenkins.plugins.functions.kubernetes.OrphanSweeper.BuildStatus;
import io.jenkins.plugins.functions.runtime.NamespacePolicy;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every 15 minutes (the first time 2 minutes after Jenkins started), removes the Jobs, Secrets and ConfigMaps of runs whose build has finished or
 * no longer exists (see {@link OrphanSweeper} for what is kept and the bounds of a pass). It
 * sweeps with each cluster connection builds have used since Jenkins started, in the namespaces
 * runs went to, the default namespace and the allowed namespaces given by name; only objects
 * labelled with this controller's id. Logged at INFO, one line per connection and pass; the
 * task's own log is {@code $JENKINS_HOME/logs/tasks/Function Runtimes orphan sweeper.log}.
 */
@Extension
public class OrphanSweeperWork extends AsyncPeriodicWork {

    private static final Logger LOGGER = Logger.getLogger(OrphanSweeperWork.class.getName());

    /** How often a pass runs. */
    public static final long PERIOD_MILLIS = TimeUnit.MINUTES.toMillis(15);

    public OrphanSweeperWork() {
        super("Function Runtimes orphan sweeper");
    }

    @Override
    public long getRecurrencePeriod() {
        return PERIOD_MILLIS;
    }

    /** The first pass soon after Jenkins started. */
    static final long FIRST_PASS_MILLIS = TimeUnit.MINUTES.toMillis(2);

    /**
     * The first pass two minutes after Jenkins started: what builds that did not survive a crash
     * (freestyle builds, which Jenkins does not resume) left goes then. Resumed Pipeline builds are
     * running, and the sweeper keeps everything of a running build.
     */
    @Override
    public long getInitialDelay() {
        return FIRST_PASS_MILLIS;
    }

    @Override
    protected void execute(TaskListener listener) {
        Collection<FunctionEngine> engines = Clusters.engines();
        if (engines.isEmpty()) {
            // after a restart, before any build used it: the configured connection, if it needs no build
            try {
                FunctionEngine configured = Clusters.configuredEngine();
                engines = configured == null ? List.of() : List.of(configured);
            } catch (java.io.IOException | RuntimeException e) {
                LOGGER.log(Level.FINE, "the configured cluster connection could not be made", e);
            }
        }
        if (engines.isEmpty()) {
            LOGGER.log(Level.FINE, "no cluster connection used since Jenkins started: nothing to sweep");
            return;
        }
        FunctionRuntimesConfiguration config = FunctionRuntimesConfiguration.get();
        OrphanSweeper.Options options = OrphanSweeper.Options.defaults().withController(config.getControllerId());
        Map<FunctionEngine, Set<String>> targets = new LinkedHashMap<>();
        for (FunctionEngine engine : engines) {
            targets.put(engine, namespaces(engine, config.getNamespace(), config.getAllowedNamespaces()));
        }
        sweep(targets, options, OrphanSweeperWork::findBuild, listener.getLogger());
    }

    /**
     * Where an engine sweeps: the namespaces its runs went to, the configured default namespace
     * (else the connection's), and the allowed namespaces given by name. Namespaces only a pattern
     * allows are swept once a run went there: listing namespaces would need a cluster-wide role.
     */
    static Set<String> namespaces(FunctionEngine engine, String configuredDefault, String allowed) {
        Set<String> namespaces = new LinkedHashSet<>(engine.namespacesUsed());
        String defaultNamespace = configuredDefault != null ? configuredDefault
                : engine.client().getNamespace() != null ? engine.client().getNamespace() : Clusters.FALLBACK_NAMESPACE;
        namespaces.add(defaultNamespace);
        try {
            namespaces.addAll(NamespacePolicy.of(defaultNamespace, NamespacePolicy.parse(allowed)).names());
        } catch (io.jenkins.plugins.functions.spec.SpecException e) {
            LOGGER.log(Level.WARNING, "Function Runtimes: ignoring the allowed namespaces for the orphan sweeper: {0}",
                    e.getMessage());
        }
        return namespaces;
    }

    /**
     * One pass with each engine; logs a line per engine at INFO (WARNING if something failed),
     * and to {@code log}.
     *
     * @param findBuild a build by its {@code folder/job#12} id, or null if there is none
     * @return what each engine's pass did
     */
    static List<OrphanSweeper.Result> sweep(Map<FunctionEngine, ? extends Collection<String>> targets,
            OrphanSweeper.Options options, Function<String, Run<?, ?>> findBuild, PrintStream log) {
        List<OrphanSweeper.Result> results = new ArrayList<>();
        for (Map.Entry<FunctionEngine, ? extends Collection<String>> target : targets.entrySet()) {
            OrphanSweeper.Result result;
            try {
                result = target.getKey().sweepOrphans(target.getValue(),
                        (job, number, runId) -> status(findBuild, job, number), options);
            } catch (RuntimeException e) {
                LOGGER.log(Level.WARNING, "Function Runtimes orphan sweep with " + target.getKey().client().getMasterUrl()
                        + " failed", e);
                continue;
            }
            String line = "Function Runtimes orphan sweep (" + target.getKey().client().getMasterUrl() + "): " + result;
            LOGGER.log(result.errors().isEmpty() ? Level.INFO : Level.WARNING, line);
            if (log != null) {
                log.println(line);
                result.deletedObjects().forEach(o -> log.println("  deleted " + o));
                result.errors().forEach(e -> log.println("  error: " + e));
            }
            results.add(result);
        }
        return results;
    }

    /** What became of build {@code job#number}: null is GONE, building is RUNNING, else FINISHED. */
    static BuildStatus status(Function<String, Run<?, ?>> findBuild, String job, int number) {
        Run<?, ?> build = findBuild.apply(job + "#" + number);
        if (build == null) {
            return BuildStatus.GONE;
        }
        return build.isBuilding() ? BuildStatus.RUNNING : BuildStatus.FINISHED;
    }

    /**
     * The build, looked up as the system: the pass runs on a timer thread, and a lookup as
     * anonymous would not see the job and call its runs' objects orphans.
     */
    private static Run<?, ?> findBuild(String externalizableId) {
        try (ACLContext ignored = ACL.as2(ACL.SYSTEM2)) {
            return Run.fromExternalizableId(externalizableId);
        }
    }
}
