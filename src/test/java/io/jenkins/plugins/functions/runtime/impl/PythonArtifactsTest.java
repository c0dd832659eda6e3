package io.jenkins.plugins.functions.runtime.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.ArtifactStore;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.StoreKeys;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunArtifacts;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.spec.FunctionSpecReader;
import io.jenkins.plugins.functions.testing.LocalPod;
import io.jenkins.plugins.functions.testing.S3TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * A python function's artifacts and inputs, end to end through the real parts: the function is
 * planned with a store, its pod's main container runs as a local process with the env the plan
 * gives it (the keys read from the plan's Secret, as the kubelet does), and the runner talks to a
 * real S3 server ({@link S3TestServer}). What the store holds afterwards is read with the AWS SDK.
 */
class PythonArtifactsTest {

    private static final String BUCKET = "ml-artifacts";
    private static S3TestServer s3;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3TestServer.start(BUCKET);
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
    }

    private static final String TRAIN = """
            name: train
            runtime: python
            handler: main:handler
            artifacts:
              - name: model
                path: model.joblib
                mediaType: application/octet-stream
            source:
              code: |
                import json, os, pathlib
                def handler(parameters, context):
                    folder = context["artifacts_dir"]
                    with open(os.path.join(folder, "model.joblib"), "wb") as f:
                        f.write(b"weights" * 1000)
                    with open(os.path.join(folder, "metrics.json"), "w") as f:
                        json.dump({"accuracy": 0.97}, f)
                    report = pathlib.Path(folder).parent / "report.txt"
                    report.write_text("fine")
                    return {"accuracy": 0.97, "report": report}
            """;

    private static final String EVALUATE = """
            name: evaluate
            runtime: python
            handler: main:handler
            inputs:
              - name: model
            source:
              code: |
                def handler(parameters, inputs):
                    with open(inputs["model"], "rb") as f:
                        return {"size": len(f.read()), "path": inputs["model"]}
            """;

    @Test
    void aRunUploadsItsArtifactsAndTheNextOneDownloadsThem(@TempDir Path root) throws Exception {
        assumeTrue(python3());
        LocalPod train = run(TRAIN, "r1train001", Map.of(), s3Keys(), root.resolve("train"));
        assertThat(train.exitCode()).as(train.output()).isZero();
        String prefix = "team-a/train-job/42/r1train001";
        assertThat(s3.keys(BUCKET, prefix + "/")).containsExactlyInAnyOrder(prefix + "/model.joblib",
                prefix + "/metrics.json", prefix + "/report.txt");
        HeadObjectResponse model = s3.client().headObject(r -> r.bucket(BUCKET).key(prefix + "/model.joblib"));
        assertThat(model.contentLength()).isEqualTo(7000);
        assertThat(model.contentType()).isEqualTo("application/octet-stream");
        assertThat(model.metadata()).containsEntry("artifact-name", "model").containsKey("sha256");
        assertThat(s3.client().headObject(r -> r.bucket(BUCKET).key(prefix + "/metrics.json")).metadata())
                .containsEntry("artifact-name", "metrics");
        assertThat(train.terminationMessage()).isEqualTo("{\"accuracy\":0.97,\"report\":\"s3://" + BUCKET + "/" + prefix
                + "/report.txt\"}");
        assertThat(train.output()).doesNotContain(S3TestServer.SECRET_KEY);

        LocalPod evaluate = run(EVALUATE, "r2evaluate", Map.of("model", "s3://" + BUCKET + "/" + prefix + "/model.joblib"),
                s3Keys(), root.resolve("evaluate"));
        assertThat(evaluate.exitCode()).as(evaluate.output()).isZero();
        assertThat(evaluate.terminationMessage()).startsWith("{\"size\":7000,\"path\":\"")
                .contains("inputs/model/model.joblib");
    }

    @Test
    void aMissingInputFailsTheSetupAndNamesTheObject(@TempDir Path root) throws Exception {
        assumeTrue(python3());
        LocalPod run = run(EVALUATE, "r3missing0", Map.of("model", "s3://" + BUCKET + "/nothing/here.joblib"), s3Keys(),
                root);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.terminationMessage()).contains("cannot download s3://" + BUCKET + "/nothing/here.joblib")
                .contains("no such object");
        assertThat(root.resolve("function-work/inputs/model/here.joblib")).doesNotExist();
        assertThat(root.resolve("function-work/inputs/model/here.joblib.part")).doesNotExist();
    }

    @Test
    void aWrongKeyIsRefusedWithoutShowingIt(@TempDir Path root) throws Exception {
        assumeTrue(python3());
        LocalPod run = run(TRAIN, "r4wrongkey", Map.of(), new StoreKeys(S3TestServer.ACCESS_KEY, "not-the-key"), root);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.terminationMessage()).contains("the store refused the access key");
        assertThat(run.output() + run.terminationMessage()).doesNotContain("not-the-key");
        assertThat(s3.keys(BUCKET, "team-a/train-job/42/r4wrongkey/")).isEmpty();
    }

    @Test
    void aStoreThatIsDownFailsTheUploadClearly(@TempDir Path root) throws Exception {
        assumeTrue(python3());
        LocalPod run = run(TRAIN, "r5down0000", Map.of(), s3Keys(), root, "http://127.0.0.1:9");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.terminationMessage()).contains("is not reachable");
    }

    @Test
    void aDeclaredArtifactThatWasNotWrittenFailsTheRun(@TempDir Path root) throws Exception {
        assumeTrue(python3());
        String lazy = TRAIN.replace("def handler(parameters, context):", "def handler(parameters, context):\n"
                + "        return {}\n    def unused(parameters, context):");
        LocalPod run = run(lazy, "r6lazy0000", Map.of(), s3Keys(), root);
        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(run.terminationMessage()).contains("artifact 'model' is declared at model.joblib");
    }

    @Test
    void whatAFailingHandlerWroteIsKeptAndTheRunFailsWithTheHandlersError(@TempDir Path root) throws Exception {
        assumeTrue(python3());
        String failing = """
                name: train
                runtime: python
                handler: main:handler
                artifacts:
                  - name: model
                    path: model.joblib
                source:
                  code: |
                    import os
                    def handler(parameters, context):
                        with open(os.path.join(context["artifacts_dir"], "training.log"), "w") as f:
                            f.write("epoch 1: loss 0.9")
                        raise RuntimeError("diverged at epoch 2")
                """;
        LocalPod run = run(failing, "r8failed00", Map.of(), s3Keys(), root);
        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(run.terminationMessage()).contains("RuntimeError").contains("diverged at epoch 2")
                .doesNotContain("model");
        String prefix = "team-a/train-job/42/r8failed00";
        assertThat(s3.keys(BUCKET, prefix + "/")).as("the log, not the model it never wrote")
                .containsExactly(prefix + "/training.log");
        assertThat(s3.client().headObject(r -> r.bucket(BUCKET).key(prefix + "/training.log")).metadata())
                .containsEntry("artifact-name", "training");
    }

    @Test
    void aFailingHandlerWithAStoreThatIsDownFailsWithItsOwnError(@TempDir Path root) throws Exception {
        assumeTrue(python3());
        String failing = TRAIN.replace("return {\"accuracy\": 0.97, \"report\": report}",
                "raise ValueError(\"no data\")");
        LocalPod run = run(failing, "r9down0000", Map.of(), s3Keys(), root, "http://127.0.0.1:9");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.terminationMessage()).contains("ValueError").contains("no data");
        assertThat(run.output()).contains("could not be kept").contains("is not reachable");
    }

    @Test
    void withoutAStoreTheFunctionRunsAsBefore(@TempDir Path root) throws Exception {
        assumeTrue(python3());
        String plain = """
                name: plain
                runtime: python
                handler: main:handler
                source:
                  code: |
                    def handler(parameters, context):
                        return {"inputs": "inputs" in context}
                """;
        FunctionSpec spec = new PythonRuntime().validate(new FunctionSpecReader().read(
                plain.getBytes(StandardCharsets.UTF_8), "plain.yaml"));
        Plan plan = new PythonRuntime().plan(RunRequest.builder(spec, ActionKind.JOB).runId("r7plain000").build());
        LocalPod run = LocalPod.run(((Job) plan.workload()).getSpec().getTemplate().getSpec(), objects(plan), root,
                Map.of());
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.terminationMessage()).isEqualTo("{\"inputs\":false}");
    }

    private static StoreKeys s3Keys() {
        return new StoreKeys(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY);
    }

    private static LocalPod run(String yaml, String runId, Map<String, String> inputs, StoreKeys keys, Path root)
            throws Exception {
        return run(yaml, runId, inputs, keys, root, s3.endpoint());
    }

    private static LocalPod run(String yaml, String runId, Map<String, String> inputs, StoreKeys keys, Path root,
            String endpoint) throws Exception {
        PythonRuntime runtime = new PythonRuntime();
        FunctionSpec spec = runtime.validate(new FunctionSpecReader().read(yaml.getBytes(StandardCharsets.UTF_8),
                "function.yaml"));
        ArtifactStore store = new ArtifactStore(endpoint, null, BUCKET, true, "team-a");
        Plan plan = runtime.plan(RunRequest.builder(spec, ActionKind.JOB).runId(runId)
                .artifacts(new RunArtifacts(store, keys, store.runPrefix("train-job", 42, runId), inputs)).build());
        PodSpec pod = ((Job) plan.workload()).getSpec().getTemplate().getSpec();
        return LocalPod.run(pod, objects(plan), root, Map.of());
    }

    private static Map<String, HasMetadata> objects(Plan plan) {
        Map<String, HasMetadata> byName = new LinkedHashMap<>();
        plan.objects().forEach(o -> byName.put(o.getMetadata().getName(), o));
        return byName;
    }

    private static boolean python3() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
