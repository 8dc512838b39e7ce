package io.parley.chat.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/** Each REST path reaches the service that owns it, with the caller's token as it was sent. */
class RestRoutingIT extends GatewayIntegrationSupport {

    @ParameterizedTest
    @ValueSource(strings = { "/api/v1/auth/me", "/api/v1/users?query=ann" })
    void authPathsReachAuthService(String path) {
        getAs(path, bearer("ann"))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.service").isEqualTo("auth").jsonPath("$.path").isEqualTo(path);
    }

    @Test
    void routedCallsAreTimedPerRouteBesideTheGatewaysOwnCalls() {
        getAs("/api/v1/conversations", bearer("ann")).expectStatus().isOk();
        Metrics metrics = Metrics.of(client);
        // the gateway's own WebClient calls (its JWKS read) keep their series under the shared name
        assertThat(metrics.series("http_client_requests_seconds_count", "method=\"GET\"", "outcome=\"SUCCESS\""))
                .as("the gateway's own calls").isNotEmpty();
        assertThat(metrics.value("spring_cloud_gateway_http_client_requests_seconds_count",
                "spring_cloud_gateway_route_id=\"conversation\"", "http_status_code=\"200\""))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void jwksIsServedByAuthServiceWithoutToken() {
        client.get().uri("/.well-known/jwks.json").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.service").isEqualTo("auth");
        assertThat(AUTH.seen()).singleElement().satisfies(seen -> assertThat(seen.authorization()).isNull());
    }

    @ParameterizedTest
    @ValueSource(strings = { "/api/v1/conversations/c1/messages", "/api/v1/conversations/c1/messages?afterSeq=5&limit=50",
            "/api/v1/conversations/c1/messages/7" })
    void messagePathsReachMessageServiceNotConversationService(String path) {
        getAs(path, bearer("ann"))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.service").isEqualTo("message").jsonPath("$.path").isEqualTo(path);
        assertThat(CONVERSATION.seen()).isEmpty();
    }

    @Test
    void sendingAMessageReachesMessageServiceWithItsBody() {
        client.post().uri("/api/v1/conversations/c1/messages")
                .header(HttpHeaders.AUTHORIZATION, bearer("ann"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"clientMsgId\":\"7f1c\",\"body\":\"hi\"}")
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.service").isEqualTo("message");
        assertThat(MESSAGE.seen()).singleElement().satisfies(seen -> assertThat(seen.method()).isEqualTo("POST"));
        assertThat(CONVERSATION.seen()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = { "/api/v1/conversations", "/api/v1/conversations/c1", "/api/v1/conversations/c1/members",
            "/api/v1/conversations/c1/read" })
    void conversationPathsReachConversationService(String path) {
        getAs(path, bearer("ann"))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.service").isEqualTo("conversation").jsonPath("$.path").isEqualTo(path);
        assertThat(MESSAGE.seen()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = { "/api/v1/presence", "/api/v1/presence?userIds=ann,bob" })
    void presencePathsReachPresenceService(String path) {
        getAs(path, bearer("ann"))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.service").isEqualTo("presence").jsonPath("$.path").isEqualTo(path);
    }

    @Test
    void authorizationHeaderArrivesUnchanged() {
        String authorization = bearer("ann");

        getAs("/api/v1/conversations", authorization).expectStatus().isOk();

        assertThat(CONVERSATION.seen()).singleElement()
                .satisfies(seen -> assertThat(seen.authorization()).isEqualTo(authorization));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout" })
    void signInPathsPassWithoutToken(String path) {
        client.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.service").isEqualTo("auth").jsonPath("$.authorization").isEmpty();
    }

    @Test
    void refreshWithAnExpiredAccessTokenStillReachesAuthService() {
        // clients often keep sending their (expired) access token when they refresh it
        String expired = "Bearer " + BadTokens.expired("ann");

        client.post().uri("/api/v1/auth/refresh").header(HttpHeaders.AUTHORIZATION, expired)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.service").isEqualTo("auth").jsonPath("$.authorization").isEqualTo(expired);
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec getAs(String path, String authorization) {
        return client.get().uri(path).header(HttpHeaders.AUTHORIZATION, authorization).exchange();
    }
}
