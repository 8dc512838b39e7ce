package io.parley.chat.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/** Every way a request can fail at the gateway answers with a typed problem detail, never a 500. */
class ErrorProblemsIT extends GatewayIntegrationSupport {

    @ParameterizedTest
    @ValueSource(strings = { "/internal/v1/conversations/c1/members", "/internal/x" })
    void internalPathsAreNeverRouted(String path) {
        for (String authorization : new String[] { null, bearer("ann") }) {
            var request = client.get().uri(path);
            if (authorization != null) {
                request = request.header(HttpHeaders.AUTHORIZATION, authorization);
            }
            request.exchange()
                    .expectStatus().isNotFound()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").isEqualTo("https://parley.dev/problems/not-found");
        }
        assertNoUpstreamSawAnything();
    }

    @Test
    void unknownPathIs404Problem() {
        client.get().uri("/api/v1/nothing-here").header(HttpHeaders.AUTHORIZATION, bearer("ann")).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://parley.dev/problems/not-found")
                .jsonPath("$.code").isEqualTo("not-found")
                .jsonPath("$.retryable").isEqualTo(false)
                .jsonPath("$.status").isEqualTo(404);
    }

    @Test
    void unknownPathIsDeniedWithoutTokenAndNotFoundWithOne() {
        client.get().uri("/no-such-page").exchange()
                .expectStatus().isUnauthorized();
        client.get().uri("/no-such-page").header(HttpHeaders.AUTHORIZATION, bearer("ann")).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void pathThatClimbsOutOfItsRouteIsRejectedBeforeRouting() {
        client.get().uri("/api/v1/conversations/../../internal/v1/x").header(HttpHeaders.AUTHORIZATION, bearer("ann"))
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://parley.dev/problems/invalid-request")
                .jsonPath("$.code").isEqualTo("invalid-request")
                .jsonPath("$.retryable").isEqualTo(false);
        assertNoUpstreamSawAnything();
    }

    @Test
    void stoppedUpstreamIs503ProblemWithinTheTimeout() {
        PRESENCE.stop();
        try {
            long started = System.nanoTime();
            client.get().uri("/api/v1/presence?userIds=bob").header(HttpHeaders.AUTHORIZATION, bearer("ann")).exchange()
                    .expectStatus().isEqualTo(503)
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.type").isEqualTo("https://parley.dev/problems/upstream-unavailable")
                    .jsonPath("$.code").isEqualTo("upstream-unavailable")
                    .jsonPath("$.retryable").isEqualTo(true);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(RESPONSE_TIMEOUT);
        } finally {
            PRESENCE.restart();
        }
        client.get().uri("/api/v1/presence").header(HttpHeaders.AUTHORIZATION, bearer("ann")).exchange()
                .expectStatus().isOk();
    }

    @Test
    void upstreamThatDoesNotAnswerIs504ProblemAfterTheResponseTimeout() {
        long started = System.nanoTime();

        client.get().uri("/api/v1/presence" + UpstreamServer.SLOW_SEGMENT).header(HttpHeaders.AUTHORIZATION, bearer("ann"))
                .exchange()
                .expectStatus().isEqualTo(504)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://parley.dev/problems/upstream-timeout")
                .jsonPath("$.code").isEqualTo("upstream-timeout")
                .jsonPath("$.retryable").isEqualTo(true);
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isGreaterThanOrEqualTo(RESPONSE_TIMEOUT)
                .isLessThan(UpstreamServer.SLOW_DELAY);
    }

    @Test
    void upstreamThatHangsUpIs502Problem() {
        client.get().uri("/api/v1/presence" + UpstreamServer.HANG_UP_SEGMENT).header(HttpHeaders.AUTHORIZATION, bearer("ann"))
                .exchange()
                .expectStatus().isEqualTo(502)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://parley.dev/problems/upstream-aborted")
                .jsonPath("$.retryable").isEqualTo(true);
    }

    @Test
    void plainRequestToWebSocketRouteIs400Problem() {
        client.get().uri("/ws").exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://parley.dev/problems/websocket-handshake-required");
        assertThat(EDGE.handshakes()).isEmpty();
    }

    private static void assertNoUpstreamSawAnything() {
        assertThat(AUTH.seen()).isEmpty();
        assertThat(CONVERSATION.seen()).isEmpty();
        assertThat(MESSAGE.seen()).isEmpty();
        assertThat(PRESENCE.seen()).isEmpty();
    }
}
