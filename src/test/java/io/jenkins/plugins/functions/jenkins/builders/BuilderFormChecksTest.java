package io.jenkins.plugins.functions.jenkins.builders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.util.FormValidation;
import hudson.util.FormValidation.Kind;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.functions.jenkins.config.ProfileConfig;
import io.jenkins.plugins.functions.jenkins.forms.FakeItem;
import io.jenkins.plugins.functions.jenkins.forms.TestFormContext;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.impl.ContainerFunctionParser;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The freestyle builders' forms, checked as they are typed: the descriptor methods Jenkins calls
 * ({@code descriptorByName/<builder>/check<Field>?value=}), with the engine's messages, lenient
 * with build variables, and reading the configuration and the credentials only for users who may
 * configure the job.
 */
class BuilderFormChecksTest {

    private final TestFormContext jenkins = new TestFormContext().install();
    private final RunFunctionBuilder.DescriptorImpl run = new RunFunctionBuilder.DescriptorImpl();
    private final ServeFunctionBuilder.DescriptorImpl serve = new ServeFunctionBuilder.DescriptorImpl();
    private final DeployFunctionBuilder.DescriptorImpl deploy = new DeployFunctionBuilder.DescriptorImpl();
    private final BuildImageBuilder.DescriptorImpl build = new BuildImageBuilder.DescriptorImpl();
    private final StopFunctionBuilder.DescriptorImpl stop = new StopFunctionBuilder.DescriptorImpl();

    @AfterEach
    void uninstall() {
        jenkins.close();
    }

    @Test
    void aRefusedValueIsAnErrorWithTheEnginesOwnMessage() {
        assertError(run.doCheckImage("Busybox:1.36"), engineMessage(() -> ContainerFunctionParser.image("Busybox:1.36")));
        assertThat(run.doCheckImage("busybox:1.36").kind).isEqualTo(Kind.OK);
        assertThat(run.doCheckName("Hello World").getMessage())
                .isEqualTo("field 'name': value 'Hello World' is not allowed: must be a DNS-1123 label: 1 to 63"
                        + " characters of lowercase letters, digits and '-', starting and ending with a letter or"
                        + " digit (such as hello-world)");
        assertThat(run.doCheckTimeout("10 minutes").getMessage()).startsWith("field 'timeout': value '10 minutes'");
        assertThat(run.doCheckTimeout("8d").getMessage()).contains("must be between 1s and 604800s (7 days)");
        assertThat(run.doCheckTimeout("1h30m").kind).isEqualTo(Kind.OK);
        assertThat(run.doCheckWorkingDir("work").getMessage()).contains("absolute path");
        assertThat(run.doCheckImagePullPolicy("always").getMessage()).contains("Always, IfNotPresent, Never");
        assertThat(run.doCheckServiceAccount("Build Bot").getMessage()).contains("DNS-1123 subdomain");
        assertThat(run.doCheckRuntime("docker").getMessage())
                .isEqualTo("field 'runtime': value 'docker' is not allowed: must be one of the installed runtimes:"
                        + " container, python");
    }

    @Test
    void additionalFieldsAreAMappingOfTheRuntimesFieldsThatTheFormHasNoBoxFor() {
        assertThat(serve.doCheckAdditionalFields("modle: x", "container").getMessage())
                .contains("field 'modle'").contains("a 'container' function");
        assertThat(serve.doCheckAdditionalFields("image: busybox:1.36", null).getMessage())
                .contains("has a field of its own in this form");
        assertThat(serve.doCheckAdditionalFields("- a\n- b", null).getMessage()).contains("a YAML mapping");
        assertThat(run.doCheckAdditionalFields("labels:\n  team: a\nvolumes: []", "container").kind)
                .isEqualTo(Kind.OK);
        assertThat(run.doCheckAdditionalFields("model: ${MODEL}", "vllm").kind).as("read when the build runs")
                .isEqualTo(Kind.OK);
        assertThat(run.doCheckAdditionalFields("", "container").kind).isEqualTo(Kind.OK);
        assertThat(serve.doCheckAdditionalFields("hfTokenCredentialsId: hf-token", null).kind)
                .as("jobs saved it here before it had a box, and their builds still take it").isEqualTo(Kind.OK);
    }

