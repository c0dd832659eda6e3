package io.jenkins.plugins.functions.runtime.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.Resources;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.PodSecurity;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.build.BuildContext;
import io.jenkins.plugins.functions.runtime.build.ContextArchive;
import io.jenkins.plugins.functions.runtime.build.ImageBuild;
import io.jenkins.plugins.functions.runtime.build.ImageReference;
import io.jenkins.plugins.functions.runtime.build.TarGz;
import io.jenkins.plugins.functions.spec.FunctionSpecReader;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The build action's plans: the BuildKit Job, its context ConfigMap, its registry Secret, and every refusal. */
class ImageBuildPlansTest {

    static final String DESTINATION = "harbor.example.com/team/web:1.0";
    static final String PASSWORD = "s3cr3t-robot-password";
    static final CredentialValue ROBOT = CredentialValue.usernamePassword("harbor-robot", "robot$team", PASSWORD);

    private static final ContainerRuntime CONTAINER = new ContainerRuntime();
    private static final PythonRuntime PYTHON = new PythonRuntime();

    static FunctionSpec containerFunction(String image) throws Exception {
        return CONTAINER.validate(new FunctionSpecReader().fromMap(
                Map.of("name", "web", "runtime", "container", "image", image), "test"));
    }

    static BuildContext.Archive archive() throws SpecException {
        return new ContextArchive("context", "workspace folder 'app'")
                .add("Dockerfile", "FROM busybox:1.36\nCOPY hello.txt /\n").add("hello.txt", "hello\n").pack();
    }

    static RunRequest.Builder request(FunctionSpec function, ImageBuild build) {
        return RunRequest.builder(function, ActionKind.BUILD).runId("abc123defg").namespace("builds").build(build);
    }

    private static ImageBuild build(BuildContext context, String credentialsId) throws SpecException {
        return new ImageBuild(ImageReference.parse("image", DESTINATION), context, null,
                Map.of("VERSION", "1.0"), credentialsId, null);
    }

    @Test
    void aContainerBuildIsABuildKitRootlessJobWithItsContextConfigMapAndRegistrySecret() throws Exception {
        BuildContext.Archive context = archive();
        Plan plan = CONTAINER.plan(request(containerFunction(DESTINATION), build(context, "harbor-robot"))
                .credentials(Map.of("harbor-robot", ROBOT)).build());

        assertThat(plan.objects()).extracting(o -> o.getKind() + " " + o.getMetadata().getName()).containsExactly(
                "Job web-abc123defg", "ConfigMap web-abc123defg-context", "Secret web-abc123defg-registry");
        Job job = (Job) plan.workload();
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getMetadata().getLabels()).containsEntry(RunLabels.ACTION, "build");
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        Container builder = pod.getContainers().get(0);
        assertThat(builder.getName()).isEqualTo(RunLabels.MAIN_CONTAINER);
        assertThat(builder.getImage()).isEqualTo(ImageBuild.DEFAULT_BUILDER_IMAGE).endsWith("-rootless");
        assertThat(builder.getCommand()).startsWith("sh", "-c", ImageBuildPlans.script(), "build")
                .endsWith("--opt", "build-arg:VERSION=1.0");
        assertThat(ImageBuildPlans.script()).contains("buildctl-daemonless.sh build", "--metadata-file",
                "containerimage.digest", "push=true", "/dev/termination-log");
        assertThat(builder.getEnv()).extracting(e -> e.getName() + "=" + e.getValue()).contains(
                "BUILDKITD_FLAGS=--oci-worker-no-process-sandbox",
                "BUILD_DESTINATION=" + DESTINATION,
                "BUILD_DOCKERFILE=Dockerfile",
                "BUILD_CONTEXT_ARCHIVE=/home/user/.function-context/context.tar.gz",
                "DOCKER_CONFIG=/home/user/.function-docker");
        assertThat(builder.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getVolumes()).filteredOn(v -> v.getSecret() != null).singleElement().satisfies(v -> {
            assertThat(v.getSecret().getSecretName()).isEqualTo("web-abc123defg-registry");
            assertThat(v.getSecret().getItems()).singleElement()
                    .satisfies(i -> assertThat(i.getPath()).isEqualTo("config.json"));
        });

