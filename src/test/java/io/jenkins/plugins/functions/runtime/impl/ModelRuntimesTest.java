package io.jenkins.plugins.functions.runtime.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.FunctionRuntime;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.runtime.WorkloadOutputs;
import io.jenkins.plugins.functions.spec.SpecException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The objects the model runtimes plan: no cluster, only what would be sent. */
class ModelRuntimesTest {

    private static final String TOKEN = "hf_plan7estToken";
    private static final Profile AMD = new Profile("gpu-amd", Map.of("accelerator", "mi300"),
            List.of(new Profile.Toleration("amd.com/gpu", "Exists", null, "NoSchedule", null)), "models-high",
            null, new io.jenkins.plugins.functions.model.Resources(
                    new io.jenkins.plugins.functions.model.Resources.Amounts("2", "8Gi", null),
                    new io.jenkins.plugins.functions.model.Resources.Amounts(null, "16Gi", null)),
            "amd.com/gpu", "model-loader", List.of("registry-pull"));

    static Plan plan(FunctionRuntime runtime, Map<String, Object> fields, Profile profile,
                     Map<String, CredentialValue> credentials) throws SpecException {
        Map<String, Object> all = new LinkedHashMap<>(fields);
        String name = (String) all.remove("name");
        FunctionSpec spec = runtime.validate(FunctionSpec.of(name == null ? "chat" : name, runtime.kind(), all));
        return runtime.plan(RunRequest.builder(spec, ActionKind.SERVE).runId("r1a2b3c4d5").namespace("models")
                .profile(profile).credentials(credentials).build());
    }

    private static Deployment deployment(Plan plan) {
        return (Deployment) plan.workload();
    }

    private static Container main(Plan plan) {
        return deployment(plan).getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    @Test
    void theModelRuntimesAreInstalledByTheServiceLoader() throws SpecException {
        RuntimeRegistry registry = RuntimeRegistry.fromServiceLoader(getClass().getClassLoader());
        assertThat(registry.kinds()).contains("vllm", "kubeai", "modelserve");
        assertThat(registry.get("vllm").actions()).containsExactly(ActionKind.SERVE);
    }

    // ---- vllm ----

    @Test
    void vllmIsADeploymentAndServiceOnPort8000WithModelLoadingProbes() throws SpecException {
        Plan plan = plan(new VllmRuntime(), Map.of("model", "Qwen/Qwen2.5-0.5B-Instruct", "maxModelLen", 8192,
                "dtype", "bfloat16", "args", List.of("--enable-prefix-caching"), "startupTimeout", "30m"),
                Profile.NONE, Map.of());

        assertThat(plan.objects()).extracting(o -> o.getKind()).containsExactly("Deployment", "Service");
        Container main = main(plan);
        assertThat(main.getImage()).isEqualTo("vllm/vllm-openai:v0.8.5");
        assertThat(main.getArgs()).containsExactly("--model=Qwen/Qwen2.5-0.5B-Instruct",
                "--served-model-name=Qwen/Qwen2.5-0.5B-Instruct", "--host=0.0.0.0", "--port=8000",
                "--max-model-len=8192", "--dtype=bfloat16", "--enable-prefix-caching");
        assertThat(main.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(8000));
        assertThat(main.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health");
        assertThat(main.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health");
        assertThat(main.getStartupProbe().getHttpGet().getPath()).isEqualTo("/health");
        assertThat(main.getStartupProbe().getPeriodSeconds() * main.getStartupProbe().getFailureThreshold())
                .as("30 minutes to load the model").isEqualTo(1800);
        PodSpec pod = deployment(plan).getSpec().getTemplate().getSpec();
        Volume shm = pod.getVolumes().stream().filter(v -> v.getName().equals("dshm")).findFirst().orElseThrow();
        assertThat(shm.getEmptyDir().getMedium()).isEqualTo("Memory");
        assertThat(shm.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("2Gi"));
        assertThat(main.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("dshm");
            assertThat(m.getMountPath()).isEqualTo("/dev/shm");
        });
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        Service service = (Service) plan.objects().get(1);
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(8000));
        assertThat(service.getSpec().getSelector()).isEqualTo(deployment(plan).getSpec().getSelector().getMatchLabels());
        assertThat(WorkloadOutputs.read(deployment(plan))).containsEntry("url", "http://chat.models.svc:8000/v1")
                .containsEntry("model", "Qwen/Qwen2.5-0.5B-Instruct").containsEntry("engine", "vllm")
                .containsEntry("image", "vllm/vllm-openai:v0.8.5")
                .containsEntry("modelUri", "Qwen/Qwen2.5-0.5B-Instruct");
    }

    @Test
    void gpusGoUnderTheProfilesResourceNameWithItsSchedulingAndShardTheModel() throws SpecException {
        Plan plan = plan(new VllmRuntime(), Map.of("model", "meta-llama/Llama-3.1-8B-Instruct", "gpus", 2,
                "profile", "gpu-amd", "resources", Map.of("requests", Map.of("cpu", "4"))), AMD, Map.of());

        Container main = main(plan);
        assertThat(main.getResources().getLimits()).containsEntry("amd.com/gpu", new Quantity("2"))
                .containsEntry("memory", new Quantity("16Gi")).doesNotContainKey("nvidia.com/gpu");
        assertThat(main.getResources().getRequests()).as("the function's cpu, the profile's memory")
                .containsEntry("cpu", new Quantity("4")).containsEntry("memory", new Quantity("8Gi"));
        assertThat(main.getArgs()).contains("--tensor-parallel-size=2");
        PodSpec pod = deployment(plan).getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeSelector()).containsEntry("accelerator", "mi300");
        assertThat(pod.getTolerations()).singleElement().satisfies(t -> assertThat(t.getKey()).isEqualTo("amd.com/gpu"));
        assertThat(pod.getPriorityClassName()).isEqualTo("models-high");
        assertThat(pod.getServiceAccountName()).isEqualTo("model-loader");
        assertThat(pod.getImagePullSecrets()).singleElement().satisfies(s -> assertThat(s.getName())
                .isEqualTo("registry-pull"));
    }

