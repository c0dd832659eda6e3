package io.jenkins.plugins.functions.jenkins.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.dabsquared.gitlabjenkins.cause.GitLabWebHookCause;
import hudson.model.Cause;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildTriggerTest {

    private static final String SHA = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";

    static final class User extends Cause.UserIdCause {
        @Override
        public String getUserId() {
            return "ada";
        }

        @Override
        public String getUserName() {
            return "Ada Lovelace";
        }

        @Override
        public String getShortDescription() {
            return "Started by user Ada Lovelace";
        }
    }

    static final class Upstream extends Cause.UpstreamCause {
        Upstream() {
            super(null);
        }

        @Override
        public String getUpstreamProject() {
            return "team/build";
        }

        @Override
        public int getUpstreamBuild() {
            return 41;
        }

        @Override
        public String getUpstreamUrl() {
            return "job/team/job/build/";
        }

        @Override
        public String getShortDescription() {
            return "Started by upstream project team/build build number 41";
        }
    }

    static final class Described extends Cause {
        private final String text;

        Described(String text) {
            this.text = text;
        }

        @Override
        public String getShortDescription() {
            return text;
        }
    }

    @Test
    void aUserCauseNamesTheUserAndTheCheckedOutCommit() {
        BuildTrigger t = BuildTrigger.of(List.of(new User()), Map.of("GIT_COMMIT", SHA.toUpperCase(),
                "BRANCH_NAME", "main"));
        assertThat(t.getKind()).isEqualTo("user");
        assertThat(t.getUserId()).isEqualTo("ada");
        assertThat(t.getUserName()).isEqualTo("Ada Lovelace");
        assertThat(t.getCommit()).isEqualTo(SHA);
        assertThat(t.getBranch()).isEqualTo("main");
        assertThat(t.getSummary()).isEqualTo("Started by user Ada Lovelace at a1b2c3d4e5f6");
    }

    @Test
    void anUpstreamCauseNamesTheUpstreamBuild() {
        BuildTrigger t = BuildTrigger.of(List.of(new Upstream()), Map.of());
        assertThat(t.getKind()).isEqualTo("upstream");
        assertThat(t.getUpstreamJob()).isEqualTo("team/build");
        assertThat(t.getUpstreamBuild()).isEqualTo(41);
        assertThat(t.getUpstreamUrl()).isEqualTo("job/team/job/build/");
        assertThat(t.getSummary()).isEqualTo("upstream team/build #41");
    }

    @Test
    void theGitLabCauseWinsOverOthersAndItsVariablesAreRead() {
        BuildTrigger t = BuildTrigger.of(List.of(new Described("Started by timer"), new GitLabWebHookCause()),
                Map.of("gitlabBranch", "main", "gitlabActionType", "PUSH", "gitlabUserName", "Ada",
                        "gitlabAfter", SHA, "gitlabSourceRepoHomepage", "https://gitlab.example.com/team/app"));
        assertThat(t.getKind()).isEqualTo("gitlab");
        assertThat(t.getBranch()).isEqualTo("main");
        assertThat(t.getMergeRequest()).isNull();
        assertThat(t.getGitlabAction()).isEqualTo("PUSH");
        assertThat(t.getRepository()).isEqualTo("https://gitlab.example.com/team/app");
        assertThat(t.getCommit()).isEqualTo(SHA);
        assertThat(t.getSummary()).isEqualTo("GitLab push (main) by Ada at a1b2c3d4e5f6");
    }

    @Test
    void causesOfClassesThePluginDoesNotLinkToAreKnownByName() {
        assertThat(BuildTrigger.kindByName(List.of("hudson.triggers.TimerTrigger$TimerTriggerCause",
                "hudson.model.Cause"))).isEqualTo("timer");
        assertThat(BuildTrigger.kindByName(List.of("hudson.triggers.SCMTrigger$SCMTriggerCause",
                "hudson.model.Cause"))).isEqualTo("scm");
        assertThat(BuildTrigger.kindByName(List.of("jenkins.branch.BranchEventCause", "hudson.model.Cause")))
                .isEqualTo("scm");
        assertThat(BuildTrigger.kindByName(List.of("com.dabsquared.gitlabjenkins.cause.GitLabWebHookCause",
                "hudson.triggers.SCMTrigger$SCMTriggerCause", "hudson.model.Cause")))
                .as("the GitLab cause is an SCM cause, and more").isEqualTo("gitlab");
        assertThat(BuildTrigger.kindByName(List.of("hudson.model.Cause$RemoteCause"))).isEqualTo("remote");
        assertThat(BuildTrigger.kindByName(List.of("org.example.SomeCause"))).isEqualTo("other");
    }

    @Test
    void aCommitMustBeACommitId() {
        assertThat(BuildTrigger.commitOf(Map.of("gitlabAfter", "0000000000000000000000000000000000000000")))
                .as("a deleted branch").isNull();
        assertThat(BuildTrigger.commitOf(Map.of("GIT_COMMIT", "main; rm -rf /"))).isNull();
        assertThat(BuildTrigger.commitOf(Map.of("GIT_COMMIT", "abc1234", "gitlabAfter", SHA)))
                .as("what was checked out wins").isEqualTo("abc1234");
    }

    @Test
    void unknownCausesKeepTheirDescriptionAndNoCausesAreOther() {
        assertThat(BuildTrigger.of(List.of(new Described("Replayed #4")), null).getSummary()).isEqualTo("Replayed #4");
        BuildTrigger none = BuildTrigger.of(List.of(), Map.of());
        assertThat(none.getKind()).isEqualTo("other");
        assertThat(none.getSummary()).isEqualTo("other");
    }
}
