package io.jenkins.plugins.functions.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.Resources;
import io.jenkins.plugins.functions.runtime.impl.ContainerFunctionParser;
import io.jenkins.plugins.functions.runtime.impl.ContainerRuntime;
import io.jenkins.plugins.functions.runtime.impl.PythonRuntime;
import io.jenkins.plugins.functions.spec.FunctionSpecReader;
import io.jenkins.plugins.functions.spec.PodFields;
import io.jenkins.plugins.functions.spec.SpecException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every runtime renders for the fields shared by all actions: the profile (precedence,
 * GPUs, default resources), volumes, and env from credentials, for container jobs, services and
 * deployments and python jobs.
 */
class SharedPodFieldsTest {

    private static final RuntimeRegistry RUNTIMES = new RuntimeRegistry(List.of(new ContainerRuntime(),
            new PythonRuntime()));

    private static final String CONTAINER = """
            name: trainer
            runtime: container
            image: example.com/train:1
            serviceAccount: function-own
            resources:
              requests: {cpu: 2}
              limits: {memory: 3Gi, gpu: 1}
            profile: gpu-small
            volumes:
              - name: data
                mountPath: /data
                readOnly: true
                subPath: sets/2024
                persistentVolumeClaim: {claimName: training-data}
              - name: scratch
                mountPath: /scratch
                emptyDir: {medium: Memory, sizeLimit: 2Gi}
              - name: settings
                mountPath: /etc/train
                configMap: {name: train-settings, items: [{key: train.yaml, path: conf/train.yaml}]}
              - name: tls
                mountPath: /etc/tls
                secret: {secretName: train-tls}
            """;

    private static final String PYTHON = """
            name: py
            runtime: python
            source: {code: "def handler(p): return 1"}
            handler: main:handler
            profile: gpu-small
            volumes:
              - {name: data, mountPath: /data, persistentVolumeClaim: {claimName: training-data}}
            """;

    static Map<String, Profile> profiles() throws SpecException {
        return Map.of(
                "gpu-small", Profiles.read("gpu-small", Map.of(
                        "nodeSelector", Map.of("pool", "gpu"),
                        "tolerations", List.of(Map.of("key", "nvidia.com/gpu", "operator", "Exists",
                                "effect", "NoSchedule")),
                        "priorityClassName", "batch-high",
                        "runtimeClassName", "nvidia",
                        "defaultResources", Map.of("requests", Map.of("cpu", "500m", "memory", "2Gi"),
                                "limits", Map.of("cpu", "1", "memory", "4Gi")),
                        "gpuResourceName", "nvidia.com/gpu",
                        "serviceAccount", "gpu-runner",
                        "imagePullSecrets", List.of("registry-pull")), ContainerFunctionParser::resources),
                "cpu-batch", Profiles.read("cpu-batch", Map.of(
                        "defaultResources", Map.of("requests", Map.of("cpu", "250m"))),
                        ContainerFunctionParser::resources));
    }

    static Plan plan(String yaml, ActionKind action, Map<String, CredentialValue> credentials) throws Exception {
        FunctionSpec spec = RUNTIMES.validate(new FunctionSpecReader().read(yaml, "f.yaml"));
        return RUNTIMES.plan(RunRequest.builder(spec, action).runId("r1").namespace("ci")
                .profile(Profiles.choose(spec, profiles())).credentials(credentials).build());
    }

    private static PodTemplateSpec template(Plan plan) {
        HasMetadata w = plan.workload();
        return w instanceof Job job ? job.getSpec().getTemplate() : ((Deployment) w).getSpec().getTemplate();
    }

