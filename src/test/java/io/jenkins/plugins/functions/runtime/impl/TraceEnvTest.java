package io.jenkins.plugins.functions.runtime.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.observability.TraceContext;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.build.ImageBuild;
import io.jenkins.plugins.functions.runtime.build.ImageReference;
import io.jenkins.plugins.functions.spec.FunctionSpecReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The trace context every runtime gives its workload's containers when the step has one: a child
 * TRACEPARENT of the step's and OTEL_RESOURCE_ATTRIBUTES, through the shared pod completion; the
 * function's version unchanged; what the function sets itself kept.
 */
class TraceEnvTest {

    private static final String PARENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_SPAN = "00f067aa0ba902b7";
    private static final TraceContext STEP = TraceContext.parse("00-" + PARENT_TRACE + "-" + PARENT_SPAN + "-01",
            "vendor=abc").orElseThrow();
    private static final ContainerRuntime CONTAINER = new ContainerRuntime();
    private static final PythonRuntime PYTHON = new PythonRuntime();

    private static FunctionSpec container(Map<String, Object> fields) throws Exception {
        Map<String, Object> all = new LinkedHashMap<>(fields);
        all.put("image", "example.com/hello:1");
        return CONTAINER.validate(FunctionSpec.of("hello", "container", all));
    }

    private static RunRequest.Builder request(FunctionSpec spec, ActionKind action) {
        return RunRequest.builder(spec, action).runId("r1a2b3c4d5").namespace("team-a");
    }

    private static List<Container> containers(Plan plan) {
        PodSpec pod = plan.workload() instanceof Job job ? job.getSpec().getTemplate().getSpec()
                : ((Deployment) plan.workload()).getSpec().getTemplate().getSpec();
        List<Container> all = new ArrayList<>(pod.getContainers());
        if (pod.getInitContainers() != null) {
            all.addAll(pod.getInitContainers());
        }
        return all;
    }

