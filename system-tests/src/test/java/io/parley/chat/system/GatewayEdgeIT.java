package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * The gateway's edge work in the running cluster, with its real configuration: quotas
 * kept in the cluster's Redis, request ids, the frontend origins of ALLOWED_ORIGINS and
 * the published API description.
 */
class GatewayEdgeIT extends RunningCluster {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void authenticatedCallCarriesRequestIdAndRemainingQuota() throws Exception {
        Api.User ann = api.newUser("ann");

        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + "/api/v1/conversations"))
                .header("Authorization", "Bearer " + ann.token()).header("X-Request-Id", "system-test-1").GET());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Request-Id")).hasValue("system-test-1");
        assertThat(response.headers().firstValue("X-RateLimit-Limit")).isPresent();
        assertThat(response.headers().firstValue("X-RateLimit-Remaining")).as("Redis answered the quota").isPresent();
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    @Test
    void preflightFromAConfiguredFrontendOriginIsAnswered() throws Exception {
        // the cluster allows http://127.0.0.1:<gateway port>; the request goes to localhost: a cross-origin call
        String origin = cluster.gatewayUrl().replace("localhost", "127.0.0.1");

        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + "/api/v1/conversations"))
                .header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(origin);
    }

    @Test
    void apiDescriptionIsPublished() throws Exception {
        HttpResponse<String> openApi = send(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + "/docs/openapi.yaml")).GET());
        HttpResponse<String> asyncApi = send(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + "/docs/asyncapi.yaml")).GET());
        HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + "/docs")).GET());

        assertThat(openApi.statusCode()).isEqualTo(200);
        assertThat(openApi.body()).startsWith("openapi: 3.1").contains("/api/v1/conversations/{conversationId}/messages");
        assertThat(asyncApi.statusCode()).isEqualTo(200);
        assertThat(asyncApi.body()).contains("chat.messages.v1");
        assertThat(page.statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
