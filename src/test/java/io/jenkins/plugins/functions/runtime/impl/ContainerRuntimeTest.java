package io.jenkins.plugins.functions.runtime.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.ContainerFunction;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.runtime.FunctionRuntime;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.model.Resources;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.spec.FunctionSpecReader;
import io.jenkins.plugins.functions.spec.SpecException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerRuntimeTest {

    private static final String FULL = """
            name: hello
            runtime: container
            description: Says hello.
            labels: {team: examples}
            image: registry.example.com:5000/tools/busybox:1.36
            command: [sh, -c]
            args: ['echo "$GREETING"']
            env:
              - {name: GREETING, value: Hello}
              - {name: PORT, value: 8080}
            workingDir: /work
            imagePullPolicy: IfNotPresent
            resources:
              requests: {cpu: 250m, memory: 64Mi}
              limits: {cpu: 1, memory: 128Mi, gpu: 1}
            serviceAccount: build-bot
            """;

    /** The profile the tests' GPU functions run under (a function asking for GPUs needs one). */
    static final Profile GPU = new Profile("gpu", Map.of(), List.of(), null, null, Resources.NONE, "nvidia.com/gpu",
            null, List.of());

    private final ContainerRuntime runtime = new ContainerRuntime();

    @Test
    void isTheContainerKindAndRunsJobsServicesAndDeployments() {
        assertThat(runtime.kind()).isEqualTo("container");
        assertThat(runtime.actions()).containsExactly(ActionKind.JOB, ActionKind.SERVE, ActionKind.BUILD, ActionKind.DEPLOY);
    }

    @Test
    void isFoundByTheServiceLoader() {
        RuntimeRegistry registry = RuntimeRegistry.fromServiceLoader(getClass().getClassLoader());

        assertThat(registry.kinds()).contains("container");
        assertThat(registry.all()).anyMatch(r -> r instanceof ContainerRuntime);
    }

    // ---- the job -----------------------------------------------------------------------------

    @Test
    void planIsOneJobThatIsTheWorkload() throws SpecException {
        RunRequest request = request(FULL, Map.of(), null);
        Plan plan = runtime.plan(request);

        assertThat(plan.objects()).hasSize(1);
        assertThat(plan.workload()).isSameAs(plan.objects().get(0)).isInstanceOf(Job.class);
        assertThat(plan.workload().getApiVersion()).isEqualTo("batch/v1");
        assertThat(plan.workload().getKind()).isEqualTo("Job");
        assertThat(plan.action()).isEqualTo(ActionKind.JOB);
        assertThat(plan.namespace()).isEqualTo("ci");
    }

    @Test
    void jobMetadata() throws SpecException {
        RunRequest request = request(FULL, Map.of(), null);
        Job job = (Job) runtime.plan(request).workload();

        assertThat(job.getMetadata().getName()).isEqualTo(RunLabels.workloadName(request)).isEqualTo("hello-r1");
        assertThat(job.getMetadata().getNamespace()).isEqualTo("ci");
        Map<String, String> expected = new LinkedHashMap<>(RunLabels.of(request));
        expected.put("team", "examples");
        assertThat(job.getMetadata().getLabels()).isEqualTo(expected)
                .containsEntry(RunLabels.MANAGED_BY, RunLabels.MANAGER)
                .containsEntry(RunLabels.RUN_ID, "r1")
                .containsEntry(RunLabels.FUNCTION, "hello")
                .containsEntry(RunLabels.VERSION, request.function().version())
                .containsEntry(RunLabels.ACTION, "job")
                .containsEntry("functions.jenkins.io/jenkins-job", "folder_app");
        assertThat(job.getMetadata().getAnnotations())
                .isEqualTo(Map.of(RunLabels.JENKINS_BUILD_URL_ANNOTATION, "https://ci.example.com/job/app/7/"));
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).isEqualTo(expected);
    }

    @Test
    void jobSpec() throws SpecException {
        Job job = job(request(FULL, Map.of(), Duration.ofMinutes(10)));

        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getCompletions()).isEqualTo(1);
        assertThat(job.getSpec().getParallelism()).isEqualTo(1);
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(600L);
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(86_400);
    }

    @Test
    void timeoutDefaultsToAnHourAndRoundsFractionsUp() throws SpecException {
        assertThat(job(request(FULL, Map.of(), null)).getSpec().getActiveDeadlineSeconds()).isEqualTo(3600L);
        assertThat(job(request(FULL, Map.of(), Duration.ofMillis(1500))).getSpec().getActiveDeadlineSeconds())
                .isEqualTo(2L);
        assertThat(job(request(FULL, Map.of(), Duration.ofDays(7))).getSpec().getActiveDeadlineSeconds())
                .isEqualTo(604_800L);
    }

    @Test
    void podAndContainer() throws SpecException {
        RunRequest request = request(FULL, Map.of(), null);
        PodSpec pod = job(request).getSpec().getTemplate().getSpec();

        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getServiceAccountName()).isEqualTo("build-bot");
        assertThat(pod.getAutomountServiceAccountToken()).isNull();
        assertThat(pod.getContainers()).hasSize(1);
        Container c = pod.getContainers().get(0);
        assertThat(c.getName()).isEqualTo("function");
        assertThat(c.getImage()).isEqualTo("registry.example.com:5000/tools/busybox:1.36");
        assertThat(c.getCommand()).containsExactly("sh", "-c");
        assertThat(c.getArgs()).containsExactly("echo \"$GREETING\"");
        assertThat(c.getWorkingDir()).isEqualTo("/work");
        assertThat(c.getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(c.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        assertThat(c.getTerminationMessagePolicy()).isEqualTo("File");
        assertThat(c.getResources().getRequests())
                .isEqualTo(Map.of("cpu", new Quantity("250m"), "memory", new Quantity("64Mi")));
        // GPUs are limits only, under the extended resource name
        assertThat(c.getResources().getLimits()).isEqualTo(Map.of("cpu", new Quantity("1"),
                "memory", new Quantity("128Mi"), "nvidia.com/gpu", new Quantity("1")));
    }

    @Test
    void environmentIsTheEnginesThenTheFunctions() throws SpecException {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("who", "Ada");
        parameters.put("count", 3);
        parameters.put("tags", List.of("a", "b"));
        RunRequest request = request(FULL, parameters, null);
        List<EnvVar> env = job(request).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();

        assertThat(env).extracting(EnvVar::getName).containsExactly("FUNCTION_NAME", "FUNCTION_VERSION",
                "FUNCTION_RUN_ID", "FUNCTION_PARAMETERS", "GREETING", "PORT");
        assertThat(env).extracting(EnvVar::getValue).containsExactly("hello", request.function().version(), "r1",
                "{\"count\":3,\"tags\":[\"a\",\"b\"],\"who\":\"Ada\"}", "Hello", "8080");
        assertThat(env).allSatisfy(e -> assertThat(e.getValueFrom()).isNull());
    }

    @Test
    void noParametersAreAnEmptyObject() throws SpecException {
        List<EnvVar> env = job(request(FULL, Map.of(), null)).getSpec().getTemplate().getSpec().getContainers()
                .get(0).getEnv();

        assertThat(env).filteredOn(e -> e.getName().equals("FUNCTION_PARAMETERS"))
                .extracting(EnvVar::getValue).containsExactly("{}");
    }

    @Test
    void parametersUpTo64KiBAreAccepted() throws SpecException {
        String blob = "x".repeat(64 * 1024 - "{\"blob\":\"\"}".length());

        assertThat(job(request(FULL, Map.of("blob", blob), null))).isNotNull();
        assertThatThrownBy(() -> job(request(FULL, Map.of("blob", blob + "x"), null)))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("field 'parameters': value '65537 bytes of JSON' is not allowed");
    }

    @Test
    void minimalFunctionGetsNoTokenAndKubernetesDefaults() throws SpecException {
        RunRequest request = request("name: tiny\nruntime: container\nimage: busybox\n", Map.of(), null);
        Job job = job(request);
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);

        assertThat(pod.getServiceAccountName()).isNull();
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(c.getCommand()).isNullOrEmpty();
        assertThat(c.getArgs()).isNullOrEmpty();
        assertThat(c.getWorkingDir()).isNull();
        assertThat(c.getImagePullPolicy()).isNull();
        assertThat(c.getResources()).isNull();
        assertThat(job.getMetadata().getLabels()).isEqualTo(RunLabels.of(request));
        assertThat(job.getMetadata().getAnnotations()).containsOnlyKeys(RunLabels.JENKINS_BUILD_URL_ANNOTATION);
    }

    @Test
    void theGpuResourceNameIsTheProfilesChoice() throws SpecException {
        Profile amdProfile = new Profile("amd", Map.of(), List.of(), null, null, Resources.NONE, "amd.com/gpu", null,
                List.of());
        RunRequest request = RunRequest.builder(validate(FULL), ActionKind.JOB).runId("r1").namespace("ci")
                .profile(amdProfile).build();
        Container c = ((Job) runtime.plan(request).workload()).getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(c.getResources().getLimits()).containsEntry("amd.com/gpu", new Quantity("1"))
                .doesNotContainKey("nvidia.com/gpu");
        assertThat(c.getResources().getRequests()).doesNotContainKey("amd.com/gpu");
    }

    @Test
    void planRefusesAnotherRuntimesFunction() {
        FunctionSpec python = FunctionSpec.of("hello", "python", Map.of("image", "busybox"));

        assertThatThrownBy(() -> runtime.validate(python)).isInstanceOf(SpecException.class)
                .hasMessageContaining("field 'runtime': value 'python' is not allowed");
    }

    // ---- canonical form ----------------------------------------------------------------------

    @Test
    void validateReturnsTheCanonicalSpec() throws SpecException {
        FunctionSpec valid = validate("""
                name: hello
                runtime: container
                image: busybox:1.36
                command: []
                args: [--port, 8080, --verbose, true]
                env: {ZED: 1, ALPHA: a, EMPTY: ~}
                resources:
                  requests: {cpu: 0.5, memory: 1073741824, gpu: 2}
                  limits: {memory: 2Gi}
                """);

        assertThat(valid.fields()).containsOnlyKeys("image", "args", "env", "resources");
        assertThat(valid.field("args")).isEqualTo(List.of("--port", "8080", "--verbose", "true"));
        // a mapping becomes the list form, sorted by name; a missing value is empty
        assertThat(valid.field("env")).isEqualTo(List.of(
                Map.of("name", "ALPHA", "value", "a"),
                Map.of("name", "ZED", "value", "1")));
        // quantities are text; the GPU request moves to the limits
        assertThat(valid.field("resources")).isEqualTo(Map.of(
                "requests", Map.of("cpu", "0.5", "memory", "1073741824"),
                "limits", Map.of("memory", "2Gi", "gpu", "2")));
    }

    @Test
    void envAsMappingAndAsSortedListAreTheSameFunction() throws SpecException {
        FunctionSpec asMap = validate("name: a\nruntime: container\nimage: busybox\nenv: {B: 2, A: x}\n");
        FunctionSpec asList = validate("name: a\nruntime: container\nimage: busybox\n"
                + "env: [{name: A, value: x}, {name: B, value: '2'}]\n");
        FunctionSpec otherOrder = validate("name: a\nruntime: container\nimage: busybox\n"
                + "env: [{name: B, value: '2'}, {name: A, value: x}]\n");

        assertThat(asMap.version()).isEqualTo(asList.version());
        // a list's order is kept: Kubernetes expands $(VAR) from the variables before it
        assertThat(otherOrder.version()).isNotEqualTo(asList.version());
    }

    @Test
    void validateIsIdempotent() throws SpecException {
        FunctionSpec once = validate(FULL);

        assertThat(runtime.validate(once)).isEqualTo(once);
        assertThat(runtime.validate(once).version()).isEqualTo(once.version());
    }

    @Test
    void theTypedViewHoldsEveryField() throws SpecException {
        ContainerFunction f = ContainerFunctionParser.parse(validate(FULL), "a function");

        assertThat(f.name()).isEqualTo("hello");
        assertThat(f.description()).isEqualTo("Says hello.");
        assertThat(f.labels()).isEqualTo(Map.of("team", "examples"));
        assertThat(f.env()).containsExactly(new ContainerFunction.Env("GREETING", "Hello"),
                new ContainerFunction.Env("PORT", "8080"));
        assertThat(f.imagePullPolicy()).isEqualTo(ContainerFunction.PullPolicy.IF_NOT_PRESENT);
        assertThat(f.resources().requests().cpu()).isEqualTo("250m");
        assertThat(f.resources().limits().gpu()).isEqualTo("1");
        assertThat(f.serviceAccount()).isEqualTo("build-bot");
    }

    @Test
    void acceptsTheImageReferencesPeopleUse() throws SpecException {
        for (String image : List.of("busybox", "busybox:1.36", "library/busybox:latest", "ghcr.io/org/app:v1.2.3",
                "localhost:5000/app", "registry.example.com:5000/team/sub/app:1.0-rc.1_b",
                "app@sha256:" + "a".repeat(64), "quay.io/org/app:1.0@sha256:" + "0123456789abcdef".repeat(4),
                "my-registry.local/a__b/c.d/e-f:TAG")) {
            assertThat(validate("name: a\nruntime: container\nimage: '" + image + "'\n").field("image"))
                    .isEqualTo(image);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    private FunctionSpec validate(String yaml) throws SpecException {
        return runtime.validate(new FunctionSpecReader().read(yaml, "test.yaml"));
    }

    private RunRequest request(String yaml, Map<String, Object> parameters, Duration timeout) throws SpecException {
        return RunRequest.builder(validate(yaml), ActionKind.JOB)
                .runId("r1")
                .namespace("ci")
                .parameters(parameters)
                .timeout(timeout)
                .origin(Map.of(RunLabels.JENKINS_JOB, "folder/app"))
                .profile(GPU)
                .annotations(Map.of(RunLabels.JENKINS_BUILD_URL_ANNOTATION, "https://ci.example.com/job/app/7/"))
                .build();
    }

    private Job job(RunRequest request) throws SpecException {
        FunctionRuntime r = runtime;
        return (Job) r.plan(request).workload();
    }
}