    @Test
    void theProfileWinsAndItsGpuResourceIsUsed() throws Exception {
        for (ActionKind action : List.of(ActionKind.JOB, ActionKind.SERVE, ActionKind.DEPLOY)) {
            String yaml = action == ActionKind.SERVE ? CONTAINER + "ports: [8080]\n" : CONTAINER;
            PodSpec pod = template(plan(yaml, action, Map.of())).getSpec();
            Container c = pod.getContainers().get(0);

            assertThat(pod.getNodeSelector()).as(action.id()).isEqualTo(Map.of("pool", "gpu"));
            assertThat(pod.getTolerations()).singleElement().satisfies(t -> {
                assertThat(t.getKey()).isEqualTo("nvidia.com/gpu");
                assertThat(t.getOperator()).isEqualTo("Exists");
                assertThat(t.getEffect()).isEqualTo("NoSchedule");
            });
            assertThat(pod.getPriorityClassName()).isEqualTo("batch-high");
            assertThat(pod.getRuntimeClassName()).isEqualTo("nvidia");
            assertThat(pod.getServiceAccountName()).as("the profile's service account wins").isEqualTo("gpu-runner");
            assertThat(pod.getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("registry-pull");
            // the function's values stay, the defaults fill the rest, the GPU is the profile's resource
            assertThat(c.getResources().getRequests()).isEqualTo(Map.of("cpu", new Quantity("2"),
                    "memory", new Quantity("2Gi")));
            assertThat(c.getResources().getLimits()).as("no default cpu limit below the function's request")
                    .isEqualTo(Map.of("memory", new Quantity("3Gi"), "nvidia.com/gpu", new Quantity("1")));
        }
    }

    @Test
    void defaultsNeverContradictTheFunction() throws Exception {
        Profile profile = profiles().get("gpu-small");
        Resources function = new Resources(new Resources.Amounts(null, "8Gi", null),
                new Resources.Amounts("250m", null, null));

        var r = ProfilePods.requirements(function, profile);

        assertThat(r.getRequests()).as("a default cpu request above the function's limit is left out")
                .isEqualTo(Map.of("memory", new Quantity("8Gi")));
        assertThat(r.getLimits()).as("a default memory limit below the function's request is left out")
                .isEqualTo(Map.of("cpu", new Quantity("250m")));
        assertThat(ProfilePods.requirements(Resources.NONE, Profile.NONE)).isNull();
    }

    @Test
    void gpusWithoutAProfileThatOffersThemAreRefusedNamingTheOnesThatDo() throws Exception {
        SpecException none = catchThrowableOfType(() -> plan(CONTAINER.replace("profile: gpu-small\n", ""),
                ActionKind.JOB, Map.of()), SpecException.class);
        assertThat(none.getField()).isEqualTo("resources");
        assertThat(none.getValue()).isEqualTo("gpu: 1");
        assertThat(none.getAllowed()).contains("the function names no profile").endsWith("profile: gpu-small");

        SpecException cpu = catchThrowableOfType(() -> plan(CONTAINER.replace("gpu-small", "cpu-batch"),
                ActionKind.JOB, Map.of()), SpecException.class);
        assertThat(cpu.getAllowed()).contains("profile 'cpu-batch' offers none");

        // the engine's own check, for a request built without Profiles.choose
        FunctionSpec spec = RUNTIMES.validate(new FunctionSpecReader().read(CONTAINER, "f.yaml"));
        SpecException direct = catchThrowableOfType(() -> RUNTIMES.plan(RunRequest.builder(spec, ActionKind.JOB)
                .runId("r1").namespace("ci").build()), SpecException.class);
        assertThat(direct.getField()).isEqualTo("resources");
        assertThat(direct.getAllowed()).contains("GPUs only with a profile");
    }

    @Test
    void withoutAProfileNothingIsScheduledDifferently() throws Exception {
        PodSpec pod = template(plan("name: a\nruntime: container\nimage: busybox\n", ActionKind.JOB, Map.of()))
                .getSpec();

        assertThat(pod.getNodeSelector()).isNullOrEmpty();
        assertThat(pod.getTolerations()).isNullOrEmpty();
        assertThat(pod.getPriorityClassName()).isNull();
        assertThat(pod.getRuntimeClassName()).isNull();
        assertThat(pod.getImagePullSecrets()).isNullOrEmpty();
        assertThat(pod.getContainers().get(0).getResources()).isNull();
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    }

    @Test
    void volumesAreRenderedForEveryAction() throws Exception {
        for (ActionKind action : List.of(ActionKind.JOB, ActionKind.SERVE, ActionKind.DEPLOY)) {
            String yaml = action == ActionKind.SERVE ? CONTAINER + "ports: [8080]\n" : CONTAINER;
            PodSpec pod = template(plan(yaml, action, Map.of())).getSpec();
            Map<String, Volume> volumes = new java.util.HashMap<>();
            pod.getVolumes().forEach(v -> volumes.put(v.getName(), v));
            Map<String, VolumeMount> mounts = new java.util.HashMap<>();
            pod.getContainers().get(0).getVolumeMounts().forEach(m -> mounts.put(m.getName(), m));

            assertThat(volumes).as(action.id()).containsOnlyKeys("data", "scratch", "settings", "tls");
            assertThat(volumes.get("data").getPersistentVolumeClaim().getClaimName()).isEqualTo("training-data");
            assertThat(volumes.get("data").getPersistentVolumeClaim().getReadOnly()).isTrue();
            assertThat(volumes.get("scratch").getEmptyDir().getMedium()).isEqualTo("Memory");
            assertThat(volumes.get("scratch").getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("2Gi"));
            assertThat(volumes.get("settings").getConfigMap().getName()).isEqualTo("train-settings");
            assertThat(volumes.get("settings").getConfigMap().getItems()).singleElement()
                    .satisfies(i -> assertThat(i.getPath()).isEqualTo("conf/train.yaml"));
            assertThat(volumes.get("tls").getSecret().getSecretName()).isEqualTo("train-tls");
            assertThat(volumes.values()).allSatisfy(v -> assertThat(v.getHostPath()).isNull());
            assertThat(mounts.get("data").getMountPath()).isEqualTo("/data");
            assertThat(mounts.get("data").getReadOnly()).isTrue();
            assertThat(mounts.get("data").getSubPath()).isEqualTo("sets/2024");
            assertThat(mounts.get("scratch").getReadOnly()).isNull();
        }
    }

    @Test
    void pythonJobsGetTheProfileAndVolumesBesideTheRunnersOwn() throws Exception {
        PodSpec pod = template(plan(PYTHON, ActionKind.JOB, Map.of())).getSpec();

        assertThat(pod.getVolumes()).extracting(Volume::getName)
                .containsExactly("function-code", "function-work", "data");
        assertThat(pod.getContainers().get(0).getVolumeMounts()).extracting(VolumeMount::getMountPath)
                .containsExactly("/function", "/function-work", "/data");
        assertThat(pod.getNodeSelector()).isEqualTo(Map.of("pool", "gpu"));
        assertThat(pod.getContainers().get(0).getResources().getRequests()).containsEntry("cpu", new Quantity("500m"));
    }

    @Test
    void profileAndVolumesArePartOfTheVersion() throws Exception {
        FunctionSpec base = RUNTIMES.validate(new FunctionSpecReader().read(CONTAINER, "f.yaml"));
        FunctionSpec other = RUNTIMES.validate(new FunctionSpecReader().read(CONTAINER.replace("/scratch",
                "/tmp/scratch"), "f.yaml"));
        FunctionSpec reordered = RUNTIMES.validate(new FunctionSpecReader().read(CONTAINER
                .replace("readOnly: true\n                subPath: sets/2024",
                        "subPath: sets/2024\n                readOnly: true"), "f.yaml"));

        assertThat(base.field(PodFields.PROFILE)).isEqualTo("gpu-small");
        assertThat((List<?>) base.field(PodFields.VOLUMES)).hasSize(4);
        assertThat(other.version()).isNotEqualTo(base.version());
        assertThat(reordered.version()).isEqualTo(base.version());
        assertThat(RUNTIMES.validate(base).version()).as("the canonical form is stable").isEqualTo(base.version());
    }

    @Test
    void credentialsAreNeverInTheSpecThePlansYamlOrTheRequestsText() throws Exception {
        String yaml = "name: a\nruntime: container\nimage: busybox\nenv: {TOKEN: {credentialsId: api}}\n";
        Plan plan = plan(yaml, ActionKind.JOB, Map.of("api", CredentialValue.secretText("api", "s3cr3t-value")));

        assertThat(plan.objects()).extracting(HasMetadata::getKind).containsExactly("Job", "Secret");
        assertThat(plan.request().function().toCanonicalJson()).contains("\"credentialsId\":\"api\"")
                .doesNotContain("s3cr3t-value");
        String base64 = java.util.Base64.getEncoder().encodeToString("s3cr3t-value".getBytes(StandardCharsets.UTF_8));
        assertThat(plan.toYaml()).contains("TOKEN: \"" + Plan.REDACTED + "\"").doesNotContain(base64)
                .doesNotContain("s3cr3t-value");
        assertThat(plan.request().toString()).doesNotContain("s3cr3t-value");
        assertThat(plan.request().credentials().get("api").toString()).doesNotContain("s3cr3t-value");
    }

    @Test
    void theDigestChangesWithTheValuesOnly() throws Exception {
        String yaml = "name: a\nruntime: container\nimage: busybox\nenv: {TOKEN: {credentialsId: api}}\n";
        String one = annotation(plan(yaml, ActionKind.JOB, Map.of("api", CredentialValue.secretText("api", "one"))));
        String again = annotation(plan(yaml, ActionKind.JOB, Map.of("api", CredentialValue.secretText("api", "one"))));
        String two = annotation(plan(yaml, ActionKind.JOB, Map.of("api", CredentialValue.secretText("api", "two"))));

        assertThat(one).isNotBlank().isEqualTo(again).isNotEqualTo(two).doesNotContain("one");
    }

    private static String annotation(Plan plan) {
        return template(plan).getMetadata().getAnnotations().get(CredentialEnv.HASH_ANNOTATION);
    }
}
