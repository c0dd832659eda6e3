package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.jenkins.plugins.functions.runtime.RunLabels;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which of the plugin's objects the {@link OrphanSweeper} may judge by their build, read from the
 * object's labels, annotations and age alone (the rules of the sweeper's class comment, before any
 * build lookup), and the label selector of its lists. No client, no state: the sweeper keeps the
 * listing, the build lookups, the counting and the deleting.
 */
final class OrphanRules {

    /** Actions whose objects outlive the build that started them. */
    static final Set<String> SERVICE_ACTIONS = Set.of("serve", "deploy");

    /** Why an object is kept whatever its build's status. */
    enum Kept {
        /** Already being deleted: not counted. */
        GOING,
        /** Not the plugin's, another controller's, or without a Jenkins job annotation or build label. */
        UNATTRIBUTED,
        /** An object of a {@code serve} or {@code deploy} run. */
        SERVICE,
        /** An object of a run this engine follows. */
        FOLLOWED,
        /** Younger than the minimum age. */
        YOUNG
    }

    /**
     * What the labels and age say of one object.
     *
     * @param kept  why it is kept, or null when its build decides
     * @param runId the run's id label, may be null
     * @param job   the Jenkins job's full name, when its build decides
     * @param build the build number, when its build decides
     */
    record Verdict(Kept kept, String runId, String job, Integer build) {

        static Verdict kept(Kept why) {
            return new Verdict(why, null, null, null);
        }
    }

    private OrphanRules() {
    }

    /**
     * The label selector of the lists: the plugin's objects from a Jenkins build, services
     * excluded on the server's side already (and again in {@link #judge}: a selector is only a filter).
     *
     * @param controller only this controller's objects, or null for every Jenkins-made object
     */
    static String selector(String controller) {
        StringBuilder s = new StringBuilder(RunLabels.MANAGED_SELECTOR)
                .append(',').append(RunLabels.JENKINS_BUILD);
        for (String action : SERVICE_ACTIONS.stream().sorted().toList()) {
            s.append(',').append(RunLabels.ACTION).append("!=").append(action);
        }
        if (controller != null) {
            s.append(',').append(RunLabels.CONTROLLER).append('=').append(controller);
        }
        return s.toString();
    }

    /**
     * Judges one listed object by what it says of itself, in the order of the sweeper's rules.
     *
     * @param followed run ids of runs in progress in this process
     */
    static Verdict judge(ObjectMeta meta, OrphanSweeper.Options options, Predicate<String> followed, Instant now) {
        Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels();
        Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
        if (meta.getDeletionTimestamp() != null) {
            return Verdict.kept(Kept.GOING); // already going
        }
        if (!RunLabels.MANAGER.equals(labels.get(RunLabels.MANAGED_BY))
                || options.controller() != null && !options.controller().equals(labels.get(RunLabels.CONTROLLER))) {
            return Verdict.kept(Kept.UNATTRIBUTED);
        }
        if (SERVICE_ACTIONS.contains(labels.get(RunLabels.ACTION))) {
            return Verdict.kept(Kept.SERVICE);
        }
        String runId = labels.get(RunLabels.RUN_ID);
        if (runId != null && followed.test(runId)) {
            return Verdict.kept(Kept.FOLLOWED);
        }
        String job = annotations.get(RunLabels.JENKINS_JOB_ANNOTATION);
        Integer build = number(labels.get(RunLabels.JENKINS_BUILD));
        if (job == null || job.isEmpty() || build == null) {
            return Verdict.kept(Kept.UNATTRIBUTED);
        }
        Instant created = PodReading.time(meta.getCreationTimestamp());
        if (created == null || Duration.between(created, now).compareTo(options.minAge()) < 0) {
            return Verdict.kept(Kept.YOUNG);
        }
        return new Verdict(null, runId, job, build);
    }

    private static Integer number(String text) {
        if (text == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(text);
            return n > 0 ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
