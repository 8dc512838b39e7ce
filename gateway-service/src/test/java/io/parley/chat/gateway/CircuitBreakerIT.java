package io.parley.chat.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import io.parley.chat.testkit.TestInfrastructure;
import reactor.core.publisher.Flux;

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
    private static String gatewayUrl;

    @BeforeAll
    static void startGatewayWithSmallBreaker() {
        GatewayReplica replica = GatewayReplica.start(OTHERS,
                "--PRESENCE_URL=" + PRESENCE.url(),
                "--MESSAGE_RESPONSE_TIMEOUT_MS=" + MESSAGE_TIMEOUT.toMillis(),
                "--CONVERSATION_RESPONSE_TIMEOUT_MS=" + UpstreamServer.SLOW_DELAY.multipliedBy(3).toMillis(),
                "--chat.gateway.circuit-breaker.window=4",
                "--chat.gateway.circuit-breaker.minimum-calls=2",
                "--chat.gateway.circuit-breaker.open-for=5m");
        gateway = replica.client();
        gatewayUrl = replica.url();
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

        // what an SRE's dashboard and alerts see: the presence route's breaker open, the others not
        String scrape = gateway.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(scrape.lines().filter(line -> line.startsWith("resilience4j_circuitbreaker_state{")
                && line.contains("state=\"open\"") && line.endsWith(" 1.0")))
                .as("breakers reported open").anyMatch(line -> line.contains("presence"))
                .noneMatch(line -> line.contains("conversation"));
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

    @Test
    void manyCallsInFlightOnOneRouteAreAllAnswered() {
        String bearer = "Bearer " + TestInfrastructure.tokens().mint("carol", "acme");
        WebClient client = WebClient.create(gatewayUrl);

        List<Integer> statuses = Flux.range(0, 40)
                .flatMap(i -> client.get().uri("/api/v1/conversations/c" + i + UpstreamServer.SLOW_SEGMENT)
                        .header(HttpHeaders.AUTHORIZATION, bearer)
                        .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value())), 40)
                .collectList()
                .block(Duration.ofSeconds(60));

        assertThat(statuses).hasSize(40).containsOnly(200);
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
