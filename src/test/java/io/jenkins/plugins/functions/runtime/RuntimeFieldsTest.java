package io.jenkins.plugins.functions.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.example.greeting.GreetingRuntime;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.runtime.impl.ContainerFunctionParser;
import io.jenkins.plugins.functions.runtime.impl.ContainerRuntime;
import io.jenkins.plugins.functions.runtime.impl.KubeAiFunctionParser;
import io.jenkins.plugins.functions.runtime.impl.KubeAiRuntime;
import io.jenkins.plugins.functions.runtime.impl.ModelServeFunctionParser;
import io.jenkins.plugins.functions.runtime.impl.ModelServeRuntime;
import io.jenkins.plugins.functions.runtime.impl.PythonFunctionParser;
import io.jenkins.plugins.functions.runtime.impl.PythonRuntime;
import io.jenkins.plugins.functions.runtime.impl.VllmFunctionParser;
import io.jenkins.plugins.functions.runtime.impl.VllmRuntime;
import io.jenkins.plugins.functions.spec.CommonFields;
import io.jenkins.plugins.functions.spec.FunctionSpecReader;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a runtime says about its fields ({@link FunctionRuntime#fields}) and what the engine does
 * with it: a field the runtime does not declare is refused with the runtime's fields named, for a
 * runtime another plugin adds as for the plugin's own, also when that runtime checks only what it
 * reads.
 */
class RuntimeFieldsTest {

    private static final RuntimeRegistry RUNTIMES = new RuntimeRegistry(List.of(new ContainerRuntime(),
            new PythonRuntime(), new VllmRuntime(), new KubeAiRuntime(), new ModelServeRuntime(),
            new GreetingRuntime()));

    private static FunctionSpec spec(Map<String, Object> fields) throws SpecException {
        return new FunctionSpecReader().fromMap(fields, "runFunction");
    }

    private static Map<String, Object> greeting(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "hello");
        m.put("runtime", GreetingRuntime.KIND);
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    @Test
    void theBuiltInRuntimesDeclareTheFieldsTheirParsersRead() {
        Map<FunctionRuntime, List<String>> expected = Map.of(
                new ContainerRuntime(), ContainerFunctionParser.FIELDS,
                new PythonRuntime(), PythonFunctionParser.FIELDS,
                new VllmRuntime(), VllmFunctionParser.FIELDS,
                new KubeAiRuntime(), KubeAiFunctionParser.FIELDS,
                new ModelServeRuntime(), ModelServeFunctionParser.FIELDS);
        expected.forEach((runtime, fields) -> {
            assertThat(runtime.fields()).as(runtime.kind()).isEqualTo(fields).containsAll(CommonFields.ALL);
        });
        assertThat(new VllmRuntime().fields()).contains("model", "gpus", "maxModelLen", "hfTokenCredentialsId");
    }

    @Test
    void aMisspeltFieldOfAThirdPartyRuntimeIsNamedNotReportedAsTheFieldItLeftMissing() throws Exception {
        // the runtime alone would say "field 'greeting' is missing": the misspelling is what to fix
        SpecException e = catchThrowableOfType(() -> RUNTIMES.validate(spec(greeting("greting", "Hello"))),
                SpecException.class);

        assertThat(e.getField()).isEqualTo("greting");
        assertThat(e.getMessage()).isEqualTo("field 'greting': value 'Hello' is not allowed: unknown field; the"
                + " fields of a 'greeting' function are: name, runtime, description, labels, greeting, times"
                + " (did you mean 'greeting'?)");
    }

    @Test
    void anUnknownFieldAThirdPartyRuntimeWouldAcceptIsRefusedAllTheSame() throws Exception {
        FunctionSpec function = spec(greeting("greeting", "Hello", "colour", "red"));
        assertThat(new GreetingRuntime().validate(function)).as("the runtime checks only what it reads").isNotNull();

        SpecException e = catchThrowableOfType(() -> RUNTIMES.validate(function), SpecException.class);

        assertThat(e.getField()).isEqualTo("colour");
        assertThat(e.getAllowed()).startsWith("unknown field; the fields of a 'greeting' function are: ")
                .as("nothing close enough to suggest").doesNotContain("did you mean");
    }

    @Test
    void withOnlyDeclaredFieldsTheRuntimeDecides() throws Exception {
        assertThat(RUNTIMES.validate(spec(greeting("greeting", "Hello"))).field("times")).isEqualTo(1L);
        SpecException e = catchThrowableOfType(() -> RUNTIMES.validate(spec(greeting("greeting", "Hello", "times", 9))),
                SpecException.class);
        assertThat(e.getMessage()).isEqualTo("field 'times': value '9' is not allowed: must be a whole number from 1"
                + " to 5");
    }

    @Test
    void aRuntimesOwnRefusalOfAnUndeclaredFieldIsKeptForWhatItSaysMore() throws Exception {
        Map<String, Object> python = new LinkedHashMap<>();
        python.put("name", "web");
        python.put("runtime", "python");
        python.put("source", Map.of("code", "def handler(x):\n    return x\n"));
        python.put("handler", "main:handler");
        python.put("readinessProbe", Map.of("path", "/", "port", 8080));

        SpecException e = catchThrowableOfType(() -> RUNTIMES.validate(spec(python)), SpecException.class);

        assertThat(e.getField()).isEqualTo("readinessProbe");
        assertThat(e.getAllowed()).startsWith("must be left out of a python function");
    }

    @Test
    void aModelFunctionsTypoNamesTheModelRuntimesFields() throws Exception {
        Map<String, Object> vllm = new LinkedHashMap<>();
        vllm.put("name", "llm");
        vllm.put("runtime", "vllm");
        vllm.put("modle", "Qwen/Qwen2.5-0.5B-Instruct");

        SpecException e = catchThrowableOfType(() -> RUNTIMES.validate(spec(vllm)), SpecException.class);

        assertThat(e.getField()).isEqualTo("modle");
        assertThat(e.getAllowed()).startsWith("unknown field; the fields of a 'vllm' function are: name, runtime,"
                + " description, labels, model, ").endsWith("(did you mean 'model'?)");
    }

    @Test
    void aRuntimeThatDeclaresNoFieldsDecidesAlone() throws Exception {
        FunctionRuntime lenient = new FunctionRuntime() {
            @Override
            public String kind() {
                return "lenient";
            }

            @Override
            public Set<ActionKind> actions() {
                return Set.of(ActionKind.JOB);
            }

            @Override
            public FunctionSpec validate(FunctionSpec function) {
                return function;
            }

            @Override
            public Plan plan(RunRequest request) {
                throw new UnsupportedOperationException();
            }
        };
        assertThat(lenient.fields()).isEmpty();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", "x");
        f.put("runtime", "lenient");
        f.put("anything", 1);

        assertThat(new RuntimeRegistry(List.of(lenient)).validate(spec(f)).field("anything")).isEqualTo(1L);
    }
}
