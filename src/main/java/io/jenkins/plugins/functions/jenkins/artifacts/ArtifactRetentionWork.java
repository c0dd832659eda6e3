package io.jenkins.plugins.functions.jenkins.artifacts;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.security.ACL;
import hudson.security.ACLContext;
import io.jenkins.plugins.functions.jenkins.config.ArtifactStoreConfig;
import io.jenkins.plugins.functions.jenkins.config.FunctionRuntimesConfiguration;
import io.jenkins.plugins.functions.jenkins.config.ProfileConfig;
import io.jenkins.plugins.functions.model.StoreKeys;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every hour (the first time an hour after Jenkins started, when every job is loaded), deletes
 * from each configured artifact store the artifacts of builds that no longer exist, unless the
 * store says {@code retention: keep} (see {@link ArtifactRetention} for what is kept and the bounds
 * of a pass). The stores are the global one and the profiles' own, each once; the key is the
 * store's credential as Jenkins itself finds it. Logged at INFO, one line per store and pass
 * (WARNING when something failed); the task's own log, with each build prefix deleted, is
 * {@code $JENKINS_HOME/logs/tasks/Function Runtimes artifact retention.log}.
 */
@Extension
public class ArtifactRetentionWork extends AsyncPeriodicWork {

    private static final Logger LOGGER = Logger.getLogger(ArtifactRetentionWork.class.getName());

    /** How often a pass runs. */
    public static final long PERIOD_MILLIS = TimeUnit.HOURS.toMillis(1);

    private final ArtifactRetention retention = new ArtifactRetention();

    public ArtifactRetentionWork() {
        super("Function Runtimes artifact retention");
    }

    @Override
    public long getRecurrencePeriod() {
        return PERIOD_MILLIS;
    }

    /** The first pass a whole period after Jenkins started: a job not loaded yet would look deleted. */
    @Override
    public long getInitialDelay() {
        return PERIOD_MILLIS;
    }

    /** A store to sweep, with its key (null when its credential cannot be found). */
    record Target(StoreAccess access, StoreKeys keys) {
    }

    @Override
    protected void execute(TaskListener listener) {
        List<Target> targets = new ArrayList<>();
        for (StoreAccess access : stores(FunctionRuntimesConfiguration.get())) {
            targets.add(new Target(access, access.credentialsId() == null ? null : keys(access.credentialsId())));
        }
        sweep(retention, targets, ArtifactRetentionWork::buildExists, ArtifactRetention.Limits.defaults(),
                listener.getLogger());
    }

    /**
     * The configured stores, each once (by endpoint, bucket and root): the global one, then the
     * profiles'. A store configured twice with different retentions is kept: never delete what
     * one of its configurations keeps.
     */
    static List<StoreAccess> stores(FunctionRuntimesConfiguration config) {
        Map<String, StoreAccess> stores = new LinkedHashMap<>();
        List<ArtifactStoreConfig> configured = new ArrayList<>();
        if (config.getArtifactStore() != null) {
            configured.add(config.getArtifactStore());
        }
        for (ProfileConfig p : config.getProfiles()) {
            if (p.getArtifactStore() != null) {
                configured.add(p.getArtifactStore());
            }
        }
        for (ArtifactStoreConfig c : configured) {
            StoreAccess access = c.toAccess();
            stores.merge(id(access), access, (a, b) -> a.retention() == StoreAccess.Retention.KEEP ? a : b);
        }
        return new ArrayList<>(stores.values());
    }

    private static String id(StoreAccess access) {
        return access.store().endpoint() + " " + access.store().uri(access.store().root());
    }

    /**
     * One pass over each store; logs a line per store at INFO (WARNING if something failed), and
     * to {@code log} each deleted build's prefix.
     *
     * @param buildExists whether the build of an id ({@code folder/job#12}) exists
     * @return what each store's pass did (stores kept by their configuration or without a key: none)
     */
    static List<ArtifactRetention.Result> sweep(ArtifactRetention retention, List<Target> targets,
            Predicate<String> buildExists, ArtifactRetention.Limits limits, PrintStream log) {
        List<ArtifactRetention.Result> results = new ArrayList<>();
        for (Target target : targets) {
            StoreAccess access = target.access();
            String where = access.store().uri(access.store().root().isEmpty() ? "" : access.store().root() + "/");
            if (access.retention() == StoreAccess.Retention.KEEP) {
                LOGGER.log(Level.FINE, "Function Runtimes artifact retention ({0}): kept, as configured", where);
                continue;
            }
            if (target.keys() == null) {
                String line = "Function Runtimes artifact retention (" + where + "): skipped, the store's credential '"
                        + access.credentialsId() + "' is not a username with password Jenkins can find";
                LOGGER.log(Level.WARNING, line);
                print(log, line);
                continue;
            }
            List<String> others = new ArrayList<>();
            for (Target t : targets) {
                if (t != target && t.access().store().endpoint().equals(access.store().endpoint())
                        && t.access().store().bucket().equals(access.store().bucket())) {
                    others.add(t.access().store().root());
                }
            }
            ArtifactRetention.Result result;
            try (ArtifactStoreClient client = new ArtifactStoreClient(access.store(), target.keys())) {
                result = retention.pass(access, client, others, buildExists, limits);
            } catch (RuntimeException e) {
                LOGGER.log(Level.WARNING, "Function Runtimes artifact retention (" + where + ") failed", e);
                continue;
            }
            String line = "Function Runtimes artifact retention (" + result + ")";
            LOGGER.log(result.errors().isEmpty() ? Level.INFO : Level.WARNING, line);
            print(log, line);
            result.deleted().forEach((prefix, count) -> print(log, "  deleted " + access.store().uri(prefix) + "/ ("
                    + count + (count == 1 ? " object)" : " objects)")));
            results.add(result);
        }
        return results;
    }

    private static void print(PrintStream log, String line) {
        if (log != null) {
            log.println(line);
        }
    }

    /**
     * Whether the build exists (running or not), looked up as the system: the pass runs on a timer
     * thread, and a lookup as anonymous would not see the job and call its artifacts orphans.
     */
    private static boolean buildExists(String externalizableId) {
        try (ACLContext ignored = ACL.as2(ACL.SYSTEM2)) {
            Run<?, ?> build = Run.fromExternalizableId(externalizableId);
            return build != null;
        }
    }

    /** The store's key: its credential as Jenkins itself finds it, or null. */
    private static StoreKeys keys(String credentialsId) {
        StandardUsernamePasswordCredentials c = CredentialsMatchers.firstOrNull(
                CredentialsProvider.lookupCredentialsInItem(StandardUsernamePasswordCredentials.class, null,
                        ACL.SYSTEM2, List.of()), CredentialsMatchers.withId(credentialsId));
        return c == null ? null : new StoreKeys(c.getUsername(), c.getPassword().getPlainText());
    }
}