    @Test
    void anEmptyOptionalFieldIsFine() {
        for (FormValidation v : List.of(run.doCheckName(""), run.doCheckImage(null), run.doCheckTimeout("  "),
                run.doCheckEnv(""), run.doCheckParameters(null), serve.doCheckPorts(""))) {
            assertThat(v.kind).isEqualTo(Kind.OK);
            assertThat(v.getMessage()).isNull();
        }
    }

    @Test
    void aValueWithABuildVariableIsCheckedWhenTheBuildRuns() {
        assertThat(run.doCheckImage("registry.example.com/${IMAGE}:${TAG}").kind).isEqualTo(Kind.OK);
        assertThat(run.doCheckTimeout("$TIMEOUT").kind).isEqualTo(Kind.OK);
        assertThat(serve.doCheckReplicas("${REPLICAS}").kind).isEqualTo(Kind.OK);
        assertThat(run.doCheckParameters("name: ${USER}").kind).isEqualTo(Kind.OK);
        assertThat(run.doCheckEnv("TAG=${BUILD_NUMBER}\n${MORE_ENV}").kind).isEqualTo(Kind.OK);
        assertThat(run.doCheckEnv("TAG=${BUILD_NUMBER}\nlog level=x").kind).as("the names are still checked")
                .isEqualTo(Kind.ERROR);
        assertThat(run.doCheckNamespace(FakeItem.configurable("team-a/app"), "${NS}").kind).isEqualTo(Kind.OK);
    }

    @Test
    void environmentVariablesAreNameEqualsValueLinesWithTheEnginesNames() {
        assertThat(run.doCheckEnv("LOG_LEVEL=debug\nEMPTY=\nURL=a=b").kind).isEqualTo(Kind.OK);
        FormValidation noEquals = run.doCheckEnv("LOG_LEVEL=debug\nsecret-value");
        assertThat(noEquals.getMessage()).isEqualTo("Run function: field 'env': value '(a line without '=')' is not"
                + " allowed: one NAME=value per line").doesNotContain("secret-value");
        assertThat(run.doCheckEnv("FUNCTION_NAME=x").getMessage()).contains("must not start with FUNCTION_");
        assertThat(run.doCheckEnv("9LIVES=x").getMessage())
                .isEqualTo("field 'env[\"9LIVES\"]': value '9LIVES' is not allowed: must be an environment variable name:"
                        + " a letter or '_', then letters, digits, '_', '.' or '-' (such as LOG_LEVEL)");
    }

    @Test
    void parametersAreAYamlMappingTheRunTakes() {
        assertThat(run.doCheckParameters("name: Jenkins\ncount: 3").kind).isEqualTo(Kind.OK);
        assertThat(run.doCheckParameters("- a\n- b").getMessage()).contains("field 'parameters'")
                .contains("a YAML mapping");
        assertThat(run.doCheckParameters("data: " + "x".repeat(70_000)).getMessage())
                .contains("at most 65536 bytes (64 KiB) of JSON");
    }

    @Test
    void servingFieldsAreCheckedAsTheirFormWritesThem() {
        assertThat(serve.doCheckPorts("8080, metrics:9090").kind).isEqualTo(Kind.OK);
        assertThat(serve.doCheckPorts("8080 8080").getMessage()).contains("must be unique among the ports");
        assertThat(serve.doCheckPorts("http").getMessage()).contains("field 'ports[0]'");
        assertThat(serve.doCheckPorts("70000").getMessage()).contains("port number from 1 to 65535");
        assertThat(serve.doCheckReplicas("3").kind).isEqualTo(Kind.OK);
        assertThat(serve.doCheckReplicas("101").getMessage()).contains("whole number from 0 to 100");
        assertThat(serve.doCheckReplicas("two").getMessage()).contains("a whole number, at least 0");
        assertThat(serve.doCheckServiceType("Ingress").getMessage()).contains("ClusterIP, NodePort, LoadBalancer");
        assertThat(serve.doCheckName("1st-web").getMessage()).contains("must start with a letter to be served");
        assertThat(deploy.doCheckName("1st-worker").kind).as("no Service, no such rule").isEqualTo(Kind.OK);
    }

