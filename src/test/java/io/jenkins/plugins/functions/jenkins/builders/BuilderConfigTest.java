package io.jenkins.plugins.functions.jenkins.builders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.thoughtworks.xstream.XStream;
import io.jenkins.plugins.functions.jenkins.FakeEnvVars;
import io.jenkins.plugins.functions.jenkins.runs.FunctionCall;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A builder's configuration: what the job's {@code config.xml} keeps (through XStream, as
 * Jenkins saves it) and how the form's text becomes a function call.
 */
class BuilderConfigTest {

    private static XStream xstream() {
        XStream x = new XStream();
        x.allowTypesByWildcard(new String[] {"io.jenkins.plugins.functions.**"});
        return x;
    }

    private static RunFunctionBuilder configured() {
        RunFunctionBuilder b = new RunFunctionBuilder();
        b.setFile("functions/hello.yaml");
        b.setImage("example.com/hello:${TAG}");
        b.setCommand("sh\n-c\necho hi");
        b.setEnv("LEVEL=debug");
        b.setParameters("name: Jenkins");
        b.setNamespace("ci");
        b.setTimeout("10m");
        b.setFailOnError(false);
        return b;
    }

    @Test
    void aBuildersConfigurationRoundTripsThroughXStream() {
        String xml = xstream().toXML(configured());
        RunFunctionBuilder back = (RunFunctionBuilder) xstream().fromXML(xml);

        assertThat(xml).contains("<file>functions/hello.yaml</file>").contains("<image>example.com/hello:${TAG}</image>")
                .doesNotContain("io.fabric8");
        assertThat(back.getFile()).isEqualTo("functions/hello.yaml");
        assertThat(back.getImage()).isEqualTo("example.com/hello:${TAG}");
        assertThat(back.getCommand()).isEqualTo("sh\n-c\necho hi");
        assertThat(back.getEnv()).isEqualTo("LEVEL=debug");
        assertThat(back.getParameters()).isEqualTo("name: Jenkins");
        assertThat(back.getNamespace()).isEqualTo("ci");
        assertThat(back.getTimeout()).isEqualTo("10m");
        assertThat(back.isFailOnError()).isFalse();
        assertThat(back.getName()).isNull();

        ServeFunctionBuilder serve = new ServeFunctionBuilder();
        serve.setPorts("http:8080");
        serve.setReplicas("2");
        serve.setServiceType("NodePort");
        ServeFunctionBuilder serveBack = (ServeFunctionBuilder) xstream().fromXML(xstream().toXML(serve));
        assertThat(serveBack.getPorts()).isEqualTo("http:8080");
        assertThat(serveBack.getReplicas()).isEqualTo("2");
        assertThat(serveBack.getServiceType()).isEqualTo("NodePort");

        StopFunctionBuilder stop = new StopFunctionBuilder("web");
        stop.setNamespace("ci");
        StopFunctionBuilder stopBack = (StopFunctionBuilder) xstream().fromXML(xstream().toXML(stop));
        assertThat(stopBack.getName()).isEqualTo("web");
        assertThat(stopBack.getNamespace()).isEqualTo("ci");
    }

    @Test
    void blankFieldsAreNotSet() {
        RunFunctionBuilder b = new RunFunctionBuilder();
        b.setName("  ");
        b.setImage("");
        b.setNamespace(" ci ");
        assertThat(b.getName()).isNull();
        assertThat(b.getImage()).isNull();
        assertThat(b.getNamespace()).isEqualTo("ci");
    }

    @Test
    void theFormsTextBecomesTheFunctionsFields() throws Exception {
        FunctionCall call = configured().call(new FakeEnvVars(Map.of("TAG", "1.2")));

        assertThat(call.caller()).isEqualTo("Run function");
        assertThat(call.action()).isEqualTo(ActionKind.JOB);
        assertThat(call.file()).isEqualTo("functions/hello.yaml");
        assertThat(call.inline()).containsEntry("image", "example.com/hello:1.2")
                .containsEntry("command", List.of("sh", "-c", "echo hi"))
                .containsEntry("env", Map.of("LEVEL", "debug"))
                .doesNotContainKey("name");
        assertThat(call.parameters()).isEqualTo(Map.of("name", "Jenkins"));
        assertThat(call.namespace()).isEqualTo("ci");
        assertThat(call.timeout()).isEqualTo("10m");
        assertThat(call.failOnError()).isFalse();
        assertThat(call.toString()).doesNotContain("debug").doesNotContain("Jenkins");
    }

