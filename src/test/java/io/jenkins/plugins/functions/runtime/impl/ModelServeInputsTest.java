package io.jenkins.plugins.functions.runtime.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.ArtifactStore;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.StoreKeys;
import io.jenkins.plugins.functions.runtime.ArtifactEnv;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunArtifacts;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.WorkloadOutputs;
import io.jenkins.plugins.functions.spec.SpecException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A {@code modelserve} function whose model is an earlier run's artifact: the step's input
 * {@code model} when the function has none, downloaded with the artifact store's endpoint and key
 * (the run's Secret, owned by the Deployment), path-style for MinIO; what is refused, and a model
 * outside the store's bucket left to the pod's own identity as before.
 */
class ModelServeInputsTest {

    private static final String BUCKET = "ml-artifacts";
    private static final String MODEL = "s3://" + BUCKET + "/ci/team-a/train/42/k3x9q2m7ab/model.joblib";
    private static final StoreKeys KEYS = new StoreKeys("AKIAEXAMPLE", "wJalr/XUtnFEMI+K7MDENG");

    private static RunArtifacts store(boolean pathStyle, Map<String, String> inputs) {
        return new RunArtifacts(new ArtifactStore("http://minio.minio.svc:9000", null, BUCKET, pathStyle, "ci"), KEYS,
                "ci/team-a/train/42/s3rv3r0001", inputs);
    }

    private static Plan plan(Map<String, Object> fields, RunArtifacts artifacts) throws SpecException {
        ModelServeRuntime runtime = new ModelServeRuntime();
        FunctionSpec spec = runtime.validate(FunctionSpec.of("iris", "modelserve", new LinkedHashMap<>(fields)));
        return runtime.plan(RunRequest.builder(spec, ActionKind.SERVE).runId("s3rv3r0001").namespace("models")
                .artifacts(artifacts).build());
    }

    private static Container download(Plan plan) {
        return ((Deployment) plan.workload()).getSpec().getTemplate().getSpec().getInitContainers().get(0);
    }

    @Test
    void withoutAModelTheFunctionServesTheRunsInputModelFromTheStore() throws SpecException {
        Plan plan = plan(Map.of("framework", "sklearn"), store(true, Map.of("model", MODEL)));

        Container download = download(plan);
        assertThat(download.getImage()).isEqualTo(ModelServeRuntime.S3_IMAGE);
        assertThat(download.getCommand()).hasSize(3).startsWith("sh", "-c");
        assertThat(download.getCommand().get(2)).contains("addressing_style = path")
                .contains("'aws' 's3' 'cp' '" + MODEL + "' '/mnt/models/model.joblib'")
                .endsWith("rm -f \"$AWS_CONFIG_FILE\"\n");
        assertThat(download.getEnv()).extracting(EnvVar::getName).containsExactly(ArtifactEnv.ENDPOINT,
                ArtifactEnv.REGION, ArtifactEnv.DEFAULT_REGION, ArtifactEnv.ACCESS_KEY_ID, ArtifactEnv.SECRET_ACCESS_KEY);
        assertThat(download.getEnv().get(0).getValue()).isEqualTo("http://minio.minio.svc:9000");
        EnvVar secretKey = download.getEnv().get(4);
        assertThat(secretKey.getValue()).isNull();
        assertThat(secretKey.getValueFrom().getSecretKeyRef().getName()).isEqualTo("iris-credentials");
        assertThat(secretKey.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(ArtifactEnv.SECRET_KEY_ENTRY);

        Secret secret = (Secret) plan.objects().get(plan.objects().size() - 1);
        assertThat(plan.objects().indexOf(secret)).as("after the Deployment, which owns it")
                .isGreaterThan(plan.objects().indexOf(plan.workload()));
        assertThat(secret.getMetadata().getName()).isEqualTo("iris-credentials");
        assertThat(new String(Base64.getDecoder().decode(secret.getData().get(ArtifactEnv.SECRET_KEY_ENTRY)),
                StandardCharsets.UTF_8)).isEqualTo(KEYS.secretAccessKey());
        assertThat(plan.toYaml()).doesNotContain(KEYS.secretAccessKey()).doesNotContain(
                Base64.getEncoder().encodeToString(KEYS.secretAccessKey().getBytes(StandardCharsets.UTF_8)));

        Container server = ((Deployment) plan.workload()).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(server.getEnv()).extracting(EnvVar::getName).as("the server never sees the key")
                .doesNotContain(ArtifactEnv.ACCESS_KEY_ID, ArtifactEnv.SECRET_ACCESS_KEY);
        assertThat(server.getEnv()).extracting(EnvVar::getName, EnvVar::getValue)
                .contains(org.assertj.core.groups.Tuple.tuple("MLSERVER_MODEL_URI", "/mnt/models/model.joblib"));
        assertThat(WorkloadOutputs.read(plan.workload())).containsEntry("modelUri", MODEL);
        assertThat(plan.request().function().fields()).as("the version does not depend on the input")
                .doesNotContainKey("model");
    }

    @Test
    void aModelWrittenInTheFunctionInTheStoresBucketIsDownloadedWithItsKeyToo() throws SpecException {
        Plan plan = plan(Map.of("model", "s3://" + BUCKET + "/shared/churn/", "framework", "mlflow"),
                store(false, Map.of()));

        Container download = download(plan);
        assertThat(download.getCommand()).as("virtual-hosted: no config file")
                .containsExactly("aws", "s3", "cp", "--recursive", "s3://" + BUCKET + "/shared/churn/", "/mnt/models/model");
        assertThat(download.getEnv()).extracting(EnvVar::getName).contains(ArtifactEnv.ENDPOINT,
                ArtifactEnv.SECRET_ACCESS_KEY);
        assertThat(plan.objects()).filteredOn(o -> o instanceof Secret).hasSize(1);
    }

    @Test
    void aModelOutsideTheStoresBucketKeepsThePodsOwnIdentity() throws SpecException {
        Plan plan = plan(Map.of("model", "s3://public-models/iris.joblib", "framework", "sklearn"),
                store(true, Map.of()));

        assertThat(download(plan).getCommand()).containsExactly("aws", "s3", "cp", "s3://public-models/iris.joblib",
                "/mnt/models/iris.joblib");
        assertThat(download(plan).getEnv()).isEmpty();
        assertThat(plan.objects()).noneMatch(o -> o instanceof Secret);
    }

    @Test
    void theModelIsGivenOnceInTheFunctionOrAsTheInput() {
        SpecException both = catchThrowableOfType(() -> plan(Map.of("model", "s3://" + BUCKET + "/old/model.joblib",
                "framework", "sklearn"), store(true, Map.of("model", MODEL))), SpecException.class);
        assertThat(both.getField()).isEqualTo("model");
        assertThat(both.getMessage()).contains("given once: in the function or as the step's input 'model' (" + MODEL
                + "), not both");

        SpecException neither = catchThrowableOfType(() -> plan(Map.of("framework", "sklearn"), null),
                SpecException.class);
        assertThat(neither.getField()).isEqualTo("model");
        assertThat(neither.getValue()).isNull();
        assertThat(neither.getMessage()).contains("or left out when the step passes the model as its input 'model'"
                + " (inputs: [model: train.artifacts.model]), which needs an artifact store");

        SpecException otherInput = catchThrowableOfType(() -> plan(Map.of("framework", "sklearn"),
                store(true, Map.of("weights", MODEL))), SpecException.class);
        assertThat(otherInput.getField()).as("only the input named model is the model").isEqualTo("model");
    }

    @Test
    void aModelLeftOutIsValidUntilARunHasNoInputForIt() throws SpecException {
        FunctionSpec valid = new ModelServeRuntime().validate(FunctionSpec.of("iris", "modelserve",
                Map.of("framework", "sklearn")));
        assertThat(valid.fields()).doesNotContainKey("model").containsEntry("framework", "sklearn");
    }
}