    @Test
    void theNamespaceMustBeOneTheJobsRunsMayUse() {
        jenkins.configuration().setNamespace("functions");
        jenkins.configuration().setAllowedNamespaces("ci, team-*");
        jenkins.configuration().setFolderNamespaces("data: etl");
        FakeItem app = FakeItem.configurable("apps/web");

        assertThat(run.doCheckNamespace(app, "functions").kind).isEqualTo(Kind.OK);
        assertThat(run.doCheckNamespace(app, "team-a").kind).isEqualTo(Kind.OK);
        assertThat(run.doCheckNamespace(app, "prod").getMessage())
                .isEqualTo("field 'namespace': value 'prod' is not allowed: must be a namespace runs may use:"
                        + " functions (the default namespace), ci, team-*");
        assertThat(run.doCheckNamespace(FakeItem.configurable("data/load"), "team-a").getMessage())
                .as("a folder's rule replaces the allowed namespaces").contains("etl (the namespaces of the jobs in"
                        + " folder 'data')");
        assertThat(run.doCheckNamespace(app, "Prod").getMessage()).contains("DNS-1123 label");
    }

    @Test
    void withoutADefaultNamespaceAnUnlistedOneMayBeTheConnectionsOwn() {
        jenkins.configuration().setAllowedNamespaces("ci");

        FormValidation v = run.doCheckNamespace(FakeItem.configurable("app"), "jenkins");

        assertThat(v.kind).isEqualTo(Kind.WARNING);
        assertThat(v.getMessage()).contains("allowed if it is the namespace of the cluster connection");
    }

    @Test
    void whoMayNotConfigureTheJobLearnsNothingOfTheConfiguration() {
        jenkins.configuration().setNamespace("functions");
        jenkins.configuration().setProfiles(List.of(new ProfileConfig("gpu-small")));
        FakeItem readOnly = FakeItem.readOnly("app");

        assertThat(run.doCheckNamespace(readOnly, "prod").kind).isEqualTo(Kind.OK);
        assertThat(run.doCheckProfile(readOnly, "gpu-large").kind).isEqualTo(Kind.OK);
        assertThat(readOnly.permissionQuestions()).isEqualTo(2);
        assertThat(run.doCheckNamespace(readOnly, "Prod").kind).as("the value's own syntax is still checked")
                .isEqualTo(Kind.ERROR);
    }

    @Test
    void theProfileMustBeAConfiguredOne() {
        jenkins.configuration().setProfiles(List.of(new ProfileConfig("gpu-small"), new ProfileConfig("batch")));
        FakeItem app = FakeItem.configurable("app");

        assertThat(run.doCheckProfile(app, "batch").kind).isEqualTo(Kind.OK);
        assertThat(run.doCheckProfile(app, "gpu-large").getMessage())
                .isEqualTo("field 'profile': value 'gpu-large' is not allowed: one of the configured profiles:"
                        + " batch, gpu-small");
        jenkins.configuration().setProfiles(List.of());
        assertThat(run.doCheckProfile(app, "batch").getMessage()).contains("none is configured");
    }

    @Test
    void theChecksThatReadTheConfigurationAnswerOnlyToPost() throws Exception {
        for (Class<?> d : List.of(FunctionBuilderDescriptor.class, BuildImageBuilder.DescriptorImpl.class)) {
            for (var m : d.getDeclaredMethods()) {
                boolean readsMore = List.of(m.getParameterTypes()).contains(hudson.model.Item.class);
                if (m.getName().startsWith("doCheck") && readsMore) {
                    assertThat(m.isAnnotationPresent(org.kohsuke.stapler.verb.POST.class)).as(m.toString()).isTrue();
                }
            }
        }
    }

