package io.jenkins.plugins.functions.jenkins.history;

import hudson.model.Cause;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * What started the build a run belongs to: a user, an SCM change, an upstream build, a timer, a
 * GitLab webhook (with its branch, merge request, commit and user), a remote call, or something
 * else. Taken once, when the run starts, from the build's causes and environment.
 *
 * <p>The GitLab plugin is not a dependency: its cause is recognised by class name, and its data
 * is read from the environment variables it sets ({@code gitlabSourceBranch},
 * {@code gitlabMergeRequestIid}, ...). Only those named variables are read; nothing else of the
 * environment (which may hold secrets) is kept.
 *
 * <p>Persisted inside {@link FunctionRunAction} (build.xml): a plain class of strings and numbers,
 * never renamed or moved. Immutable.
 */
@ExportedBean(defaultVisibility = 2)
public final class BuildTrigger implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The kinds, as exported: stable names. */
    public static final String USER = "user";
    public static final String SCM = "scm";
    public static final String UPSTREAM = "upstream";
    public static final String TIMER = "timer";
    public static final String GITLAB = "gitlab";
    public static final String REMOTE = "remote";
    public static final String OTHER = "other";

    static final String GITLAB_CAUSE = "com.dabsquared.gitlabjenkins.cause.GitLabWebHookCause";
    static final String TIMER_CAUSE = "hudson.triggers.TimerTrigger$TimerTriggerCause";
    static final String SCM_CAUSE = "hudson.triggers.SCMTrigger$SCMTriggerCause";
    /** Multibranch: a branch found by indexing, or by an event of the SCM (a webhook). */
    static final List<String> BRANCH_CAUSES = List.of("jenkins.branch.BranchIndexingCause",
            "jenkins.branch.BranchEventCause");
    static final String REMOTE_CAUSE = "hudson.model.Cause$RemoteCause";

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,64}");
    private static final Pattern ZEROS = Pattern.compile("0+");
    private static final int MAX_TEXT = 256;

    private final String kind;
    private final String description;
    private final String userId;
    private final String userName;
    private final String upstreamJob;
    private final Integer upstreamBuild;
    private final String upstreamUrl;
    private final String branch;
    private final String targetBranch;
    private final String mergeRequest;
    private final String commit;
    private final String gitlabAction;
    private final String repository;

    /** For the JSON reader of run records ({@link RunFiles}), which sets the fields. */
    private BuildTrigger() {
        this(new Builder(null));
    }

    private BuildTrigger(Builder b) {
        this.kind = b.kind;
        this.description = cut(b.description);
        this.userId = cut(b.userId);
        this.userName = cut(b.userName);
        this.upstreamJob = cut(b.upstreamJob);
        this.upstreamBuild = b.upstreamBuild;
        this.upstreamUrl = cut(b.upstreamUrl);
        this.branch = cut(b.branch);
        this.targetBranch = cut(b.targetBranch);
        this.mergeRequest = cut(b.mergeRequest);
        this.commit = b.commit;
        this.gitlabAction = cut(b.gitlabAction);
        this.repository = cut(b.repository);
    }

    /**
     * What started a build, from its causes (in Jenkins' order) and its environment. The most
     * telling cause wins: a GitLab webhook, then a user, an upstream build, an SCM change, a
     * timer, a remote call; otherwise the first cause's description.
     *
     * @param env the build's environment variables (only the git and GitLab ones are read)
     */
    public static BuildTrigger of(List<? extends Cause> causes, Map<String, String> env) {
        Map<String, String> vars = env == null ? Map.of() : env;
        Builder b = new Builder(OTHER);
        Cause chosen = pick(causes);
        if (chosen != null) {
            b.description = safeDescription(chosen);
            String kind = kindOf(chosen);
            b.kind = kind;
            if (chosen instanceof Cause.UserIdCause user) {
                b.userId = user.getUserId();
                b.userName = user.getUserName();
            } else if (chosen instanceof Cause.UpstreamCause up) {
                b.upstreamJob = up.getUpstreamProject();
                b.upstreamBuild = up.getUpstreamBuild();
                b.upstreamUrl = up.getUpstreamUrl();
            }
        }
        // The GitLab plugin's variables: also when its cause was not found (a replayed build keeps them).
        boolean gitlab = GITLAB.equals(b.kind);
        if (gitlab || vars.containsKey("gitlabSourceBranch") || vars.containsKey("gitlabBranch")) {
            b.branch = first(vars, "gitlabSourceBranch", "gitlabBranch");
            b.targetBranch = blankToNull(vars.get("gitlabTargetBranch"));
            b.mergeRequest = blankToNull(vars.get("gitlabMergeRequestIid"));
            b.gitlabAction = blankToNull(vars.get("gitlabActionType"));
            b.repository = first(vars, "gitlabSourceRepoHomepage", "gitlabSourceRepoName");
            if (gitlab) {
                // The webhook's user, not a Jenkins user id.
                b.userName = first(vars, "gitlabUserName", "gitlabUserUsername");
                b.userId = blankToNull(vars.get("gitlabUserUsername"));
            }
        }
        if (b.branch == null) {
            b.branch = first(vars, "BRANCH_NAME", "GIT_BRANCH");
        }
        b.commit = commitOf(vars);
        return new BuildTrigger(b);
    }

    /**
     * The commit the build is about: what the build checked out ({@code GIT_COMMIT}), else the
     * head of the GitLab merge request, else the commit a GitLab push ended at; null when none is
     * a commit id (a deleted branch's push ends at {@code 0000000...}).
     */
    static String commitOf(Map<String, String> env) {
        for (String name : List.of("GIT_COMMIT", "gitlabMergeRequestLastCommit", "gitlabAfter")) {
            String value = env.get(name);
            if (value != null) {
                String v = value.trim().toLowerCase(Locale.ROOT);
                if (COMMIT.matcher(v).matches() && !ZEROS.matcher(v).matches()) {
                    return v;
                }
            }
        }
        return null;
    }

    private static Cause pick(List<? extends Cause> causes) {
        if (causes == null || causes.isEmpty()) {
            return null;
        }
        for (String kind : List.of(GITLAB, USER, UPSTREAM, SCM, TIMER, REMOTE)) {
            for (Cause c : causes) {
                if (c != null && kind.equals(kindOf(c))) {
                    return c;
                }
            }
        }
        return causes.get(0);
    }

    /** The kind of a cause; by class name for the causes of classes this plugin does not link to. */
    static String kindOf(Cause cause) {
        if (cause instanceof Cause.UserIdCause) {
            return USER;
        }
        if (cause instanceof Cause.UpstreamCause) {
            return UPSTREAM;
        }
        List<String> names = new java.util.ArrayList<>();
        for (Class<?> c = cause.getClass(); c != null; c = c.getSuperclass()) {
            names.add(c.getName());
        }
        return kindByName(names);
    }

    /** The kind of a cause from its class's name and its superclasses' names. */
    static String kindByName(List<String> classNames) {
        if (classNames.contains(GITLAB_CAUSE)) {
            return GITLAB; // before SCM: the GitLab cause is an SCMTriggerCause
        }
        if (classNames.contains(SCM_CAUSE) || BRANCH_CAUSES.stream().anyMatch(classNames::contains)) {
            return SCM;
        }
        if (classNames.contains(TIMER_CAUSE)) {
            return TIMER;
        }
        if (classNames.contains(REMOTE_CAUSE)) {
            return REMOTE;
        }
        return OTHER;
    }

    private static String safeDescription(Cause cause) {
        try {
            return cause.getShortDescription();
        } catch (RuntimeException e) {
            return cause.getClass().getSimpleName();
        }
    }

    private static String first(Map<String, String> env, String... names) {
        for (String n : names) {
            String v = blankToNull(env.get(n));
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String cut(String s) {
        return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
    }

    /** {@code user}, {@code scm}, {@code upstream}, {@code timer}, {@code gitlab}, {@code remote} or {@code other}. */
    @Exported
    public String getKind() {
        return kind;
    }

    /** Jenkins' own sentence for the cause ("Started by user Ada"). */
    @Exported
    public String getDescription() {
        return description;
    }

    /** The Jenkins user id ({@code user}), or the GitLab username ({@code gitlab}). */
    @Exported
    public String getUserId() {
        return userId;
    }

    @Exported
    public String getUserName() {
        return userName;
    }

    /** The upstream job's full name ({@code upstream}). */
    @Exported
    public String getUpstreamJob() {
        return upstreamJob;
    }

    @Exported
    public Integer getUpstreamBuild() {
        return upstreamBuild;
    }

    /** The upstream job's URL relative to Jenkins ({@code job/a/}). */
    @Exported
    public String getUpstreamUrl() {
        return upstreamUrl;
    }

    /** The branch built: GitLab's source branch, else {@code BRANCH_NAME} or {@code GIT_BRANCH}. */
    @Exported
    public String getBranch() {
        return branch;
    }

    /** A GitLab merge request's target branch. */
    @Exported
    public String getTargetBranch() {
        return targetBranch;
    }

    /** A GitLab merge request's number in its project ({@code gitlabMergeRequestIid}). */
    @Exported
    public String getMergeRequest() {
        return mergeRequest;
    }

    /** The git commit (lower-case hex), or null when the build knows none. */
    @Exported
    public String getCommit() {
        return commit;
    }

    /** GitLab's event type ({@code PUSH}, {@code MERGE}, {@code NOTE}, ...). */
    @Exported
    public String getGitlabAction() {
        return gitlabAction;
    }

    /** The GitLab project (its home page, else its name). */
    @Exported
    public String getRepository() {
        return repository;
    }

    /** A short line for pages: "GitLab merge request !12 (feature/x) by ada at 1a2b3c4". */
    public String getSummary() {
        StringBuilder s = new StringBuilder();
        switch (kind) {
            case GITLAB -> {
                s.append("GitLab ").append(mergeRequest != null ? "merge request !" + mergeRequest
                        : gitlabAction != null ? gitlabAction.toLowerCase(Locale.ROOT) : "webhook");
                if (branch != null) {
                    s.append(" (").append(branch).append(targetBranch != null ? " → " + targetBranch : "").append(')');
                }
                if (userName != null) {
                    s.append(" by ").append(userName);
                }
            }
            case UPSTREAM -> s.append("upstream ").append(upstreamJob).append(" #").append(upstreamBuild);
            default -> s.append(description != null ? description : kind);
        }
        if (commit != null) {
            s.append(" at ").append(commit, 0, Math.min(12, commit.length()));
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return "BuildTrigger[" + getSummary() + "]";
    }

    private static final class Builder {
        String kind;
        String description;
        String userId;
        String userName;
        String upstreamJob;
        Integer upstreamBuild;
        String upstreamUrl;
        String branch;
        String targetBranch;
        String mergeRequest;
        String commit;
        String gitlabAction;
        String repository;

        Builder(String kind) {
            this.kind = kind;
        }
    }
}