    @Test
    void gpusWithoutAProfileThatOffersThemAreRefused() {
        SpecException none = catchThrowableOfType(() -> plan(new VllmRuntime(), Map.of("model", "Qwen/Qwen2.5-7B",
                "gpus", 1), Profile.NONE, Map.of()), SpecException.class);
        assertThat(none.getField()).isEqualTo("gpus");
        assertThat(none.getAllowed()).contains("names no profile");

        Profile cpu = new Profile("cpu", Map.of(), List.of(), null, null, null, null, null, List.of());
        SpecException noGpus = catchThrowableOfType(() -> plan(new VllmRuntime(), Map.of("model", "Qwen/Qwen2.5-7B",
                "gpus", 1, "profile", "cpu"), cpu, Map.of()), SpecException.class);
        assertThat(noGpus.getField()).isEqualTo("gpus");
        assertThat(noGpus.getAllowed()).contains("profile 'cpu' offers none");

        SpecException unresolved = catchThrowableOfType(() -> plan(new VllmRuntime(), Map.of("model",
                "Qwen/Qwen2.5-7B", "gpus", 1, "profile", "gpu-small"), Profile.NONE, Map.of()), SpecException.class);
        assertThat(unresolved.getField()).isEqualTo("gpus");
        assertThat(unresolved.getAllowed()).contains("profile 'gpu-small' is not configured here");
    }