    @Test
    void buildImageChecksWhereItPushesAndWhatItBuildsFrom() {
        assertThat(build.doCheckImage("registry.example.com/team/web:1.0").kind).isEqualTo(Kind.OK);
        assertThat(build.doCheckImage("web@sha256:" + "a".repeat(64)).getMessage()).contains("no digest");
        assertThat(build.doCheckGitUrl("git@github.com:org/repo.git").getMessage()).contains("https:// URL");
        assertThat(build.doCheckGitUrl("https://user:secret@github.com/org/repo.git").getMessage())
                .contains("//***@").doesNotContain("secret");
        assertThat(build.doCheckGitRef("-main").getMessage()).contains("field 'gitRef'");
        assertThat(build.doCheckGitPath("../outside").getMessage()).contains("field 'gitPath'");
        assertThat(build.doCheckBuildArgs("VERSION=1.0\nno-equals").getMessage()).contains("one NAME=value per line");
        assertThat(build.doCheckRequirements("requests==2.32.3\nnot a requirement!").getMessage())
                .contains("requirements[1]");
        assertThat(build.doCheckPythonVersion("3.9").getMessage()).contains("3.10, 3.11, 3.12, 3.13");
        assertThat(build.doCheckHandler("main").getMessage()).contains("module:function");
        assertThat(build.doCheckBaseImage("Python:3.12").getMessage()).startsWith("field 'baseImage'");
    }

    @Test
    void theRegistryCredentialIsAUsernameWithPasswordTheJobCanUse() {
        jenkins.credential("harbor-robot", CredentialValue.Kind.USERNAME_PASSWORD, "username with password")
                .credential("a-token", CredentialValue.Kind.SECRET_TEXT, "secret text")
                .folderCredential("team-b", "team-b-robot", CredentialValue.Kind.USERNAME_PASSWORD,
                        "username with password");
        FakeItem app = FakeItem.configurable("team-a/app");

        assertThat(build.doCheckRegistryCredentialsId(app, "harbor-robot").kind).isEqualTo(Kind.OK);
        assertThat(build.doCheckRegistryCredentialsId(app, "a-token").getMessage())
                .isEqualTo("field 'registryCredentialsId': value 'a-token' is not allowed: the id of a username with"
                        + " password credential (such as a registry robot account) that this job can use, not"
                        + " secret text");
        assertThat(build.doCheckRegistryCredentialsId(app, "team-b-robot").getMessage())
                .contains("none with this id is visible here");
        assertThat(build.doCheckRegistryCredentialsId(app, "${REGISTRY}").kind).isEqualTo(Kind.WARNING);
        assertThat(build.doCheckRegistryCredentialsId(FakeItem.readOnly("team-a/app"), "a-token").kind)
                .as("who may not pick credentials learns nothing of them").isEqualTo(Kind.OK);
    }

    @Test
    void theRegistryCredentialDropDownListsOnlyUsernamesWithPasswordsInTheJobsContext() {
        jenkins.credential("harbor-robot", CredentialValue.Kind.USERNAME_PASSWORD, "username with password")
                .credential("a-token", CredentialValue.Kind.SECRET_TEXT, "secret text")
                .folderCredential("team-b", "team-b-robot", CredentialValue.Kind.USERNAME_PASSWORD,
                        "username with password");
        FakeItem app = FakeItem.configurable("team-a/app");

        ListBoxModel items = build.doFillRegistryCredentialsIdItems(app, "gone-robot");

        assertThat(items).extracting(o -> o.value).containsExactly("", "harbor-robot", "gone-robot");
        assertThat(jenkins.lists()).singleElement().satisfies(r -> {
            assertThat(r.context()).isSameAs(app);
            assertThat(r.kinds()).isEqualTo(Set.of(CredentialValue.Kind.USERNAME_PASSWORD));
        });
    }

