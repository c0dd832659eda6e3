package io.jenkins.plugins.functions.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.functions.testing.RequestLog;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestShapesTest {

    private static RequestLog.Entry entry(String method, String path, String query) {
        return new RequestLog.Entry(Instant.EPOCH, method, path, query);
    }

    @Test
    void namesAndNamespacesBecomePlaceholders() {
        assertThat(RequestShapes.shape("POST", "/apis/batch/v1/namespaces/default/jobs", null))
                .isEqualTo("POST /apis/batch/v1/namespaces/{ns}/jobs");
        assertThat(RequestShapes.shape("DELETE", "/apis/batch/v1/namespaces/team-a/jobs/bench-1x", null))
                .isEqualTo("DELETE /apis/batch/v1/namespaces/{ns}/jobs/{name}");
        assertThat(RequestShapes.shape("GET", "/api/v1/namespaces/default/pods/bench-1x-abcde/log",
                "timestamps=true&container=function&follow=true&sinceTime=2024-01-01T00%3A00%3A00Z"))
                .isEqualTo("GET /api/v1/namespaces/{ns}/pods/{name}/log?container&follow=true&sinceTime&timestamps");
        assertThat(RequestShapes.shape("GET", "/api/v1/namespaces/default/pods",
                "labelSelector=a%3Db&resourceVersion=12&watch=true&allowWatchBookmarks=true"))
                .isEqualTo("GET /api/v1/namespaces/{ns}/pods?allowWatchBookmarks&labelSelector&resourceVersion&watch=true");
        assertThat(RequestShapes.shape("GET", "/api/v1/nodes", "")).isEqualTo("GET /api/v1/nodes");
    }

    @Test
    void breakdownCountsShapesMostFrequentFirst() {
        var counts = RequestShapes.breakdown(List.of(
                entry("DELETE", "/apis/batch/v1/namespaces/default/jobs/a", null),
                entry("POST", "/apis/batch/v1/namespaces/default/jobs", null),
                entry("DELETE", "/apis/batch/v1/namespaces/default/jobs/b", null)));
        assertThat(counts).containsExactly(
                java.util.Map.entry("DELETE /apis/batch/v1/namespaces/{ns}/jobs/{name}", 2),
                java.util.Map.entry("POST /apis/batch/v1/namespaces/{ns}/jobs", 1));
    }

    @Test
    void jobOfFindsTheJobARequestIsAbout() {
        assertThat(RequestShapes.jobOf(entry("DELETE", "/apis/batch/v1/namespaces/default/jobs/bench-1x", null)))
                .isEqualTo("bench-1x");
        assertThat(RequestShapes.jobOf(entry("GET", "/api/v1/namespaces/default/pods/bench-1x-abcde/log",
                "follow=true"))).isEqualTo("bench-1x");
        assertThat(RequestShapes.jobOf(entry("GET", "/api/v1/namespaces/default/pods",
                "fieldSelector=metadata.name%3Dbench-1x-abcde"))).isEqualTo("bench-1x");
        assertThat(RequestShapes.jobOf(entry("POST", "/apis/batch/v1/namespaces/default/jobs", null))).isNull();
        assertThat(RequestShapes.jobOf(entry("GET", "/api/v1/namespaces/default/pods", "watch=true"))).isNull();
    }
}
