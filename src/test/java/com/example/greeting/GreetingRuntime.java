package com.example.greeting;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.runtime.FunctionRuntime;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunArguments;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A runtime as another plugin would add it, written against the public extension API only (in
 * Jenkins it would come with a {@code FunctionRuntimeProvider}): kind {@code greeting}, one job that
 * prints its {@code greeting} {@code times} times and returns it as the output {@code said}.
 *
 * <p>It declares its fields ({@link #fields}) and leaves the refusal of unknown ones to the engine,
 * as a runtime may: its {@link #validate} checks only what it reads.
 */
public final class GreetingRuntime implements FunctionRuntime {

    public static final String KIND = "greeting";
    public static final String GREETING = "greeting";
    public static final String TIMES = "times";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Set<ActionKind> actions() {
        return Set.of(ActionKind.JOB);
    }

    @Override
    public List<String> fields() {
        return List.of("name", "runtime", "description", "labels", GREETING, TIMES);
    }

    @Override
    public FunctionSpec validate(FunctionSpec function) throws SpecException {
        if (!(function.field(GREETING) instanceof String greeting) || !greeting.matches("[A-Za-z ,!]{1,40}")) {
            throw new SpecException(GREETING, function.field(GREETING), "must be 1 to 40 letters, spaces, commas or !");
        }
        Object times = function.field(TIMES);
        if (times == null) {
            return function.withField(TIMES, 1L);
        }
        if (!(times instanceof Long n) || n < 1 || n > 5) {
            throw new SpecException(TIMES, times, "must be a whole number from 1 to 5");
        }
        return function;
    }

    @Override
    public Plan plan(RunRequest request) throws SpecException {
        FunctionSpec f = validate(request.function());
        String greeting = (String) f.field(GREETING);
        long times = (Long) f.field(TIMES);
        Map<String, String> labels = RunLabels.of(request);
        String script = ("echo '" + greeting + "'; ").repeat((int) times) + "printf '{\"said\":\"%s\"}' '" + greeting
                + "' > /dev/termination-log";
        Job job = new JobBuilder()
                .withNewMetadata()
                    .withName(RunLabels.workloadName(request))
                    .withNamespace(request.namespace())
                    .withLabels(labels)
                    .withAnnotations(request.annotations())
                .endMetadata()
                .withNewSpec()
                    .withBackoffLimit(0)
                    .withActiveDeadlineSeconds(RunArguments.timeoutSeconds(request))
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .addNewContainer()
                                .withName(RunLabels.MAIN_CONTAINER)
                                .withImage("busybox:1.36")
                                .withCommand("sh", "-c", script)
                            .endContainer()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
        return new Plan(request, List.of(job), job);
    }
}