        ConfigMap configMap = (ConfigMap) plan.objects().get(1);
        assertThat(configMap.getImmutable()).isTrue();
        assertThat(Base64.getDecoder().decode(configMap.getBinaryData().get("context.tar.gz")))
                .isEqualTo(context.tarGz());
        Secret secret = (Secret) plan.objects().get(2);
        assertThat(secret.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
        Map<?, ?> config = new ObjectMapper().readValue(
                Base64.getDecoder().decode(secret.getData().get(".dockerconfigjson")), Map.class);
        Map<?, ?> login = (Map<?, ?>) ((Map<?, ?>) config.get("auths")).get("harbor.example.com");
        assertThat(login.get("username")).isEqualTo("robot$team");
        assertThat(login.get("password")).isEqualTo(PASSWORD);
        assertThat(new String(Base64.getDecoder().decode((String) login.get("auth")))).isEqualTo("robot$team:" + PASSWORD);
        // the secret is only in the Secret: not in the Job, not in what names the request
        assertThat(job.toString()).doesNotContain(PASSWORD);
        assertThat(plan.request().toString()).doesNotContain(PASSWORD).contains("harbor-robot");
        String encoded = secret.getData().get(".dockerconfigjson");
        assertThat(plan.toString()).doesNotContain(PASSWORD).doesNotContain(encoded)
                .contains("Secret web-abc123defg-registry");
        assertThat(build(context, "harbor-robot").toString()).doesNotContain(PASSWORD);
    }

    @Test
    void theBuilderPodCarriesOnlyTheNarrowBuildKitRootlessException() throws Exception {
        Plan plan = CONTAINER.plan(request(containerFunction(DESTINATION), build(archive(), null))
                .podSecurity(new PodSecurity.Policy(true)).build());
        Job job = (Job) plan.workload();
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        SecurityContext builder = pod.getContainers().get(0).getSecurityContext();
        assertThat(builder.getSeccompProfile().getType()).isEqualTo("Unconfined");
        assertThat(builder.getAdditionalProperties()).containsEntry("appArmorProfile", Map.of("type", "Unconfined"));
        assertThat(job.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("container.apparmor.security.beta.kubernetes.io/function", "unconfined");
        assertThat(builder.getRunAsNonRoot()).isTrue();
        assertThat(builder.getRunAsUser()).isEqualTo(1000L);
        assertThat(builder.getRunAsGroup()).isEqualTo(1000L);
        assertThat(builder.getPrivileged()).isFalse();
        assertThat(builder.getAllowPrivilegeEscalation()).isTrue();
        assertThat(builder.getCapabilities()).isNull();
        assertThat(pod.getHostNetwork()).isNull();
        assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull());
        // no credential, no Secret
        assertThat(plan.objects()).noneMatch(o -> o instanceof Secret);
    }

    /** An administrator's profile for builds: every pod-level setting, and default resources. */
    static final Profile BUILDERS = new Profile("builders", Map.of("pool", "builds"),
            List.of(new Profile.Toleration("dedicated", "Equal", "builds", "NoSchedule", null)), "batch-low", "gvisor",
            new Resources(new Resources.Amounts("500m", "1Gi", null), new Resources.Amounts(null, "4Gi", null)),
            null, "image-builder", List.of("mirror-pull"));

