package io.jenkins.plugins.functions.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.util.FormValidation.Kind;
import io.jenkins.plugins.functions.jenkins.config.ProfileConfig;
import io.jenkins.plugins.functions.jenkins.forms.FakeItem;
import io.jenkins.plugins.functions.jenkins.forms.TestFormContext;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Pipeline steps' forms (the Snippet Generator's), checked as they are typed with the same
 * engine rules as the freestyle builders. A snippet's values are Groovy string literals, so
 * {@code ${...}} is text here, checked like any other.
 */
class StepFormChecksTest {

    private final TestFormContext jenkins = new TestFormContext().install();
    private final RunFunctionStep.DescriptorImpl run = new RunFunctionStep.DescriptorImpl();
    private final ServeFunctionStep.DescriptorImpl serve = new ServeFunctionStep.DescriptorImpl();
    private final DeployFunctionStep.DescriptorImpl deploy = new DeployFunctionStep.DescriptorImpl();
    private final BuildImageStep.DescriptorImpl build = new BuildImageStep.DescriptorImpl();
    private final StopFunctionStep.DescriptorImpl stop = new StopFunctionStep.DescriptorImpl();

    @AfterEach
    void uninstall() {
        jenkins.close();
    }

    @Test
    void theSharedFieldsAreCheckedWithTheEnginesRules() {
        assertThat(run.doCheckName("hello").kind).isEqualTo(Kind.OK);
        assertThat(run.doCheckName("Hello").getMessage()).startsWith("field 'name': value 'Hello' is not allowed");
        assertThat(run.doCheckImage("busybox:1.36 ").kind).isEqualTo(Kind.OK);
        assertThat(run.doCheckTimeout("0s").getMessage()).contains("must be between 1s and");
        assertThat(run.doCheckHandler("main:handler").kind).isEqualTo(Kind.OK);
        assertThat(run.doCheckPythonVersion("3.1").getMessage()).contains("must be one of 3.10");
        assertThat(run.doCheckRuntime("python").kind).isEqualTo(Kind.OK);
    }

    @Test
    void aSnippetsValueIsTextSoAVariableIsCheckedToo() {
        assertThat(run.doCheckImage("${IMAGE}").kind).isEqualTo(Kind.ERROR);
        assertThat(run.doCheckTimeout("${TIMEOUT}").kind).isEqualTo(Kind.ERROR);
    }

    @Test
    void servingFieldsAndTheNameOfAServedFunction() {
        assertThat(serve.doCheckReplicas("2").kind).isEqualTo(Kind.OK);
        assertThat(serve.doCheckReplicas("-1").getMessage()).contains("whole number from 0 to 100");
        assertThat(serve.doCheckReadyTimeout("45m").kind).isEqualTo(Kind.OK);
        assertThat(serve.doCheckReadyTimeout("soon").getMessage()).startsWith("field 'readyTimeout'");
        assertThat(serve.doCheckServiceType("NodePort").kind).isEqualTo(Kind.OK);
        assertThat(serve.doCheckName("9web").getMessage()).contains("must start with a letter to be served");
        assertThat(deploy.doCheckName("9worker").kind).isEqualTo(Kind.OK);
    }

    @Test
    void namespaceAndProfileReadTheConfigurationForWhoMayConfigureTheJob() {
        jenkins.configuration().setNamespace("functions");
        jenkins.configuration().setProfiles(List.of(new ProfileConfig("batch")));
        FakeItem pipeline = FakeItem.configurable("team/pipeline");

        assertThat(run.doCheckNamespace(pipeline, "other").getMessage()).contains("functions (the default namespace)");
        assertThat(run.doCheckProfile(pipeline, "gpu").getMessage()).contains("one of the configured profiles: batch");
        assertThat(run.doCheckNamespace(FakeItem.readOnly("team/pipeline"), "other").kind).isEqualTo(Kind.OK);
        assertThat(run.doCheckProfile(FakeItem.readOnly("team/pipeline"), "gpu").kind).isEqualTo(Kind.OK);
    }

    @Test
    void theSnippetGeneratorOfJenkinsItselfAnswersAdministratorsOnly() {
        jenkins.configuration().setNamespace("functions");

        assertThat(run.doCheckNamespace(null, "other").kind).as("/pipeline-syntax, an administrator")
                .isEqualTo(Kind.ERROR);
        jenkins.administrator(false);
        assertThat(run.doCheckNamespace(null, "other").kind).isEqualTo(Kind.OK);
    }

    @Test
    void buildImageTakesARegistryCredentialFromTheDropDown() {
        jenkins.credential("robot", CredentialValue.Kind.USERNAME_PASSWORD, "username with password")
                .credential("kubeconfig", CredentialValue.Kind.SECRET_FILE, "secret file");
        FakeItem pipeline = FakeItem.configurable("team/pipeline");

        assertThat(build.doFillRegistryCredentialsIdItems(pipeline, null)).extracting(o -> o.value)
                .containsExactly("", "robot");
        assertThat(build.doCheckRegistryCredentialsId(pipeline, "kubeconfig").getMessage())
                .endsWith(", not secret file");
        assertThat(build.doCheckImage("team/web:1.0").kind).isEqualTo(Kind.OK);
        assertThat(build.doCheckGitRef("v1.2.0").kind).isEqualTo(Kind.OK);
        assertThat(build.doCheckBaseImage("python:3.12-slim").kind).isEqualTo(Kind.OK);
    }

    @Test
    void serveFunctionTakesAHuggingFaceTokenFromTheDropDownOfSecretTexts() {
        jenkins.credential("hf-token", CredentialValue.Kind.SECRET_TEXT, "secret text")
                .credential("robot", CredentialValue.Kind.USERNAME_PASSWORD, "username with password");
        FakeItem pipeline = FakeItem.configurable("team/llm");

        assertThat(serve.doFillHfTokenCredentialsIdItems(pipeline, null)).extracting(o -> o.value)
                .containsExactly("", "hf-token");
        assertThat(serve.doCheckHfTokenCredentialsId(pipeline, "robot").getMessage())
                .startsWith("field 'hfTokenCredentialsId': value 'robot' is not allowed: the id of a secret text")
                .endsWith(", not username with password");
        assertThat(serve.doCheckHfTokenCredentialsId(pipeline, "hf-token").kind).isEqualTo(Kind.OK);
    }

    @Test
    void stopNeedsAName() {
        assertThat(stop.doCheckName(null).getMessage()).startsWith("field 'name' is missing");
        assertThat(stop.doCheckNamespace("team-a").kind).isEqualTo(Kind.OK);
    }
}
