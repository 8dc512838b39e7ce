package io.parley.chat.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.parley.chat.testkit.TestInfrastructure;

/**
 * A service that is down is answered for, fast: after a few refused connections the
 * route's breaker opens and the gateway answers 503 without trying the service, while
 * the other routes keep working; a service that does not answer is cut off at its
 * route's own response timeout.
 */
class CircuitBreakerIT {

    private static final Duration MESSAGE_TIMEOUT = Duration.ofMillis(800);
    private static final UpstreamServer PRESENCE = UpstreamServer.start("presence");
    private static final UpstreamServer OTHERS = UpstreamServer.start("others");

    private static WebTestClient gateway;

    @BeforeAll
    static void startGatewayWithSmallBreaker() {
        gateway = GatewayReplica.start(OTHERS,
                "--PRESENCE_URL=" + PRESENCE.url(),
                "--MESSAGE_RESPONSE_TIMEOUT_MS=" + MESSAGE_TIMEOUT.toMillis(),
                "--chat.gateway.circuit-breaker.window=4",
                "--chat.gateway.circuit-breaker.minimum-calls=2",
                "--chat.gateway.circuit-breaker.open-for=5m").client();
    }

    @Test
    void stoppedServiceOpensItsBreakerAndIsAnswered503WithoutBeingCalled() throws Exception {
        String bearer = "Bearer " + TestInfrastructure.tokens().mint("ann", "acme");
        PRESENCE.stop();
        try {
            for (int i = 0; i < 2; i++) {
                expect503(gateway.get().uri("/api/v1/presence").header(HttpHeaders.AUTHORIZATION, bearer));
            }
        } finally {
            PRESENCE.restart();
        }
        PRESENCE.forget();

        long started = System.nanoTime();
        expect503(gateway.get().uri("/api/v1/presence").header(HttpHeaders.AUTHORIZATION, bearer));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(PRESENCE.seen()).as("an open breaker does not call the service").isEmpty();
        gateway.get().uri("/api/v1/conversations").header(HttpHeaders.AUTHORIZATION, bearer).exchange()
                .expectStatus().isOk();
    }

    @Test
    void serviceThatDoesNotAnswerIsCutOffAtItsRoutesTimeout() {
        long started = System.nanoTime();

        gateway.get().uri("/api/v1/conversations/c1/messages" + UpstreamServer.SLOW_SEGMENT)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestInfrastructure.tokens().mint("bob", "acme"))
                .exchange()
                .expectStatus().isEqualTo(504)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://parley.dev/problems/upstream-timeout")
                .jsonPath("$.retryable").isEqualTo(true);

        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isGreaterThanOrEqualTo(MESSAGE_TIMEOUT)
                .isLessThan(UpstreamServer.SLOW_DELAY);
    }

    private static void expect503(WebTestClient.RequestHeadersSpec<?> request) {
        request.exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://parley.dev/problems/upstream-unavailable")
                .jsonPath("$.retryable").isEqualTo(true);
    }
}