    @Test
    void aPvcModelIsMountedReadOnly() throws SpecException {
        Plan plan = plan(new VllmRuntime(), Map.of("model", "pvc://llm-weights/qwen/2.5-7b"), Profile.NONE, Map.of());

        Container main = main(plan);
        assertThat(main.getArgs()).contains("--model=/mnt/models/qwen/2.5-7b", "--served-model-name=chat");
        assertThat(main.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/mnt/models");
            assertThat(m.getReadOnly()).isTrue();
        });
        Volume claim = deployment(plan).getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getPersistentVolumeClaim() != null).findFirst().orElseThrow();
        assertThat(claim.getPersistentVolumeClaim().getClaimName()).isEqualTo("llm-weights");
        assertThat(claim.getPersistentVolumeClaim().getReadOnly()).isTrue();
    }

    @Test
    void anS3ModelIsStreamedWithTheRunAiLoader() throws SpecException {
        Plan plan = plan(new VllmRuntime(), Map.of("model", "s3://models/qwen2.5-7b/", "servedModelName", "qwen"),
                Profile.NONE, Map.of());
        assertThat(main(plan).getArgs()).contains("--model=s3://models/qwen2.5-7b/", "--served-model-name=qwen",
                "--load-format=runai_streamer");
    }

    @Test
    void theHuggingFaceTokenIsInAPerRunSecretNeverInThePodSpec() throws SpecException {
        Plan plan = plan(new VllmRuntime(), Map.of("model", "meta-llama/Llama-3.2-1B-Instruct",
                "hfTokenCredentialsId", "hf-token"), Profile.NONE,
                Map.of("hf-token", CredentialValue.secretText("hf-token", TOKEN)));

        Secret secret = (Secret) plan.objects().stream().filter(o -> o instanceof Secret).findFirst().orElseThrow();
        assertThat(secret.getMetadata().getName()).isEqualTo("chat-r1a2b3c4d5-hf-token");
        assertThat(new String(Base64.getDecoder().decode(secret.getData().get("HF_TOKEN")), StandardCharsets.UTF_8))
                .isEqualTo(TOKEN);
        EnvVar env = main(plan).getEnv().stream().filter(e -> e.getName().equals("HF_TOKEN")).findFirst().orElseThrow();
        assertThat(env.getValue()).isNull();
        assertThat(env.getValueFrom().getSecretKeyRef().getName()).isEqualTo("chat-r1a2b3c4d5-hf-token");
        assertThat(env.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("HF_TOKEN");
        assertThat(Serialization.asJson(plan.workload())).doesNotContain(TOKEN);
        assertThat(plan.request().toString()).doesNotContain(TOKEN);
        assertThat(plan.request().function().toCanonicalJson()).doesNotContain(TOKEN).contains("hf-token");
    }

    @Test
    void aTokenTheRunDidNotResolveOrOfTheWrongKindIsRefused() {
        SpecException missing = catchThrowableOfType(() -> plan(new VllmRuntime(), Map.of("model", "org/m",
                "hfTokenCredentialsId", "hf-token"), Profile.NONE, Map.of()), SpecException.class);
        assertThat(missing.getField()).isEqualTo("hfTokenCredentialsId");

        SpecException kind = catchThrowableOfType(() -> plan(new VllmRuntime(), Map.of("model", "org/m",
                "hfTokenCredentialsId", "hf-token"), Profile.NONE, Map.of("hf-token",
                CredentialValue.usernamePassword("hf-token", "me", TOKEN))), SpecException.class);
        assertThat(kind.getField()).isEqualTo("hfTokenCredentialsId");
        assertThat(kind.getMessage()).contains("secret text").doesNotContain(TOKEN);
    }

    @Test
    void theCanonicalFormWritesTheDefaultsThatChangeBehaviour() throws SpecException {
        VllmRuntime runtime = new VllmRuntime();
        FunctionSpec once = runtime.validate(FunctionSpec.of("chat", "vllm", Map.of("model", "Qwen/Qwen2.5-0.5B")));
        assertThat(once.fields()).containsEntry("image", "vllm/vllm-openai:v0.8.5")
                .containsEntry("servedModelName", "Qwen/Qwen2.5-0.5B").containsEntry("startupTimeout", "1200s")
                .containsEntry("shmSize", "2Gi").containsEntry("replicas", 1);
        assertThat(runtime.validate(once)).isEqualTo(once);
        assertThat(runtime.validate(once).version()).isEqualTo(once.version());
    }

    // ---- modelserve ----

    @Test
    void modelServeDownloadsAnHttpsModelWithAnInitContainer() throws SpecException {
        Plan plan = plan(new ModelServeRuntime(), Map.of("name", "iris", "model",
                "https://models.example.com/iris/v3/model.joblib", "framework", "sklearn"), Profile.NONE, Map.of());

        PodSpec pod = deployment(plan).getSpec().getTemplate().getSpec();
        assertThat(pod.getInitContainers()).singleElement().satisfies(init -> {
            assertThat(init.getImage()).isEqualTo(ModelServeRuntime.HTTPS_IMAGE);
            assertThat(init.getCommand()).containsExactly("curl", "-fsSL", "--retry", "3", "-o",
                    "/mnt/models/model.joblib", "https://models.example.com/iris/v3/model.joblib");
        });
        Container main = pod.getContainers().get(0);
        assertThat(main.getImage()).isEqualTo("seldonio/mlserver:1.6.1");
        assertThat(main.getEnv()).extracting(EnvVar::getName, EnvVar::getValue).contains(
                org.assertj.core.groups.Tuple.tuple("MLSERVER_MODEL_NAME", "iris"),
                org.assertj.core.groups.Tuple.tuple("MLSERVER_MODEL_IMPLEMENTATION", "mlserver_sklearn.SKLearnModel"),
                org.assertj.core.groups.Tuple.tuple("MLSERVER_MODEL_URI", "/mnt/models/model.joblib"),
                org.assertj.core.groups.Tuple.tuple("MLSERVER_HTTP_PORT", "8080"));
        assertThat(main.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/v2/health/ready");
        assertThat(main.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/v2/health/live");
        assertThat(main.getStartupProbe()).isNotNull();
        assertThat(WorkloadOutputs.read(plan.workload())).containsEntry("url", "http://iris.models.svc:8080/v2/models/iris")
                .containsEntry("engine", "mlserver").containsEntry("framework", "sklearn")
                .containsEntry("modelUri", "https://models.example.com/iris/v3/model.joblib");
    }

    @Test
    void anMlflowModelFromS3IsCopiedAsADirectory() throws SpecException {
        Plan plan = plan(new ModelServeRuntime(), Map.of("name", "churn", "model", "s3://ml-models/churn/7",
                "framework", "mlflow", "modelName", "churn-v7"), Profile.NONE, Map.of());

        PodSpec pod = deployment(plan).getSpec().getTemplate().getSpec();
        assertThat(pod.getInitContainers()).singleElement().satisfies(init -> assertThat(init.getCommand())
                .containsExactly("aws", "s3", "cp", "--recursive", "s3://ml-models/churn/7", "/mnt/models/model"));
        assertThat(pod.getContainers().get(0).getEnv()).extracting(EnvVar::getName, EnvVar::getValue).contains(
                org.assertj.core.groups.Tuple.tuple("MLSERVER_MODEL_IMPLEMENTATION", "mlserver_mlflow.MLflowRuntime"),
                org.assertj.core.groups.Tuple.tuple("MLSERVER_MODEL_URI", "/mnt/models/model"));
        assertThat(WorkloadOutputs.read(plan.workload())).containsEntry("url",
                "http://churn.models.svc:8080/v2/models/churn-v7");
    }

    @Test
    void aPvcModelIsServedWithoutDownload() throws SpecException {
        Plan plan = plan(new ModelServeRuntime(), Map.of("name", "fraud", "model", "pvc://models/xgb/fraud.json",
                "framework", "xgboost"), Profile.NONE, Map.of());

        PodSpec pod = deployment(plan).getSpec().getTemplate().getSpec();
        assertThat(pod.getInitContainers()).isEmpty();
        assertThat(pod.getContainers().get(0).getEnv()).extracting(EnvVar::getName, EnvVar::getValue).contains(
                org.assertj.core.groups.Tuple.tuple("MLSERVER_MODEL_IMPLEMENTATION", "mlserver_xgboost.XGBoostModel"),
                org.assertj.core.groups.Tuple.tuple("MLSERVER_MODEL_URI", "/mnt/models/xgb/fraud.json"));
        assertThat(pod.getContainers().get(0).getVolumeMounts()).singleElement()
                .satisfies(m -> assertThat(m.getReadOnly()).isTrue());
    }

    // ---- kubeai ----

    @Test
    void kubeAiIsOneModelResource() throws SpecException {
        Plan plan = plan(new KubeAiRuntime(), Map.of("name", "qwen", "url", "Qwen/Qwen2.5-0.5B-Instruct",
                "engine", "VLLM", "features", List.of("TextGeneration"), "kubeaiNamespace", "kubeai"),
                Profile.NONE, Map.of());

        assertThat(plan.objects()).singleElement().isSameAs(plan.workload());
        GenericKubernetesResource model = (GenericKubernetesResource) plan.workload();
        assertThat(model.getApiVersion()).isEqualTo("kubeai.org/v1");
        assertThat(model.getKind()).isEqualTo("Model");
        assertThat(model.getMetadata().getNamespace()).isEqualTo("models");
        assertThat(model.getAdditionalProperties().get("spec")).isEqualTo(Map.of("url", "hf://Qwen/Qwen2.5-0.5B-Instruct",
                "engine", "VLLM", "features", List.of("TextGeneration"), "minReplicas", 1));
        assertThat(WorkloadOutputs.read(model)).containsEntry("url", "http://kubeai.kubeai.svc/openai/v1")
                .containsEntry("model", "qwen");
    }

    @Test
    void theModelRuntimesServeOnlyAndReadOnlyTheirOwnFunctions() throws SpecException {
        Map<FunctionRuntime, Map<String, Object>> runtimes = new LinkedHashMap<>();
        runtimes.put(new VllmRuntime(), Map.of("model", "org/m"));
        runtimes.put(new ModelServeRuntime(), Map.of("model", "s3://ml-models/churn/7", "framework", "mlflow"));
        runtimes.put(new KubeAiRuntime(), Map.of("url", "Qwen/Qwen2.5-0.5B-Instruct", "engine", "VLLM",
                "features", List.of("TextGeneration")));
        for (Map.Entry<FunctionRuntime, Map<String, Object>> e : runtimes.entrySet()) {
            FunctionRuntime runtime = e.getKey();
            FunctionSpec spec = runtime.validate(FunctionSpec.of("m", runtime.kind(), e.getValue()));
            SpecException job = catchThrowableOfType(() -> runtime.plan(RunRequest.builder(spec, ActionKind.JOB)
                    .runId("r1a2b3c4d5").build()), SpecException.class);
            assertThat(job.getField()).isEqualTo("action");
            assertThat(job.getValue()).isEqualTo("job");
            assertThat(job.getAllowed()).isEqualTo("runtime '" + runtime.kind() + "' supports serve");

            SpecException other = catchThrowableOfType(() -> runtime.validate(FunctionSpec.of("m", "container",
                    e.getValue())), SpecException.class);
            assertThat(other.getField()).isEqualTo("runtime");
            assertThat(other.getValue()).isEqualTo("container");
            assertThat(other.getAllowed()).isEqualTo("must be '" + runtime.kind() + "' for this runtime");
        }
    }
}
