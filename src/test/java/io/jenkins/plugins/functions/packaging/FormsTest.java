package io.jenkins.plugins.functions.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Descriptor;
import io.jenkins.plugins.functions.jenkins.EnglishMessages;
import io.jenkins.plugins.functions.jenkins.Messages;
import io.jenkins.plugins.functions.jenkins.builders.BuildImageBuilder;
import io.jenkins.plugins.functions.jenkins.builders.DeployFunctionBuilder;
import io.jenkins.plugins.functions.jenkins.builders.RunFunctionBuilder;
import io.jenkins.plugins.functions.jenkins.builders.ServeFunctionBuilder;
import io.jenkins.plugins.functions.jenkins.builders.StopFunctionBuilder;
import io.jenkins.plugins.functions.jenkins.config.ProfileConfig;
import io.jenkins.plugins.functions.jenkins.steps.BuildImageStep;
import io.jenkins.plugins.functions.jenkins.steps.DeployFunctionStep;
import io.jenkins.plugins.functions.jenkins.steps.RunFunctionStep;
import io.jenkins.plugins.functions.jenkins.steps.ServeFunctionStep;
import io.jenkins.plugins.functions.jenkins.steps.StopFunctionStep;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * Every field of every builder and Pipeline step is in its form ({@code config.jelly}: the
 * freestyle job page and the Snippet Generator) and has a help page, as Jenkins finds them: the
 * nearest {@code config.jelly} up the class hierarchy, a {@code help-<field>.html} of the class or
 * of one of its ancestors. The only fields left out of a form are the Pipeline steps' lists and
 * mappings, which a form's text box cannot bind.
 */
class FormsTest {

    private static final Path RESOURCES = Path.of("src/main/resources");
    private static final Pattern FIELD = Pattern.compile("field=\"([^\"]+)\"");

    /** The steps' list and map arguments: written in the Pipeline script, not in the form. */
    private static final Set<String> NOT_IN_STEP_FORMS = Set.of("command", "args", "env", "resources", "labels",
            "parameters", "source", "requirements", "ports", "readinessProbe", "volumes", "fields", "inputs");

    /** The run fields Build image inherits and refuses: a build has no command, environment or parameters. */
    private static final Set<String> NOT_IN_BUILD_IMAGE_FORM = Set.of("command", "args", "env", "parameters",
            "workingDir", "imagePullPolicy", "serviceAccount", "additionalFields", "credentialVariables");

    @Test
    void everyBuilderFieldIsInItsFormAndHasHelp() throws IOException {
        for (Class<?> builder : new Class<?>[] {RunFunctionBuilder.class, ServeFunctionBuilder.class,
                DeployFunctionBuilder.class, StopFunctionBuilder.class, BuildImageBuilder.class}) {
            Map<String, Class<?>> fields = fields(builder);
            assertThat(fields.values()).as(builder.getSimpleName() + ": a form binds text, check boxes and"
                    + " repeatable lists")
                    .allMatch(t -> t == String.class || t == boolean.class || t == java.util.List.class);
            Set<String> expected = new TreeSet<>(fields.keySet());
            if (builder == DeployFunctionBuilder.class) {
                expected.remove("serviceType"); // a Deployment without a Service
                expected.remove("hfTokenCredentialsId"); // vllm, whose field it is, serves and does not deploy
            }
            if (builder == BuildImageBuilder.class) {
                assertThat(fields.keySet()).containsAll(NOT_IN_BUILD_IMAGE_FORM);
                expected.removeAll(NOT_IN_BUILD_IMAGE_FORM);
            }
            assertThat(formFields(builder)).as(builder.getSimpleName() + "'s form").isEqualTo(expected);
            assertHelp(builder, fields.keySet());
        }
    }

    @Test
    void everyPipelineStepFieldAFormCanBindIsInTheSnippetGeneratorsForm() throws IOException {
        for (Class<?> step : new Class<?>[] {RunFunctionStep.class, ServeFunctionStep.class,
                DeployFunctionStep.class, StopFunctionStep.class}) {
            Map<String, Class<?>> fields = fields(step);
            Set<String> expected = new TreeSet<>(fields.keySet());
            expected.removeAll(NOT_IN_STEP_FORMS);
            if (step == DeployFunctionStep.class) {
                expected.remove("serviceType");
                expected.remove("hfTokenCredentialsId"); // vllm, whose field it is, serves and does not deploy
            }
            assertThat(expected).as(step.getSimpleName() + ": what the form leaves out is a list or a mapping")
                    .allMatch(f -> !Map.class.isAssignableFrom(fields.get(f))
                            && !java.util.List.class.isAssignableFrom(fields.get(f)));
            assertThat(formFields(step)).as(step.getSimpleName() + "'s form").isEqualTo(expected);
            assertHelp(step, fields.keySet());
        }
    }

