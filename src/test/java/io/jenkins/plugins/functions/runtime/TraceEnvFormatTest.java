package io.jenkins.plugins.functions.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OTEL_RESOURCE_ATTRIBUTES as the OpenTelemetry SDKs read it: {@code key=value,...}, values percent-encoded. */
class TraceEnvFormatTest {

    @Test
    void valuesArePercentEncoded() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("service.name", "a b,c=d%é");
        a.put("faas.version", "0123abcd");
        assertThat(TraceEnv.format(a)).isEqualTo("service.name=a%20b%2Cc%3Dd%25%C3%A9,faas.version=0123abcd");
    }

    @Test
    void theFunctionsOwnAttributesWinAndTheRunsOthersAreAppended() {
        Map<String, String> run = new LinkedHashMap<>();
        run.put("service.name", "hello");
        run.put("cicd.pipeline.task.run.id", "r1");
        assertThat(TraceEnv.merge("service.name=web, team=a", run)).isEqualTo("service.name=web, team=a,"
                + "cicd.pipeline.task.run.id=r1");
        assertThat(TraceEnv.merge("", run)).isEqualTo("service.name=hello,cicd.pipeline.task.run.id=r1");
        assertThat(TraceEnv.merge("service.name=x,cicd.pipeline.task.run.id=y", run))
                .isEqualTo("service.name=x,cicd.pipeline.task.run.id=y");
    }
}
