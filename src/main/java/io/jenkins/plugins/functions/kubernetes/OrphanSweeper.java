package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.functions.runtime.RunLabels;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Removes what runs left behind: Jobs, Secrets and ConfigMaps with the plugin's labels whose
 * Jenkins build has finished or no longer exists. Runs normally clean up after themselves; this
 * catches the rest (a controller that crashed and never came back for a run, a delete that failed,
 * a build deleted while its run went on).
 *
 * <p>What is never removed:
 * <ul>
 *   <li>objects of services ({@link RunLabels#ACTION} {@code serve} or {@code deploy}): they
 *       outlive the build that started them;
 *   <li>objects of a build that is still running, or of a run this engine follows;
 *   <li>objects younger than {@link Options#minAge()}, so a run that has just started is never
 *       judged before its build is visible;
 *   <li>objects without a Jenkins origin (no {@link RunLabels#JENKINS_BUILD} label or no
 *       {@link RunLabels#JENKINS_JOB_ANNOTATION} annotation: runs from the command line, or a
 *       runtime that does not annotate them), and, with {@link Options#controller()} set, objects
 *       of another Jenkins controller;
 *   <li>objects already being deleted; objects whose build could not be looked up.
 * </ul>
 *
 * <p>Cheap for the API server: one label-selected, paginated list per kind and namespace
 * ({@link Options#pageSize()} objects per request, at most {@link Options#maxListed()} objects
 * per pass), one build lookup per build, at most {@link Options#maxDeletions()} deletions per
 * pass (with background propagation, so a Job takes its pods along). What is left over waits for
 * the next pass. Plain Java: Jenkins answers {@link Builds} from its build records.
 */
public final class OrphanSweeper {

    private static final Logger LOGGER = Logger.getLogger(OrphanSweeper.class.getName());

    /** What became of the build that started a run. */
    public enum BuildStatus {
        /** The build is still running: its objects are kept. */
        RUNNING,
        /** The build has finished: its run's objects are orphans. */
        FINISHED,
        /** The job or the build no longer exists: its run's objects are orphans. */
        GONE
    }

    /** Answers what became of a build; may throw, which keeps the objects of that build. */
    @FunctionalInterface
    public interface Builds {
        /**
         * @param jenkinsJob  the job's full name, from the {@link RunLabels#JENKINS_JOB_ANNOTATION} annotation
         * @param buildNumber the build number, from the {@link RunLabels#JENKINS_BUILD} label
         * @param runId       the run's id, for the log
         */
        BuildStatus status(String jenkinsJob, int buildNumber, String runId);
    }

    /**
     * The bounds of one pass.
     *
     * @param minAge       objects younger than this are kept whatever their build's status
     * @param pageSize     objects per list request ({@code limit})
     * @param maxDeletions at most this many deletions per pass
     * @param maxListed    at most this many objects listed per pass, over all kinds and namespaces
     * @param controller   only objects labelled {@link RunLabels#CONTROLLER} with this value (the
     *                     controller's id), or null for every Jenkins-made object
     */
    public record Options(Duration minAge, int pageSize, int maxDeletions, int maxListed, String controller) {

        public Options {
            Objects.requireNonNull(minAge, "minAge");
            if (minAge.isNegative() || pageSize < 1 || maxDeletions < 0 || maxListed < 1) {
                throw new IllegalArgumentException("minAge >= 0, pageSize >= 1, maxDeletions >= 0, maxListed >= 1;"
                        + " got " + minAge + ", " + pageSize + ", " + maxDeletions + ", " + maxListed);
            }
        }

        /** Ten minutes, 100 per page, 100 deletions and 5000 objects per pass, any controller. */
        public static Options defaults() {
            return new Options(Duration.ofMinutes(10), 100, 100, 5000, null);
        }

        public Options withMinAge(Duration value) {
            return new Options(value, pageSize, maxDeletions, maxListed, controller);
        }

        public Options withPageSize(int value) {
            return new Options(minAge, value, maxDeletions, maxListed, controller);
        }

        public Options withMaxDeletions(int value) {
            return new Options(minAge, pageSize, value, maxListed, controller);
        }

        public Options withMaxListed(int value) {
            return new Options(minAge, pageSize, maxDeletions, value, controller);
        }

        public Options withController(String value) {
            return new Options(minAge, pageSize, maxDeletions, maxListed, value);
        }
    }

    /** What one pass did. */
    public static final class Result {
        private final Set<String> namespaces = new LinkedHashSet<>();
        private final Map<String, Integer> deleted = new LinkedHashMap<>();
        private final List<String> deletedObjects = new ArrayList<>();
        private final List<String> errors = new ArrayList<>();
        private final List<String> notAllowed = new ArrayList<>();
        private int requests;
        private int listed;
        private int running;
        private int young;
        private int services;
        private int unattributed;
        private int active;
        private boolean deletionCapReached;
        private boolean listCapReached;

        /** The namespaces looked at. */
        public Set<String> namespaces() {
            return namespaces;
        }

        /** Objects deleted, by kind. */
        public Map<String, Integer> deletedByKind() {
            return deleted;
        }

        public int deleted() {
            return deleted.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** {@code Kind namespace/name} of each deleted object. */
        public List<String> deletedObjects() {
            return deletedObjects;
        }

        /** List and delete requests sent. */
        public int requests() {
            return requests;
        }

        public int listed() {
            return listed;
        }

        /** Kept: the build still runs. */
        public int running() {
            return running;
        }

        /** Kept: younger than the minimum age. */
        public int young() {
            return young;
        }

        /** Kept: objects of {@code serve} or {@code deploy} runs. */
        public int services() {
            return services;
        }

        /** Kept: no Jenkins job annotation or build label to judge them by. */
        public int unattributed() {
            return unattributed;
        }

        /** Kept: a run this engine follows. */
        public int active() {
            return active;
        }

        /** What went wrong (a list or delete refused, a build lookup that failed); kept. */
        public List<String> errors() {
            return errors;
        }

        /**
         * {@code Kind namespace} of the Secrets and ConfigMaps the account may not list (HTTP 403):
         * skipped, not an error. The container runtime creates neither, and {@code list} on Secrets
         * reads their values, so the minimal Role leaves them out.
         */
        public List<String> notAllowed() {
            return notAllowed;
        }

        /** The deletion cap stopped the pass: more orphans may be left for the next one. */
        public boolean deletionCapReached() {
            return deletionCapReached;
        }

        /** The list cap stopped the pass before every object was looked at. */
        public boolean listCapReached() {
            return listCapReached;
        }

        /** One line for a log. */
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            b.append("listed ").append(listed).append(" object(s) in ").append(namespaces.size())
                    .append(" namespace(s) ").append(namespaces).append(" with ").append(requests)
                    .append(" request(s); deleted ").append(deleted());
            if (!deleted.isEmpty()) {
                b.append(" (").append(deleted.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", "))).append(")");
            }
            b.append("; kept ").append(running).append(" of running builds, ").append(young)
                    .append(" too young, ").append(services).append(" of services, ").append(active)
                    .append(" followed now, ").append(unattributed).append(" without a Jenkins build");
            if (deletionCapReached) {
                b.append("; deletion cap reached, the rest waits for the next pass");
            }
            if (listCapReached) {
                b.append("; list cap reached, the rest waits for the next pass");
            }
            if (!notAllowed.isEmpty()) {
                b.append("; not allowed to list ").append(String.join(", ", notAllowed));
            }
            if (!errors.isEmpty()) {
                b.append("; ").append(errors.size()).append(" error(s), first: ").append(errors.get(0));
            }
            return b.toString();
        }
    }

    /** One kind of object the sweeper looks at: how to list a page and how to delete one. */
    private record Kind(String name,
                        BiFunction<String, ListOptions, KubernetesResourceList<? extends HasMetadata>> list,
                        BiFunction<String, String, Boolean> delete) {}

    private final KubernetesClient client;
    private final Options options;
    private final Clock clock;
    private final Predicate<String> followed;
    private final List<Kind> kinds;

    /**
     * @param followed run ids of runs in progress in this process: never swept, whatever the
     *                 build lookup says
     */
    public OrphanSweeper(KubernetesClient client, Options options, Clock clock, Predicate<String> followed) {
        this.client = Objects.requireNonNull(client, "client");
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.followed = followed == null ? id -> false : followed;
        this.kinds = List.of(
                new Kind("Job", (ns, o) -> client.batch().v1().jobs().inNamespace(ns).list(o),
                        (ns, name) -> !client.batch().v1().jobs().inNamespace(ns).withName(name)
                                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete().isEmpty()),
                new Kind("Secret", (ns, o) -> client.secrets().inNamespace(ns).list(o),
                        (ns, name) -> !client.secrets().inNamespace(ns).withName(name)
                                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete().isEmpty()),
                new Kind("ConfigMap", (ns, o) -> client.configMaps().inNamespace(ns).list(o),
                        (ns, name) -> !client.configMaps().inNamespace(ns).withName(name)
                                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete().isEmpty()));
    }

    public Options options() {
        return options;
    }

    /**
     * The label selector of the lists: the plugin's objects from a Jenkins build, services
     * excluded on the server's side already (and again in OrphanRules: a selector is only a filter).
     */
    public String selector() {
        return OrphanRules.selector(options.controller());
    }

    /** One pass over the namespaces; returns what it did. Never throws for a cluster error. */
    public Result sweep(Collection<String> namespaces, Builds builds) {
        Objects.requireNonNull(builds, "builds");
        Result result = new Result();
        Map<String, BuildStatus> statuses = new HashMap<>();
        Instant now = clock.instant();
        for (String namespace : new LinkedHashSet<>(namespaces)) {
            result.namespaces.add(namespace);
            for (Kind kind : kinds) {
                if (stopped(result)) {
                    return result;
                }
                sweepKind(namespace, kind, builds, statuses, now, result);
            }
        }
        return result;
    }

    private boolean stopped(Result result) {
        return result.deletionCapReached || result.listCapReached;
    }

    private void sweepKind(String namespace, Kind kind, Builds builds, Map<String, BuildStatus> statuses,
            Instant now, Result result) {
        String token = null;
        do {
            int room = options.maxListed() - result.listed;
            if (room <= 0) {
                result.listCapReached = true;
                return;
            }
            ListOptions list = new ListOptionsBuilder().withLabelSelector(selector())
                    .withLimit((long) Math.min(options.pageSize(), room)).withContinue(token).build();
            KubernetesResourceList<? extends HasMetadata> page;
            try {
                result.requests++;
                page = kind.list().apply(namespace, list);
            } catch (KubernetesClientException e) {
                if (e.getCode() == 403 && !"Job".equals(kind.name())) {
                    result.notAllowed.add(kind.name() + "s in " + namespace);
                    return;
                }
                // 403 on Jobs: the Role lacks list; 410: the continue token expired.
                result.errors.add("cannot list " + kind.name() + "s in namespace '" + namespace + "': "
                        + FunctionEngine.describe(e));
                return;
            }
            for (HasMetadata item : page.getItems()) {
                result.listed++;
                judge(namespace, kind, item, builds, statuses, now, result);
                if (stopped(result)) {
                    return;
                }
            }
            token = page.getMetadata() == null ? null : page.getMetadata().getContinue();
        } while (token != null && !token.isEmpty());
    }

    private void judge(String namespace, Kind kind, HasMetadata item, Builds builds,
            Map<String, BuildStatus> statuses, Instant now, Result result) {
        ObjectMeta meta = item.getMetadata();
        OrphanRules.Verdict verdict = OrphanRules.judge(meta, options, followed, now);
        if (verdict.kept() != null) {
            switch (verdict.kept()) {
                case GOING -> { } // already going
                case UNATTRIBUTED -> result.unattributed++;
                case SERVICE -> result.services++;
                case FOLLOWED -> result.active++;
                case YOUNG -> result.young++;
            }
            return;
        }
        String runId = verdict.runId();
        String job = verdict.job();
        int build = verdict.build();
        String buildId = job + "#" + build;
        BuildStatus status = statuses.get(buildId);
        if (status == null) {
            try {
                status = Objects.requireNonNull(builds.status(job, build, runId), "build status");
            } catch (RuntimeException e) {
                result.errors.add("cannot tell whether build " + buildId + " is running: " + e);
                return;
            }
            statuses.put(buildId, status);
        }
        if (status == BuildStatus.RUNNING) {
            result.running++;
            return;
        }
        if (result.deleted() >= options.maxDeletions()) {
            result.deletionCapReached = true;
            return;
        }
        String what = kind.name() + " " + namespace + "/" + meta.getName();
        try {
            result.requests++;
            if (kind.delete().apply(namespace, meta.getName())) {
                result.deleted.merge(kind.name(), 1, Integer::sum);
                result.deletedObjects.add(what);
                LOGGER.log(Level.INFO, "Deleted orphaned {0} of run {1}: build {2} {3}",
                        new Object[] {what, runId, buildId, status == BuildStatus.GONE ? "no longer exists" : "has finished"});
            }
        } catch (KubernetesClientException e) {
            result.errors.add("cannot delete " + what + ": " + FunctionEngine.describe(e));
        }
    }
}
