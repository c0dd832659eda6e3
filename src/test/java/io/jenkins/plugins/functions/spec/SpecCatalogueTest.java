package io.jenkins.plugins.functions.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.ContainerFunction.CredentialRef;
import io.jenkins.plugins.functions.runtime.CredentialEnv;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.runtime.Profiles;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.runtime.impl.ContainerFunctionParser;
import io.jenkins.plugins.functions.runtime.impl.ContainerRuntime;
import io.jenkins.plugins.functions.runtime.impl.PythonRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The catalogue of refusals ({@code catalogue.yaml}): every malformed input gets a
 * {@link SpecException} naming its field, its value and what is allowed.
 */
class SpecCatalogueTest {

    private static final String ORIGIN = "functions/catalogue.yaml";
    private static final RuntimeRegistry RUNTIMES = new RuntimeRegistry(List.of(new ContainerRuntime(),
            new PythonRuntime()));

    static Stream<Arguments> cases() throws IOException {
        return catalogue().stream().map(c -> Arguments.of(c.get("case"), c));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> catalogue() throws IOException {
        try (InputStream in = SpecCatalogueTest.class.getResourceAsStream("catalogue.yaml")) {
            return (List<Map<String, Object>>) new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        }
    }

    @Test
    void theCatalogueIsLarge() throws IOException {
        assertThat(catalogue()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(catalogue()).extracting(c -> c.get("case")).doesNotHaveDuplicates();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefused(String name, Map<String, Object> c) {
        SpecException e = catchThrowableOfType(() -> runPipeline(c), SpecException.class);

        assertThat(e).as("a SpecException for '%s'", name).isNotNull();
        assertThat(e.getField()).isEqualTo(c.get("field"));
        if (c.containsKey("valueMatches")) {
            assertThat(e.getValue()).matches((String) c.get("valueMatches"));
        } else {
            assertThat(c).containsKey("value");
            assertThat(e.getValue()).isEqualTo(c.get("value") == null ? null : String.valueOf(c.get("value")));
        }
        assertThat(e.getAllowed()).contains((String) c.get("allowed"));
        // the message says it all: the field, the value (or that it is missing), what is allowed
        assertThat(e.getMessage()).contains("field '" + e.getField() + "'").endsWith(e.getAllowed());
        assertThat(e.getMessage()).contains(e.getValue() == null ? "is missing" : "is not allowed");
    }

    @SuppressWarnings("unchecked")
    private static void runPipeline(Map<String, Object> c) throws SpecException {
        FunctionSpecReader reader = new FunctionSpecReader();
        FunctionSpec spec;
        if (c.containsKey("arguments")) {
            spec = reader.fromMap((Map<String, Object>) c.get("arguments"), "functionRun step");
        } else {
            String yaml = (String) c.get("yaml");
            if (c.containsKey("padBytes")) {
                yaml += "# " + "x".repeat((Integer) c.get("padBytes")) + "\n";
            }
            spec = reader.read(yaml, ORIGIN);
        }
        FunctionSpec valid = RUNTIMES.validate(spec);
        Map<String, Object> parameters = c.containsKey("parametersBytes")
                ? Map.of("blob", "x".repeat((Integer) c.get("parametersBytes")))
                : Map.of();
        // as the Jenkins step does: the configured profiles, then the credentials the job can use
        Map<String, Profile> profiles = new LinkedHashMap<>();
        for (Map.Entry<String, Object> p : ((Map<String, Object>) c.getOrDefault("profiles", Map.of())).entrySet()) {
            profiles.put(p.getKey(), Profiles.read(p.getKey(), (Map<String, Object>) p.getValue(),
                    ContainerFunctionParser::resources));
        }
        Map<String, CredentialValue> credentials = new LinkedHashMap<>();
        Map<String, String> known = (Map<String, String>) c.getOrDefault("credentials", Map.of());
        for (Map.Entry<String, CredentialRef> ref : PodFields.credentialRefs(valid).entrySet()) {
            String id = ref.getValue().credentialsId();
            String kind = known.get(id);
            if (kind == null) {
                throw new SpecException(Fields.path("env", ref.getKey()), id, CredentialEnv.USABLE);
            }
            credentials.put(id, switch (kind) {
                case "text" -> CredentialValue.secretText(id, "s3cr3t");
                case "user" -> CredentialValue.usernamePassword(id, "bot", "s3cr3t");
                default -> CredentialValue.secretFile(id, "config", "s3cr3t".getBytes(StandardCharsets.UTF_8));
            });
        }
        RunRequest request = RunRequest.builder(valid, ActionKind.parse((String) c.getOrDefault("action", "job")))
                .runId("r1")
                .namespace("ci")
                .parameters(parameters)
                .timeout(c.containsKey("timeout") ? Duration.parse((String) c.get("timeout")) : null)
                .profile(Profiles.choose(valid, profiles))
                .credentials(credentials)
                .build();
        RUNTIMES.plan(request);
    }
}
