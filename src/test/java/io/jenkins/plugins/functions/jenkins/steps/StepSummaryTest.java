package io.jenkins.plugins.functions.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the Pipeline graph and stage views show beside each function step: the descriptors'
 * {@code argumentsToString}, given the arguments as the Pipeline keeps them.
 */
class StepSummaryTest {

    /** Stands for workflow-api's {@code ArgumentsAction.NotStoredReason}: what the Pipeline keeps instead of a value. */
    enum NotStored { MASKED_VALUE, OVERSIZE_VALUE }

    private static Map<String, Object> args(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private final RunFunctionStep.DescriptorImpl run = new RunFunctionStep.DescriptorImpl();
    private final ServeFunctionStep.DescriptorImpl serve = new ServeFunctionStep.DescriptorImpl();
    private final DeployFunctionStep.DescriptorImpl deploy = new DeployFunctionStep.DescriptorImpl();
    private final BuildImageStep.DescriptorImpl buildImage = new BuildImageStep.DescriptorImpl();
    private final StopFunctionStep.DescriptorImpl stop = new StopFunctionStep.DescriptorImpl();

    @Test
    void eachStepSaysWhatItRan() {
        assertThat(run.argumentsToString(args("name", "hello", "runtime", "container", "image", "busybox:1.36")))
                .isEqualTo("hello (container job)");
        assertThat(run.argumentsToString(args("file", "functions/hello.yaml", "parameters", Map.of("name", "Ada"))))
                .isEqualTo("functions/hello.yaml (job)");
        assertThat(serve.argumentsToString(args("name", "llm", "runtime", "vllm", "model", "Qwen/Qwen2.5-0.5B-Instruct")))
                .isEqualTo("llm (vllm serve)");
        assertThat(deploy.argumentsToString(args("file", "functions/worker.yaml"))).isEqualTo("functions/worker.yaml (deploy)");
        assertThat(buildImage.argumentsToString(args("file", "functions/greeter.yaml", "runtime", "python",
                "image", "harbor.example.com/team/greeter:1")))
                .isEqualTo("functions/greeter.yaml (python build) → harbor.example.com/team/greeter:1");
        assertThat(buildImage.argumentsToString(args("image", "harbor.example.com/team/web:1.0", "context", "app")))
                .isEqualTo("harbor.example.com/team/web:1.0 (build)");
        assertThat(stop.argumentsToString(args("name", "web"))).isEqualTo("web");
        assertThat(stop.argumentsToString(args("name", "web", "namespace", "team-a"))).isEqualTo("web (namespace team-a)");
    }

    @Test
    void theNameWinsOverTheFile() {
        assertThat(run.argumentsToString(args("file", "functions/hello.yaml", "name", "hello-override")))
                .isEqualTo("hello-override (job)");
    }

    @Test
    void nothingNamedMeansNoSummary() {
        assertThat(run.argumentsToString(args("image", "busybox", "command", List.of("sh", "-c", "echo hi")))).isNull();
        assertThat(run.argumentsToString(Map.of())).isNull();
        assertThat(stop.argumentsToString(Map.of())).isNull();
    }

    @Test
    void secretsAndScriptsNeverShow() {
        Map<String, Object> a = args("name", "hello", "runtime", "python",
                "env", Map.of("TOKEN", "s3cr3t-token", "DB", Map.of("credentialsId", "db-pass")),
                "parameters", Map.of("password", "hunter2"),
                "source", Map.of("code", "import os\nprint(os.environ['TOKEN'])\n" + "x = 1\n".repeat(500)),
                "command", List.of("sh", "-c", "curl -H 'Authorization: s3cr3t-token' ..."),
                "handler", "main:handler");
        String summary = run.argumentsToString(a);
        assertThat(summary).isEqualTo("hello (python job)");
        assertThat(summary).doesNotContain("s3cr3t").doesNotContain("hunter2").doesNotContain("db-pass")
                .doesNotContain("import").doesNotContain("main:handler");
    }

    @Test
    void aValueThePipelineDidNotKeepIsLeftOutNotShown() {
        // withCredentials masks an argument whose value is a secret: the Pipeline keeps a marker.
        assertThat(run.argumentsToString(args("name", NotStored.MASKED_VALUE, "file", "functions/hello.yaml")))
                .isEqualTo("functions/hello.yaml (job)");
        assertThat(run.argumentsToString(args("name", NotStored.MASKED_VALUE))).isNull();
        assertThat(serve.argumentsToString(args("name", "web", "runtime", NotStored.OVERSIZE_VALUE)))
                .isEqualTo("web (serve)");
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("name", null);
        withNull.put("file", "f.yaml");
        assertThat(run.argumentsToString(withNull)).isEqualTo("f.yaml (job)");
    }

    @Test
    void theSummaryIsOneShortLine() {
        String longPath = "a/very/deep/folder/".repeat(10) + "functions/hello.yaml";
        String fromFile = run.argumentsToString(args("file", longPath));
        assertThat(fromFile).isEqualTo("…" + longPath.substring(longPath.length() - (StepSummary.MAX_PART - 1))
                + " (job)").endsWith("functions/hello.yaml (job)");

        String all = buildImage.argumentsToString(args("name", "n".repeat(80), "runtime", "r".repeat(80),
                "image", "registry.example.com/" + "i".repeat(80) + ":1"));
        assertThat(all).hasSize(StepSummary.MAX_LENGTH).endsWith("…");

        assertThat(run.argumentsToString(args("name", "  hello\n\tworld\u0007 ", "runtime", "container")))
                .isEqualTo("hello world (container job)");
    }
}
