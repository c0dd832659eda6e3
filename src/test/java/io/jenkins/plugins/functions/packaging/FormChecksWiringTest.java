package io.jenkins.plugins.functions.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.functions.jenkins.builders.BuildImageBuilder;
import io.jenkins.plugins.functions.jenkins.builders.DeployFunctionBuilder;
import io.jenkins.plugins.functions.jenkins.builders.RunFunctionBuilder;
import io.jenkins.plugins.functions.jenkins.builders.ServeFunctionBuilder;
import io.jenkins.plugins.functions.jenkins.builders.StopFunctionBuilder;
import io.jenkins.plugins.functions.jenkins.config.FunctionRuntimesConfiguration;
import io.jenkins.plugins.functions.jenkins.config.NodeLabel;
import io.jenkins.plugins.functions.jenkins.config.ProfileConfig;
import io.jenkins.plugins.functions.jenkins.config.TolerationConfig;
import io.jenkins.plugins.functions.jenkins.steps.BuildImageStep;
import io.jenkins.plugins.functions.jenkins.steps.DeployFunctionStep;
import io.jenkins.plugins.functions.jenkins.steps.RunFunctionStep;
import io.jenkins.plugins.functions.jenkins.steps.ServeFunctionStep;
import io.jenkins.plugins.functions.jenkins.steps.StopFunctionStep;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.verb.POST;

/**
 * How Jenkins wires the form checks: a field's {@code doCheck<Field>} on its descriptor is found
 * by name, and a check that only answers POST needs {@code checkMethod="post"} on its control (the
 * default is GET, which such a check refuses: the field would never be checked). Also, every
 * field that has a rule in the engine has a check: the fields listed here take any text.
 */
class FormChecksWiringTest {

    private static final Path RESOURCES = Path.of("src/main/resources");
    private static final Pattern ENTRY = Pattern.compile(
            "<f:entry field=\"([^\"]+)\"[^>]*>\\s*<([a-z]+:[a-zA-Z]+)([^>]*)>", Pattern.DOTALL);

    /** Fields whose text has no rule of its own: any text, a check box, or a list a repeatable form edits. */
    private static final Set<String> FREE = Set.of("file", "command", "args", "description", "failOnError",
            "context", "dockerfile", "source", "skipTlsVerify", "enforceNonRoot", "profiles", "nodeSelector",
            "tolerations", "operator", "effect", "links", "pathStyle", "credentialVariables", "key");

    /** Each form (its config.jelly's class) and the descriptor class that answers its checks. */
    private static final Map<Class<?>, Class<?>> FORMS = new LinkedHashMap<>();

    static {
        FORMS.put(RunFunctionBuilder.class, RunFunctionBuilder.DescriptorImpl.class);
        FORMS.put(ServeFunctionBuilder.class, ServeFunctionBuilder.DescriptorImpl.class);
        FORMS.put(DeployFunctionBuilder.class, DeployFunctionBuilder.DescriptorImpl.class);
        FORMS.put(BuildImageBuilder.class, BuildImageBuilder.DescriptorImpl.class);
        FORMS.put(StopFunctionBuilder.class, StopFunctionBuilder.DescriptorImpl.class);
        FORMS.put(RunFunctionStep.class, RunFunctionStep.DescriptorImpl.class);
        FORMS.put(ServeFunctionStep.class, ServeFunctionStep.DescriptorImpl.class);
        FORMS.put(DeployFunctionStep.class, DeployFunctionStep.DescriptorImpl.class);
        FORMS.put(BuildImageStep.class, BuildImageStep.DescriptorImpl.class);
        FORMS.put(StopFunctionStep.class, StopFunctionStep.DescriptorImpl.class);
        FORMS.put(FunctionRuntimesConfiguration.class, FunctionRuntimesConfiguration.class);
        FORMS.put(ProfileConfig.class, ProfileConfig.DescriptorImpl.class);
        FORMS.put(NodeLabel.class, NodeLabel.DescriptorImpl.class);
        FORMS.put(io.jenkins.plugins.functions.jenkins.builders.CredentialVariable.class,
                io.jenkins.plugins.functions.jenkins.builders.CredentialVariable.DescriptorImpl.class);
        FORMS.put(TolerationConfig.class, TolerationConfig.DescriptorImpl.class);
        FORMS.put(io.jenkins.plugins.functions.jenkins.config.RunLinkConfig.class,
                io.jenkins.plugins.functions.jenkins.config.RunLinkConfig.DescriptorImpl.class);
        FORMS.put(io.jenkins.plugins.functions.jenkins.config.ArtifactStoreConfig.class,
                io.jenkins.plugins.functions.jenkins.config.ArtifactStoreConfig.DescriptorImpl.class);
    }

    @Test
    void everyFieldWithARuleHasACheckAndEveryPostCheckIsCalledByPost() throws IOException {
        for (Map.Entry<Class<?>, Class<?>> form : FORMS.entrySet()) {
            Matcher m = ENTRY.matcher(Files.readString(form(form.getKey())));
            int fields = 0;
            while (m.find()) {
                fields++;
                String field = m.group(1);
                String where = form.getKey().getSimpleName() + "." + field;
                Method check = method(form.getValue(), "doCheck" + Character.toUpperCase(field.charAt(0))
                        + field.substring(1));
                if (check == null) {
                    assertThat(FREE).as(where + " has no check: a rule of the engine, or a field that takes any"
                            + " text").contains(field);
                    continue;
                }
                boolean post = check.isAnnotationPresent(POST.class);
                assertThat(m.group(3).contains("checkMethod=\"post\"")).as(where + ": checkMethod=\"post\" exactly"
                        + " when the check is @POST").isEqualTo(post);
            }
            assertThat(fields).as(form.getKey().getSimpleName() + " has fields").isPositive();
        }
    }

    @Test
    void credentialFieldsAreDropDownsFilledByTheirDescriptor() throws IOException {
        Map<Class<?>, String> credentialFields = Map.of(BuildImageBuilder.class, "registryCredentialsId",
                BuildImageStep.class, "registryCredentialsId", FunctionRuntimesConfiguration.class, "credentialsId",
                io.jenkins.plugins.functions.jenkins.config.ArtifactStoreConfig.class, "credentialsId");
        for (Map.Entry<Class<?>, String> e : credentialFields.entrySet()) {
            Matcher m = ENTRY.matcher(Files.readString(form(e.getKey())));
            boolean found = false;
            while (m.find()) {
                if (m.group(1).equals(e.getValue())) {
                    found = true;
                    assertThat(m.group(2)).as(e.getKey().getSimpleName() + "." + e.getValue()).isEqualTo("c:select");
                }
            }
            assertThat(found).isTrue();
            String fill = "doFill" + Character.toUpperCase(e.getValue().charAt(0)) + e.getValue().substring(1) + "Items";
            assertThat(method(FORMS.get(e.getKey()), fill)).as(fill).isNotNull();
        }
    }

    private static Path form(Class<?> type) {
        return RESOURCES.resolve(type.getName().replace('.', '/')).resolve("config.jelly");
    }

    private static Method method(Class<?> type, String name) {
        return Arrays.stream(type.getMethods()).filter(m -> m.getName().equals(name)).findFirst().orElse(null);
    }
}