    /**
     * Each step and builder is named in the plugin's bundle (Messages.properties), as Jenkins'
     * localizer has it, and each Pipeline step tells the Pipeline graph and stage views what it ran.
     */
    @Test
    @ExtendWith(EnglishMessages.class)
    void everyStepIsNamedFromTheBundleAndSaysWhatItRan() throws Exception {
        Properties bundle = new Properties();
        try (InputStream in = Messages.class.getResourceAsStream("Messages.properties")) {
            bundle.load(in);
        }
        Descriptor<?>[] descriptors = {new RunFunctionStep.DescriptorImpl(), new ServeFunctionStep.DescriptorImpl(),
            new DeployFunctionStep.DescriptorImpl(), new StopFunctionStep.DescriptorImpl(),
            new BuildImageStep.DescriptorImpl(), new RunFunctionBuilder.DescriptorImpl(),
            new ServeFunctionBuilder.DescriptorImpl(), new DeployFunctionBuilder.DescriptorImpl(),
            new StopFunctionBuilder.DescriptorImpl(), new BuildImageBuilder.DescriptorImpl(),
            new ProfileConfig.DescriptorImpl()};
        for (Descriptor<?> d : descriptors) {
            String owner = d.getClass().getEnclosingClass().getSimpleName();
            assertThat(d.getDisplayName()).as(owner).isEqualTo(bundle.getProperty(owner + ".DisplayName"));
            if (d instanceof StepDescriptor step) {
                assertThat(step.getClass().getMethod("argumentsToString", Map.class).getDeclaringClass())
                        .as(owner + " summarises its arguments").isEqualTo(step.getClass());
                assertThat(step.argumentsToString(Map.of("name", "web"))).as(owner).startsWith("web");
            }
        }
    }

    /** Bindable properties: the data-bound constructor's parameters and the data-bound setters. */
    private static Map<String, Class<?>> fields(Class<?> type) {
        Map<String, Class<?>> fields = new TreeMap<>();
        for (Constructor<?> c : type.getConstructors()) {
            if (c.isAnnotationPresent(DataBoundConstructor.class)) {
                for (Parameter p : c.getParameters()) {
                    assertThat(p.isNamePresent()).as("compiled with -parameters").isTrue();
                    fields.put(p.getName(), p.getType());
                }
            }
        }
        for (Method m : type.getMethods()) {
            if (m.isAnnotationPresent(DataBoundSetter.class)) {
                String name = m.getName().substring(3);
                fields.put(Character.toLowerCase(name.charAt(0)) + name.substring(1), m.getParameterTypes()[0]);
            }
        }
        assertThat(fields).as(type.getSimpleName() + " has fields").isNotEmpty();
        return fields;
    }

    private static Set<String> formFields(Class<?> type) throws IOException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            Path form = RESOURCES.resolve(c.getName().replace('.', '/')).resolve("config.jelly");
            if (Files.exists(form)) {
                Set<String> names = new TreeSet<>();
                Matcher m = FIELD.matcher(Files.readString(form));
                while (m.find()) {
                    names.add(m.group(1));
                }
                return names;
            }
        }
        throw new AssertionError(type.getSimpleName() + " has no config.jelly");
    }

    private static void assertHelp(Class<?> type, Set<String> fields) {
        assertThat(helpFor(type, "help.html")).as(type.getSimpleName() + "/help.html").isTrue();
        for (String field : fields) {
            assertThat(helpFor(type, "help-" + field + ".html")).as(type.getSimpleName() + " help-" + field + ".html")
                    .isTrue();
        }
    }

    private static boolean helpFor(Class<?> type, String file) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (Files.exists(RESOURCES.resolve(c.getName().replace('.', '/')).resolve(file))) {
                return true;
            }
        }
        return false;
    }
}
