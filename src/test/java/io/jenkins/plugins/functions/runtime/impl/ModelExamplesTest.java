package io.jenkins.plugins.functions.runtime.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.runtime.WorkloadOutputs;
import io.jenkins.plugins.functions.spec.FunctionSpecReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The model functions of examples/functions are valid and plan what their comments say. */
class ModelExamplesTest {

    private static final RuntimeRegistry RUNTIMES = RuntimeRegistry.fromServiceLoader(
            ModelExamplesTest.class.getClassLoader());
    private static final Profile GPU_SMALL = new Profile("gpu-small", Map.of(), List.of(), null, null, null,
            "nvidia.com/gpu", null, List.of());

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "qwen-chat.yaml, vllm, http://qwen-chat.models.svc:8000/v1, Qwen/Qwen2.5-0.5B-Instruct",
            "qwen-kubeai.yaml, kubeai, http://kubeai.models.svc/openai/v1, qwen-kubeai",
            "whisper.yaml, kubeai, http://kubeai.models.svc/openai/v1, whisper-small",
            "iris-sklearn.yaml, modelserve, http://iris.models.svc:8080/v2/models/iris, iris"})
    void anExampleIsValidAndPlans(String file, String runtime, String url, String model) throws Exception {
        Path path = Path.of("examples/functions", file);
        FunctionSpec spec = RUNTIMES.validate(new FunctionSpecReader().read(Files.readAllBytes(path), path.toString()));
        assertThat(spec.runtime()).isEqualTo(runtime);

        Plan plan = RUNTIMES.plan(RunRequest.builder(spec, ActionKind.SERVE).runId("abcde12345").namespace("models")
                .profile("gpu-small".equals(spec.field("profile")) ? GPU_SMALL : Profile.NONE).build());

        assertThat(WorkloadOutputs.read(plan.workload())).containsEntry("url", url).containsEntry("model", model);
    }
}
