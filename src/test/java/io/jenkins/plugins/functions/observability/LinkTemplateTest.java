package io.jenkins.plugins.functions.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.functions.spec.SpecException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Link templates: checked placeholders, URL-encoded values, links left out when a value is missing. */
class LinkTemplateTest {

    private static final String LOKI = "https://grafana.example.com/explore?orgId=1&left={\"datasource\":\"loki\","
            + "\"queries\":[{\"expr\":\"{namespace=\\\"${namespace}\\\",pod=\\\"${pod}\\\"}\"}],"
            + "\"range\":{\"from\":\"${start}\",\"to\":\"${end}\"}}";

    @Test
    void expandsEveryPlaceholderUrlEncoded() throws SpecException {
        LinkTemplate t = LinkTemplate.of("Logs in Loki", LOKI);
        assertThat(t.used()).containsExactly("namespace", "pod", "start", "end");
        String url = t.expand(Map.of("namespace", "team-a", "pod", "hello-k3x9q-abcde", "start", "1700000000000",
                "end", "now")).orElseThrow();
        assertThat(url).contains("namespace=\\\"team-a\\\"").contains("pod=\\\"hello-k3x9q-abcde\\\"")
                .contains("\"from\":\"1700000000000\"").contains("\"to\":\"now\"").doesNotContain("${");
        assertThat(LinkTemplate.of("Job", "https://dash.example.com/d/x?var-job=${jenkinsJob}&run=${runId}")
                .expand(Map.of("jenkinsJob", "team/app & more", "runId", "k3x9q2m7ab")))
                .hasValue("https://dash.example.com/d/x?var-job=team%2Fapp%20%26%20more&run=k3x9q2m7ab");
    }

    @Test
    void aLinkWithAPlaceholderWithoutValueIsLeftOut() throws SpecException {
        LinkTemplate trace = LinkTemplate.of("Trace", "https://tempo.example.com/trace/${traceId}");
        LinkTemplate pod = LinkTemplate.of("Pod", "https://k8s.example.com/${namespace}/${pod}");
        assertThat(trace.expand(Map.of())).isEmpty();
        assertThat(LinkTemplate.expandAll(List.of(trace, pod), Map.of("namespace", "ns", "pod", "p", "traceId", "")))
                .containsExactly(new LinkTemplate.Link("Pod", "https://k8s.example.com/ns/p"));
    }

    @Test
    void refusesUnknownPlaceholdersAndUrlsThatAreNotHttp() {
        assertThatThrownBy(() -> LinkTemplate.of("Logs", "https://g.example.com/?q=${podName}"))
                .isInstanceOf(SpecException.class).hasMessageContaining("field 'url'")
                .hasMessageContaining("'${podName}' is unknown").hasMessageContaining("${pod}");
        assertThatThrownBy(() -> LinkTemplate.of("Logs", "https://g.example.com/?q=${pod"))
                .hasMessageContaining("'${pod' is unknown");
        assertThatThrownBy(() -> LinkTemplate.of("Logs", "javascript:alert(1)"))
                .hasMessageContaining("field 'url'").hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> LinkTemplate.of(" ", "https://g.example.com/"))
                .hasMessageContaining("field 'name'");
        assertThatThrownBy(() -> new LinkTemplate("Logs", "ftp://x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("field 'url'");
    }
}
