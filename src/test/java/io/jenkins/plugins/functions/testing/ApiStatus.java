package io.jenkins.plugins.functions.testing;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import okhttp3.mockwebserver.MockResponse;

/** {@code Status} error bodies as the API server writes them. */
final class ApiStatus {

    private ApiStatus() {}

    static MockResponse response(int code, String reason, String message) {
        String body = Serialization.asJson(new StatusBuilder()
                .withNewMetadata().endMetadata()
                .withStatus("Failure")
                .withMessage(message)
                .withReason(reason)
                .withCode(code)
                .build());
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body);
    }
}