    private static Map<String, String> env(Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
            env.put(e.getName(), e.getValue());
        }
        return env;
    }

    private static void assertTraced(Plan plan) {
        String expected = STEP.childFor(plan.request().runId()).traceparent();
        assertThat(containers(plan)).isNotEmpty().allSatisfy(c -> {
            Map<String, String> env = env(c);
            assertThat(env).as(c.getName()).containsEntry("TRACEPARENT", expected)
                    .containsEntry("TRACESTATE", "vendor=abc");
            assertThat(env.get("OTEL_RESOURCE_ATTRIBUTES")).contains("cicd.pipeline.task.run.id=r1a2b3c4d5")
                    .contains("function_runtimes.action=" + plan.request().action().id())
                    .contains("function_runtimes.runtime=" + plan.request().function().runtime())
                    .contains("service.version=" + plan.request().function().version());
        });
    }

    @Test
    void theChildContinuesTheStepsTraceWithASpanOfTheRun() {
        TraceContext child = STEP.childFor("r1a2b3c4d5");
        assertThat(child.traceId()).isEqualTo(PARENT_TRACE);
        assertThat(child.spanId()).hasSize(16).isNotEqualTo(PARENT_SPAN);
        assertThat(child.flags()).isEqualTo("01");
        assertThat(child.traceparent()).isEqualTo("00-" + PARENT_TRACE + "-" + child.spanId() + "-01");
        assertThat(STEP.childFor("r1a2b3c4d5")).as("the same run, the same span").isEqualTo(child);
        assertThat(STEP.childFor("otherrun01").spanId()).isNotEqualTo(child.spanId());
    }

    @Test
    void aContainerJobsPodGetsTheTraceAndTheRunsAttributes() throws Exception {
        FunctionSpec spec = container(Map.of());
        Plan plan = CONTAINER.plan(request(spec, ActionKind.JOB).trace(STEP).build());
        assertTraced(plan);
        assertThat(env(containers(plan).get(0)).get("OTEL_RESOURCE_ATTRIBUTES")).isEqualTo(
                "service.name=hello,service.version=" + spec.version() + ",faas.name=hello,faas.version="
                        + spec.version() + ",cicd.pipeline.task.run.id=r1a2b3c4d5,k8s.namespace.name=team-a,"
                        + "function_runtimes.runtime=container,function_runtimes.action=job");
    }

    @Test
    void withoutATraceContextNothingIsAdded() throws Exception {
        Plan plan = CONTAINER.plan(request(container(Map.of()), ActionKind.JOB).build());
        assertThat(env(containers(plan).get(0))).doesNotContainKeys("TRACEPARENT", "TRACESTATE",
                "OTEL_RESOURCE_ATTRIBUTES");
    }

    @Test
    void theTraceChangesThePodNotTheFunctionsVersion() throws Exception {
        FunctionSpec spec = container(Map.of("ports", List.of(8080)));
        Plan traced = CONTAINER.plan(request(spec, ActionKind.SERVE).trace(STEP).build());
        Plan plain = CONTAINER.plan(request(spec, ActionKind.SERVE).build());
        assertThat(traced.request().function().version()).isEqualTo(plain.request().function().version());
        assertThat(((Deployment) traced.workload()).getMetadata().getLabels())
                .isEqualTo(((Deployment) plain.workload()).getMetadata().getLabels());
        assertTraced(traced);
    }

    @Test
    void everyRuntimeAndActionGetsIt() throws Exception {
        assertTraced(CONTAINER.plan(request(container(Map.of("ports", List.of(8080))), ActionKind.SERVE)
                .trace(STEP).build()));
        assertTraced(CONTAINER.plan(request(container(Map.of()), ActionKind.DEPLOY).trace(STEP).build()));
        assertTraced(CONTAINER.plan(ImageBuildPlansTest.request(
                ImageBuildPlansTest.containerFunction(ImageBuildPlansTest.DESTINATION),
                new ImageBuild(ImageReference.parse("image", ImageBuildPlansTest.DESTINATION),
                        ImageBuildPlansTest.archive(), null, Map.of(), null, null))
                .runId("r1a2b3c4d5").trace(STEP).build()));
        FunctionSpec python = PYTHON.validate(new FunctionSpecReader().read(PythonRuntimeTest.MINIMAL, "test"));
        assertTraced(PYTHON.plan(request(python, ActionKind.JOB).trace(STEP).build()));
        assertTraced(PYTHON.plan(request(python, ActionKind.SERVE).trace(STEP).build()));
        assertTraced(ModelRuntimesTraced.vllm(STEP));
        assertTraced(ModelRuntimesTraced.modelServe(STEP));
    }

    @Test
    void whatTheFunctionSetsItselfIsKept() throws Exception {
        FunctionSpec spec = container(Map.of("env", List.of(
                Map.of("name", "TRACEPARENT", "value", "00-11111111111111111111111111111111-2222222222222222-00"),
                Map.of("name", "OTEL_RESOURCE_ATTRIBUTES", "value", "deployment.environment=prod,service.name=web"))));
        Plan plan = CONTAINER.plan(request(spec, ActionKind.JOB).trace(STEP).build());
        Map<String, String> env = env(containers(plan).get(0));
        assertThat(env.get("TRACEPARENT")).isEqualTo("00-11111111111111111111111111111111-2222222222222222-00");
        assertThat(env).doesNotContainKey("TRACESTATE");
        assertThat(env.get("OTEL_RESOURCE_ATTRIBUTES")).startsWith("deployment.environment=prod,service.name=web,")
                .contains("cicd.pipeline.task.run.id=r1a2b3c4d5").doesNotContain("service.name=hello");
    }

    /** The model runtimes' plans, as {@link ModelRuntimesTest} makes them, with a trace. */
    static final class ModelRuntimesTraced {
        static Plan vllm(TraceContext trace) throws Exception {
            VllmRuntime runtime = new VllmRuntime();
            FunctionSpec spec = runtime.validate(FunctionSpec.of("chat", "vllm", Map.of("model",
                    "Qwen/Qwen2.5-0.5B-Instruct")));
            return runtime.plan(RunRequest.builder(spec, ActionKind.SERVE).runId("r1a2b3c4d5").namespace("models")
                    .profile(Profile.NONE).trace(trace).build());
        }

        static Plan modelServe(TraceContext trace) throws Exception {
            ModelServeRuntime runtime = new ModelServeRuntime();
            FunctionSpec spec = runtime.validate(FunctionSpec.of("iris", "modelserve", Map.of("model",
                    "https://models.example.com/iris/v3/model.joblib", "framework", "sklearn")));
            return runtime.plan(RunRequest.builder(spec, ActionKind.SERVE).runId("r1a2b3c4d5").namespace("models")
                    .trace(trace).build());
        }
    }
}