    @Test
    void theHuggingFaceTokenIsADropDownOfSecretTextsCheckedAsTheRuntimeReadsIt() {
        jenkins.credential("hf-token", CredentialValue.Kind.SECRET_TEXT, "secret text")
                .credential("harbor-robot", CredentialValue.Kind.USERNAME_PASSWORD, "username with password");
        FakeItem app = FakeItem.configurable("team-a/llm");

        assertThat(serve.doFillHfTokenCredentialsIdItems(app, "")).extracting(o -> o.value)
                .containsExactly("", "hf-token");
        assertThat(jenkins.lists()).singleElement().satisfies(r -> {
            assertThat(r.context()).isSameAs(app);
            assertThat(r.kinds()).isEqualTo(Set.of(CredentialValue.Kind.SECRET_TEXT));
        });
        assertThat(serve.doCheckHfTokenCredentialsId(app, "hf-token").kind).isEqualTo(Kind.OK);
        assertThat(serve.doCheckHfTokenCredentialsId(app, "harbor-robot").getMessage())
                .isEqualTo("field 'hfTokenCredentialsId': value 'harbor-robot' is not allowed: the id of a secret text"
                        + " credential holding a Hugging Face token that this job can use, not username with password");
        assertThat(serve.doCheckHfTokenCredentialsId(app, "${HF}").kind).isEqualTo(Kind.WARNING);
    }

    @Test
    void aCredentialVariableIsANameTheEngineTakesAndACredentialOfAKindItCarries() {
        CredentialVariable.DescriptorImpl variable = new CredentialVariable.DescriptorImpl();
        jenkins.credential("api-token", CredentialValue.Kind.SECRET_TEXT, "secret text")
                .credential("db", CredentialValue.Kind.USERNAME_PASSWORD, "username with password")
                .credential("kube", CredentialValue.Kind.SECRET_FILE, "secret file");
        FakeItem app = FakeItem.configurable("team-a/app");

        assertThat(variable.doCheckName("API_TOKEN").kind).isEqualTo(Kind.OK);
        assertThat(variable.doCheckName("${NAME}").kind).isEqualTo(Kind.OK);
        assertThat(variable.doCheckName("").kind).isEqualTo(Kind.ERROR);
        assertThat(variable.doCheckName("1TOKEN").getMessage())
                .contains("value '1TOKEN' is not allowed: must be an environment variable name");
        assertThat(variable.doCheckName("FUNCTION_RUN_ID").kind).isEqualTo(Kind.ERROR);
        assertThat(variable.doFillCredentialsIdItems(app, "")).extracting(o -> o.value)
                .containsExactlyInAnyOrder("", "api-token", "db", "kube");
        assertThat(variable.doCheckCredentialsId(app, "kube").kind).isEqualTo(Kind.OK);
        assertThat(variable.doCheckCredentialsId(app, "gone").getMessage()).contains("none with this id is visible");
        assertThat(variable.doFillKeyItems()).extracting(o -> o.value).containsExactly("", "username", "password");
    }

    @Test
    void whoMayNotPickCredentialsSeesOnlyTheCurrentValue() {
        jenkins.credential("harbor-robot", CredentialValue.Kind.USERNAME_PASSWORD, "username with password");

        ListBoxModel items = build.doFillRegistryCredentialsIdItems(FakeItem.readOnly("app"), "harbor-robot");

        assertThat(items).extracting(o -> o.value).containsExactly("harbor-robot");
        assertThat(jenkins.lists()).as("the store is not even asked").isEmpty();
    }

    @Test
    void stopNeedsANameAndTakesAnyNamespace() {
        assertThat(stop.doCheckName("").getMessage()).isEqualTo("field 'name' is missing: must be a DNS-1123 label:"
                + " 1 to 63 characters of lowercase letters, digits and '-', starting and ending with a letter or"
                + " digit (such as hello-world)");
        assertThat(stop.doCheckName("${SERVICE}").kind).isEqualTo(Kind.OK);
        assertThat(stop.doCheckNamespace("anywhere").kind).isEqualTo(Kind.OK);
        assertThat(stop.doCheckNamespace("Any Where").getMessage()).contains("DNS-1123 label");
    }

    private static void assertError(FormValidation v, String message) {
        assertThat(v.kind).isEqualTo(Kind.ERROR);
        assertThat(v.getMessage()).isEqualTo(message);
    }

    /** The message the engine refuses a value with. */
    private static String engineMessage(Refusal r) {
        assertThatThrownBy(r::run).isInstanceOf(SpecException.class);
        try {
            r.run();
            throw new AssertionError("not refused");
        } catch (SpecException e) {
            return e.getMessage();
        }
    }

    @FunctionalInterface
    private interface Refusal {
        void run() throws SpecException;
    }
}
