package io.jenkins.plugins.functions.runtime;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The labels and names every object of a run carries. The labels are how the engine finds a
 * run's objects again (after a restart, for the orphan sweeper, for the services page) with one
 * label selector per namespace, so they are the same for every runtime.
 */
public final class RunLabels {

    public static final String PREFIX = "functions.jenkins.io/";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGER = "function-runtimes";
    public static final String FUNCTION = PREFIX + "function";
    public static final String VERSION = PREFIX + "version";
    public static final String RUNTIME = PREFIX + "runtime";
    public static final String ACTION = PREFIX + "action";
    public static final String RUN_ID = PREFIX + "run-id";
    /** The Jenkins job's full name, shortened to fit a label value; the annotation keeps it whole. */
    public static final String JENKINS_JOB = PREFIX + "jenkins-job";
    public static final String JENKINS_BUILD = PREFIX + "jenkins-build";
    /**
     * The id of the Jenkins controller that started the run: the orphan sweeper of a controller
     * judges only its own runs' objects, so controllers sharing a namespace leave each other alone.
     */
    public static final String CONTROLLER = PREFIX + "controller";
    /**
     * The git commit the run's build is about (its {@code GIT_COMMIT}, or the GitLab webhook's),
     * when the build knows one: {@code kubectl get pods -l functions.jenkins.io/git-commit=<sha>}.
     */
    public static final String GIT_COMMIT = PREFIX + "git-commit";
    /** Annotations: the unshortened Jenkins job name and the build URL. */
    public static final String JENKINS_JOB_ANNOTATION = PREFIX + "jenkins-job";
    public static final String JENKINS_BUILD_URL_ANNOTATION = PREFIX + "jenkins-build-url";
    /** Annotation: the build's id ({@code folder/job#12}), to find the run of a served function again. */
    public static final String JENKINS_BUILD_ID_ANNOTATION = PREFIX + "jenkins-build-id";

    /** The name of the container that runs the function in every workload's pod. */
    public static final String MAIN_CONTAINER = "function";

    /** The selector shared by every watch of the engine: all objects this plugin manages. */
    public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGER;

    private static final int MAX_LABEL_VALUE = 63;
    private static final int MAX_NAME = 63;
    private static final Pattern NOT_LABEL_CHAR = Pattern.compile("[^A-Za-z0-9._-]+");
    private static final Pattern NOT_NAME_CHAR = Pattern.compile("[^a-z0-9-]+");

    private RunLabels() {
    }

    /** The labels of every object a run creates (and of the pods its workload starts). */
    public static Map<String, String> of(RunRequest request) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, MANAGER);
        labels.put(FUNCTION, labelValue(request.function().name()));
        labels.put(VERSION, request.function().version());
        labels.put(RUNTIME, labelValue(request.function().runtime()));
        labels.put(ACTION, request.action().id());
        labels.put(RUN_ID, request.runId());
        request.origin().forEach((k, v) -> labels.put(k, labelValue(v)));
        return labels;
    }

    /**
     * Whether a label key belongs to the engine ({@code functions.jenkins.io/...} and
     * {@code app.kubernetes.io/managed-by}): a function may not set it, as the engine finds its
     * objects by these labels.
     */
    public static boolean isReserved(String key) {
        return key.startsWith(PREFIX) || key.equals(MANAGED_BY);
    }

    /**
     * The name of a run's workload: {@code <function>-<run id>}, at most 63 characters, so a
     * restarted controller finds the same object by name and a create is never done twice.
     */
    public static String workloadName(RunRequest request) {
        String suffix = "-" + request.runId();
        String base = NOT_NAME_CHAR.matcher(request.function().name().toLowerCase(Locale.ROOT)).replaceAll("-");
        int room = MAX_NAME - suffix.length();
        if (base.length() > room) {
            base = base.substring(0, room);
        }
        base = base.replaceAll("-+$", "");
        return (base.isEmpty() ? "fn" : base) + suffix;
    }

    /**
     * Any text as a valid label value: at most 63 characters of {@code [A-Za-z0-9._-]}, starting
     * and ending with an alphanumeric character ({@code folder/my job} becomes {@code folder_my_job}).
     */
    public static String labelValue(String text) {
        if (text == null) {
            return "";
        }
        String value = NOT_LABEL_CHAR.matcher(text).replaceAll("_");
        if (value.length() > MAX_LABEL_VALUE) {
            // keep the end: the last path segments of a job name say the most
            value = value.substring(value.length() - MAX_LABEL_VALUE);
        }
        value = value.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
        return value;
    }
}
