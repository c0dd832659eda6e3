package io.jenkins.plugins.functions.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The Kubernetes verb of an HTTP request, as the API server's audit would name it. */
class RequestCountingTest {

    private static String verb(String method, String uri) {
        return RequestCounting.verb(method, URI.create("https://k8s.example.com:6443" + uri));
    }

    @Test
    void verbsOfTheEnginesRequests() {
        assertThat(verb("POST", "/apis/batch/v1/namespaces/ns/jobs")).isEqualTo("create");
        assertThat(verb("DELETE", "/apis/batch/v1/namespaces/ns/jobs/hello-abc")).isEqualTo("delete");
        assertThat(verb("PUT", "/apis/apps/v1/namespaces/ns/deployments/web")).isEqualTo("update");
        assertThat(verb("PATCH", "/apis/apps/v1/namespaces/ns/deployments/web")).isEqualTo("patch");
        assertThat(verb("GET", "/apis/batch/v1/namespaces/ns/jobs?labelSelector=a%3Db")).isEqualTo("list");
        assertThat(verb("GET", "/api/v1/namespaces/ns/pods?labelSelector=a%3Db&watch=true&resourceVersion=5"))
                .isEqualTo("watch");
        assertThat(verb("GET", "/api/v1/namespaces/ns/pods/hello-abc/log?follow=true")).isEqualTo("get");
        assertThat(verb("GET", "/apis/apps/v1/namespaces/ns/deployments/web")).isEqualTo("get");
        assertThat(verb("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/ns/pods?labelSelector=x")).isEqualTo("list");
        assertThat(verb("GET", "/apis/metrics.k8s.io/v1beta1")).as("discovery").isEqualTo("get");
        assertThat(verb("GET", "/api/v1/namespaces")).isEqualTo("list");
        assertThat(verb("GET", "/api/v1/namespaces/ns")).isEqualTo("get");
        assertThat(verb("GET", "/version")).isEqualTo("get");
    }
}