    @Test
    void aVariableThatExpandsToNothingLeavesTheFieldUnset() throws Exception {
        RunFunctionBuilder b = new RunFunctionBuilder();
        b.setNamespace("${EMPTY}");
        b.setName("hello");
        FunctionCall call = b.call(new FakeEnvVars(Map.of("EMPTY", "")));
        assertThat(call.namespace()).as("the default namespace").isNull();
    }

    @Test
    void listsAreOneItemPerLineTrimmedAndBlankLinesSkipped() {
        assertThat(FormFields.lines(" python \n\n  -m\r\nhttp.server\n")).containsExactly("python", "-m", "http.server");
        assertThat(FormFields.lines("\n \n")).isNull();
        assertThat(FormFields.lines(null)).isNull();
    }

    @Test
    void environmentIsNameEqualsValueAndTheValueMayHoldEquals() throws Exception {
        assertThat(FormFields.environment("Run function", "A=1\nB=x=y\nEMPTY=")).containsExactly(
                Map.entry("A", "1"), Map.entry("B", "x=y"), Map.entry("EMPTY", ""));
        assertThatThrownBy(() -> FormFields.environment("Run function", "=secret"))
                .isInstanceOf(SpecException.class).hasMessageNotContaining("secret")
                .hasMessageContaining("field 'env'");
    }

    @Test
    void parametersAreAYamlMapping() throws Exception {
        assertThat(FormFields.mapping("Run function", "parameters", "name: Ada\nsizes: [1, 2]\nnested: {a: b}"))
                .containsEntry("name", "Ada").containsEntry("sizes", List.of(1, 2))
                .containsEntry("nested", Map.of("a", "b"));
        assertThat(FormFields.mapping("Run function", "parameters", " ")).isNull();
        assertThatThrownBy(() -> FormFields.mapping("Run function", "parameters", "just text"))
                .isInstanceOf(SpecException.class)
                .hasMessage("Run function: field 'parameters': value 'just text' is not allowed: a YAML mapping,"
                        + " one 'key: value' per line (such as 'name: Jenkins')");
        assertThatThrownBy(() -> FormFields.mapping("Run function", "parameters", "a: 1\na: 2"))
                .isInstanceOf(SpecException.class).hasMessageContaining("field 'parameters'");
    }

    @Test
    void portsAndReplicas() throws Exception {
        assertThat(FormFields.ports("8080, metrics:9090")).containsExactly(8080, Map.of("name", "metrics", "port", 9090));
        assertThat(FormFields.ports("http")).containsExactly("http");
        assertThat(FormFields.integer("Serve function", "replicas", "3", 0)).isEqualTo(3);
        assertThatThrownBy(() -> FormFields.integer("Serve function", "replicas", "two", 0))
                .isInstanceOf(SpecException.class)
                .hasMessage("Serve function: field 'replicas': value 'two' is not allowed: a whole number, at least 0");
    }

    @Test
    void resultVariablesNameTheOutputsInUpperCase() {
        assertThat(FunctionResultEnvironment.variableName("model-url.v2")).isEqualTo("MODEL_URL_V2");
        FunctionResultEnvironment env = new FunctionResultEnvironment(Map.of("FUNCTION_STATUS", "COMPLETED"));
        FakeEnvVars vars = new FakeEnvVars(Map.of("FUNCTION_STATUS", "ERROR", "FUNCTION_OUTPUT_OLD", "1", "OTHER", "x"));
        env.buildEnvironment(null, vars);
        assertThat(vars).as("the last run's variables only").containsEntry("FUNCTION_STATUS", "COMPLETED")
                .doesNotContainKey("FUNCTION_OUTPUT_OLD").containsEntry("OTHER", "x");
        FunctionResultEnvironment back = (FunctionResultEnvironment) xstream().fromXML(xstream().toXML(env));
        assertThat(back.getVariables()).containsEntry("FUNCTION_STATUS", "COMPLETED");
    }
}
