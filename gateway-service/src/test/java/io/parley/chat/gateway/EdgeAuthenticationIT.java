package io.parley.chat.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/** The gateway rejects a request without a valid token itself: it never reaches a service. */
class EdgeAuthenticationIT extends GatewayIntegrationSupport {

    static Stream<Arguments> badAuthorizations() {
        return Stream.of(
                Arguments.of("no token", null),
                Arguments.of("not a JWT", "Bearer not-a-jwt"),
                Arguments.of("signed by a foreign key", "Bearer " + BadTokens.signedByForeignKey("ann")),
                Arguments.of("expired", "Bearer " + BadTokens.expired("ann")),
                Arguments.of("for another audience", "Bearer " + BadTokens.forOtherAudience("ann")),
                Arguments.of("not a bearer scheme", "Basic YW5uOnNlY3JldA=="));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badAuthorizations")
    void protectedPathWithoutValidTokenIs401ProblemAndNotForwarded(String why, String authorization) {
        var request = client.get().uri("/api/v1/conversations");
        if (authorization != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, authorization);
        }

        request.exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://parley.dev/problems/unauthorized")
                .jsonPath("$.code").isEqualTo("unauthorized")
                .jsonPath("$.retryable").isEqualTo(false)
                .jsonPath("$.status").isEqualTo(401);
        assertThat(CONVERSATION.seen()).isEmpty();
    }

    @Test
    void everyServiceRouteIsProtected() {
        for (String path : new String[] { "/api/v1/auth/me", "/api/v1/users", "/api/v1/conversations/c1/messages",
                "/api/v1/presence" }) {
            client.get().uri(path).exchange().expectStatus().isUnauthorized();
        }
        assertThat(AUTH.seen()).isEmpty();
        assertThat(MESSAGE.seen()).isEmpty();
        assertThat(PRESENCE.seen()).isEmpty();
    }

    @Test
    void sendingWithoutTokenIs401AndNothingReachesMessageService() {
        client.post().uri("/api/v1/conversations/c1/messages")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"clientMsgId\":\"7f1c\",\"body\":\"hi\"}")
                .exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(MESSAGE.seen()).isEmpty();
    }

    @Test
    void probesAndMetricsNeedNoToken() {
        client.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
        client.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
    }
}