    @Test
    void theProfileSchedulesAndSizesTheBuildPodAndKeepsTheBuilderException() throws Exception {
        Plan plan = CONTAINER.plan(request(containerFunction(DESTINATION), build(archive(), "harbor-robot"))
                .credentials(Map.of("harbor-robot", ROBOT)).podSecurity(new PodSecurity.Policy(true))
                .profile(BUILDERS).build());

        Job job = (Job) plan.workload();
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeSelector()).containsExactlyEntriesOf(Map.of("pool", "builds"));
        assertThat(pod.getTolerations()).singleElement().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("dedicated");
            assertThat(t.getOperator()).isEqualTo("Equal");
            assertThat(t.getValue()).isEqualTo("builds");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        assertThat(pod.getPriorityClassName()).isEqualTo("batch-low");
        assertThat(pod.getRuntimeClassName()).isEqualTo("gvisor");
        assertThat(pod.getServiceAccountName()).isEqualTo("image-builder");
        assertThat(pod.getAutomountServiceAccountToken()).as("the builder never talks to the API").isFalse();
        assertThat(pod.getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("mirror-pull");
        Container builder = pod.getContainers().get(0);
        assertThat(builder.getResources().getRequests()).containsOnlyKeys("cpu", "memory");
        assertThat(builder.getResources().getRequests().get("cpu").toString()).isEqualTo("500m");
        assertThat(builder.getResources().getRequests().get("memory").toString()).isEqualTo("1Gi");
        assertThat(builder.getResources().getLimits()).containsOnlyKeys("memory");
        assertThat(builder.getResources().getLimits().get("memory").toString()).isEqualTo("4Gi");
        // the security exception is the same as without a profile, and the pod's own settings stay
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(1000L);
        SecurityContext security = builder.getSecurityContext();
        assertThat(security.getSeccompProfile().getType()).isEqualTo("Unconfined");
        assertThat(security.getAdditionalProperties()).containsEntry("appArmorProfile", Map.of("type", "Unconfined"));
        assertThat(security.getAllowPrivilegeEscalation()).isTrue();
        assertThat(security.getPrivileged()).isFalse();
        assertThat(security.getRunAsUser()).isEqualTo(1000L);
        assertThat(security.getCapabilities()).isNull();
        assertThat(job.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("container.apparmor.security.beta.kubernetes.io/function", "unconfined");
        // the registry Secret is still the builder's docker config, not an image pull secret of the pod
        assertThat(pod.getImagePullSecrets()).noneMatch(r -> r.getName().endsWith("-registry"));
        assertThat(plan.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void withoutAProfileTheBuildPodIsUnscheduledAndUnsized() throws Exception {
        Plan plan = CONTAINER.plan(request(containerFunction(DESTINATION), build(archive(), null)).build());
        PodSpec pod = ((Job) plan.workload()).getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeSelector()).isNullOrEmpty();
        assertThat(pod.getTolerations()).isNullOrEmpty();
        assertThat(pod.getPriorityClassName()).isNull();
        assertThat(pod.getRuntimeClassName()).isNull();
        assertThat(pod.getServiceAccountName()).isNull();
        assertThat(pod.getImagePullSecrets()).isNullOrEmpty();
        assertThat(pod.getContainers().get(0).getResources()).isNull();
    }

    @Test
    void aPythonBuildGetsTheProfileToo() throws Exception {
        FunctionSpec function = PYTHON.validate(new FunctionSpecReader().read(
                "name: p\nruntime: python\nsource: {code: 'def h(p): return p'}\nhandler: main:h\n"
                        + "resources: {requests: {cpu: '2'}}\n", "p.yaml"));
        Plan plan = PYTHON.plan(request(function, new ImageBuild(ImageReference.parse("image", DESTINATION),
                new BuildContext.FromFunction(), null, null, null, null)).profile(BUILDERS).build());
        PodSpec pod = ((Job) plan.workload()).getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeSelector()).containsEntry("pool", "builds");
        assertThat(pod.getServiceAccountName()).isEqualTo("image-builder");
        Container builder = pod.getContainers().get(0);
        assertThat(builder.getResources().getRequests().get("cpu").toString())
                .as("the function's own resources are its runs', not its build's: the profile's defaults")
                .isEqualTo("500m");
        assertThat(builder.getSecurityContext().getSeccompProfile().getType()).isEqualTo("Unconfined");
    }

    @Test
    void aGitContextIsFetchedByBuildKitAndNeedsNoConfigMap() throws Exception {
        Plan plan = CONTAINER.plan(request(containerFunction(DESTINATION),
                new ImageBuild(ImageReference.parse("image", DESTINATION),
                        new BuildContext.GitRepository("https://github.com/org/web.git", "v1.2", "app"),
                        "docker/Dockerfile.prod", null, null, "registry.example.com/buildkit:v0.27.0-rootless"))
                .build());

        assertThat(plan.objects()).singleElement().isSameAs(plan.workload());
        Container builder = ((Job) plan.workload()).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(builder.getImage()).isEqualTo("registry.example.com/buildkit:v0.27.0-rootless");
        assertThat(builder.getEnv()).extracting(e -> e.getName() + "=" + e.getValue()).contains(
                "BUILD_GIT_CONTEXT=https://github.com/org/web.git#v1.2:app", "BUILD_DOCKERFILE=docker/Dockerfile.prod")
                .noneMatch(e -> e.startsWith("BUILD_CONTEXT_ARCHIVE") || e.startsWith("DOCKER_CONFIG"));
    }

    @Test
    void aPythonBuildGeneratesItsContextFromTheFunction() throws Exception {
        FunctionSpec function = PYTHON.validate(new FunctionSpecReader().read("""
                name: greeter
                runtime: python
                source:
                  files:
                    main.py: |
                      import requests
                      def setup():
                          pass
                      def handler(parameters):
                          return {"ok": True}
                    lib/util.py: "X = 1\\n"
                handler: {function: main:handler, init: setup}
                requirements: [requests==2.32.3, 'tomli; python_version < "3.11"']
                pythonVersion: '3.11'
                """, "greeter.yaml"));
        Plan plan = PYTHON.plan(request(function, new ImageBuild(ImageReference.parse("image", DESTINATION),
                new BuildContext.FromFunction(), null, null, "harbor-robot", null))
                .credentials(Map.of("harbor-robot", ROBOT)).build());

        ConfigMap configMap = (ConfigMap) plan.objects().get(1);
        Map<String, String> files = TarGz.read(Base64.getDecoder().decode(configMap.getBinaryData().get("context.tar.gz")));
        assertThat(files).containsOnlyKeys("Dockerfile", "requirements.txt", "runner.py", "code/main.py",
                "code/lib/util.py");
        assertThat(files.get("runner.py")).isEqualTo(PythonRuntime.runner());
        assertThat(files.get("requirements.txt")).isEqualTo("requests==2.32.3\ntomli; python_version < \"3.11\"\n");
        assertThat(files.get("Dockerfile")).contains(
                "FROM python:3.11-slim\n",
                "RUN python3 -m pip install --no-cache-dir -r /opt/function/requirements.txt\n",
                "COPY code/ /opt/function/code/\n",
                "FUNCTION_IMAGE_REQUIREMENTS=/opt/function/requirements.txt",
                "FUNCTION_HANDLER=main:handler FUNCTION_INIT=setup\n",
                "USER 1000:1000\n",
                "CMD [\"python3\", \"-u\", \"/opt/function/runner.py\"]\n");
        assertThat(plan.objects()).anyMatch(o -> o instanceof Secret);
    }

    @Test
    void aPythonBuildOfAGitSourceFetchesItInTheDockerfile() throws Exception {
        FunctionSpec function = PYTHON.validate(new FunctionSpecReader().read("""
                name: greeter
                runtime: python
                source: {git: {url: 'https://github.com/org/fns.git', ref: v2, path: greeter}}
                handler: main:handler
                """, "greeter.yaml"));
        Plan plan = PYTHON.plan(request(function, new ImageBuild(ImageReference.parse("image", DESTINATION),
                new BuildContext.FromFunction(), null, null, null, null)).build());
        Map<String, String> files = TarGz.read(Base64.getDecoder().decode(
                ((ConfigMap) plan.objects().get(1)).getBinaryData().get("context.tar.gz")));
        assertThat(files).containsOnlyKeys("Dockerfile", "requirements.txt", "runner.py");
        assertThat(files.get("Dockerfile")).contains("FROM python:3.12\n",
                "git remote add origin 'https://github.com/org/fns.git'", "git fetch -q --depth 1 origin 'v2'",
                "ENV FUNCTION_IMAGE_GIT=https://github.com/org/fns.git#v2\n",
                "FUNCTION_CODE_DIR=/opt/function/code/greeter")
                .doesNotContain("pip install");
    }

    @Test
    void theExamplesBuild() throws Exception {
        FunctionSpec slugify = PYTHON.validate(new FunctionSpecReader().read(java.nio.file.Files.readString(
                java.nio.file.Path.of("examples/functions/python-slugify.yaml")), "python-slugify.yaml"));
        Plan plan = PYTHON.plan(request(slugify, new ImageBuild(ImageReference.parse("image", DESTINATION),
                new BuildContext.FromFunction(), null, null, null, null)).build());
        Map<String, String> files = TarGz.read(Base64.getDecoder().decode(
                ((ConfigMap) plan.objects().get(1)).getBinaryData().get("context.tar.gz")));
        assertThat(files.get("requirements.txt")).isEqualTo("python-slugify==8.0.4\n");
        assertThat(files.get("code/main.py")).contains("from slugify import slugify");

        BuildContext.Archive app = io.jenkins.plugins.functions.runtime.build.ContextFolder.pack(
                "examples/build/hello-app", "Dockerfile",
                new io.jenkins.plugins.functions.runtime.build.LocalContextFiles(java.nio.file.Path.of(".")));
        assertThat(TarGz.read(app.tarGz())).containsOnlyKeys("Dockerfile", "greet.sh");
        assertThat(TarGz.mode(app.tarGz(), "greet.sh")).as("the script keeps its execute bit").isEqualTo(0755);
        assertThat(CONTAINER.plan(request(containerFunction(DESTINATION), build(app, null)).build()).objects())
                .hasSize(2);
    }

    // ---- refusals: each names the field, the value and what is allowed -------------------------

    @Test
    void anUnknownRegistryCredentialIsRefused() throws Exception {
        assertThatThrownBy(() -> CONTAINER.plan(request(containerFunction(DESTINATION), build(archive(), "nope"))
                .build()))
                .isInstanceOfSatisfying(SpecException.class, e -> {
                    assertThat(e.getField()).isEqualTo("registryCredentialsId");
                    assertThat(e.getValue()).isEqualTo("nope");
                    assertThat(e.getAllowed()).contains("username with password");
                });
    }

    @Test
    void aRegistryCredentialOfAnotherTypeIsRefusedWithoutItsValue() throws Exception {
        CredentialValue text = CredentialValue.secretText("token", "tok-" + PASSWORD);
        assertThatThrownBy(() -> CONTAINER.plan(request(containerFunction(DESTINATION), build(archive(), "token"))
                .credentials(Map.of("token", text)).build()))
                .isInstanceOfSatisfying(SpecException.class, e -> {
                    assertThat(e.getField()).isEqualTo("registryCredentialsId");
                    assertThat(e.getAllowed()).contains("not secret text");
                    assertThat(e.getMessage()).doesNotContain(PASSWORD);
                });
    }

    @Test
    void badDockerfilePathsAndBuildArgNamesAreRefused() throws Exception {
        ImageReference destination = ImageReference.parse("image", DESTINATION);
        for (String bad : new String[] {"../Dockerfile", "/Dockerfile", "a b", "x/./Dockerfile"}) {
            ImageBuild build = new ImageBuild(destination, archive(), bad, null, null, null);
            assertThatThrownBy(() -> CONTAINER.plan(request(containerFunction(DESTINATION), build).build()))
                    .as(bad).isInstanceOfSatisfying(SpecException.class,
                            e -> assertThat(e.getField()).isEqualTo("dockerfile"));
        }
        ImageBuild badArg = new ImageBuild(destination, archive(), null, Map.of("1X", "y"), null, null);
        assertThatThrownBy(() -> CONTAINER.plan(request(containerFunction(DESTINATION), badArg).build()))
                .isInstanceOfSatisfying(SpecException.class, e -> {
                    assertThat(e.getField()).isEqualTo("buildArgs");
                    assertThat(e.getValue()).isEqualTo("1X");
                });
    }

    @Test
    void aBuildWithoutItsArgumentsOrWithTheWrongContextIsRefused() throws Exception {
        assertThatThrownBy(() -> CONTAINER.plan(RunRequest.builder(containerFunction(DESTINATION), ActionKind.BUILD)
                .runId("abc123defg").build()))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.getAllowed()).contains("buildImage"));
        assertThatThrownBy(() -> CONTAINER.plan(request(containerFunction(DESTINATION),
                build(new BuildContext.FromFunction(), null)).build()))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.getField()).isEqualTo("context"));
        assertThatThrownBy(() -> CONTAINER.plan(request(containerFunction("harbor.example.com/team/other:1"),
                build(archive(), null)).build()))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.getField()).isEqualTo("image"));
        FunctionSpec python = PYTHON.validate(new FunctionSpecReader().read(
                "name: p\nruntime: python\nsource: {code: 'def h(p): return p'}\nhandler: main:h\n", "p.yaml"));
        assertThatThrownBy(() -> PYTHON.plan(request(python, build(archive(), null)).build()))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.getField()).isEqualTo("context"));
    }
}
