package io.parley.chat.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.parley.chat.testkit.TestInfrastructure;

/**
 * Two gateway replicas in front of the same upstreams share one real Redis: a caller's
 * quota is spent across both (the sum is limited, not each replica's share), per user
 * for authenticated calls and per client address for anonymous ones. While Redis is down
 * each replica applies the same quotas from its own memory, and shares them again once
 * Redis is back.
 */
class SharedRateLimitIT {

    private static final int USER_CAPACITY = 4;
    private static final int ANONYMOUS_CAPACITY = 3;
    private static final UpstreamServer UPSTREAM = UpstreamServer.start("any");

    private static final String LOCAL = "backend=\"local\"";
    private static final String LIMITED = "outcome=\"limited\"";

    private static WebTestClient replicaA;
    private static WebTestClient replicaB;

    @BeforeAll
    static void startTwoReplicas() {
        replicaA = startReplica().client();
        replicaB = startReplica().client();
        for (WebTestClient replica : List.of(replicaA, replicaB)) {
            String bearer = "Bearer " + TestInfrastructure.tokens().mint("warm-up-" + UUID.randomUUID(), "acme");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> replica.get().uri("/api/v1/presence")
                    .header(HttpHeaders.AUTHORIZATION, bearer).exchange()
                    .expectHeader().exists("X-RateLimit-Remaining"));
        }
    }

    @Test
    void userQuotaIsSharedByBothReplicas() {
        String bearer = "Bearer " + TestInfrastructure.tokens().mint("rl-" + UUID.randomUUID(), "acme");

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            WebTestClient replica = i % 2 == 0 ? replicaA : replicaB;
            statuses.add(replica.get().uri("/api/v1/presence?userIds=x").header(HttpHeaders.AUTHORIZATION, bearer)
                    .exchange()
                    .expectHeader().valueEquals("X-RateLimit-Limit", String.valueOf(USER_CAPACITY))
                    .expectHeader().exists("X-RateLimit-Remaining")
                    .returnResult(String.class).getStatus().value());
        }

        assertThat(statuses).filteredOn(s -> s == 200).hasSize(USER_CAPACITY);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(10 - USER_CAPACITY);
    }

    @Test
    void refusedRequestIs429ProblemWithRetryAfter() {
        String bearer = "Bearer " + TestInfrastructure.tokens().mint("rl-" + UUID.randomUUID(), "acme");
        for (int i = 0; i < USER_CAPACITY; i++) {
            replicaA.get().uri("/api/v1/presence").header(HttpHeaders.AUTHORIZATION, bearer).exchange()
                    .expectStatus().isOk();
        }

        replicaB.get().uri("/api/v1/presence").header(HttpHeaders.AUTHORIZATION, bearer).exchange()
                .expectStatus().isEqualTo(429)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectHeader().valueEquals("X-RateLimit-Remaining", "0")
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://parley.dev/problems/rate-limited")
                .jsonPath("$.code").isEqualTo("rate-limited")
                .jsonPath("$.status").isEqualTo(429)
                .jsonPath("$.retryable").isEqualTo(true);
        assertThat(Long.parseLong(replicaB.get().uri("/api/v1/presence").header(HttpHeaders.AUTHORIZATION, bearer)
                .exchange().returnResult(String.class).getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)))
                .isPositive();
    }

    @Test
    void eachUserHasOwnQuota() {
        String ann = "Bearer " + TestInfrastructure.tokens().mint("rl-" + UUID.randomUUID(), "acme");
        String bob = "Bearer " + TestInfrastructure.tokens().mint("rl-" + UUID.randomUUID(), "acme");
        for (int i = 0; i <= USER_CAPACITY; i++) {
            replicaA.get().uri("/api/v1/presence").header(HttpHeaders.AUTHORIZATION, ann).exchange();
        }

        replicaB.get().uri("/api/v1/presence").header(HttpHeaders.AUTHORIZATION, bob).exchange()
                .expectStatus().isOk();
    }

    @Test
    void anonymousQuotaIsPerClientAddressAcrossReplicas() {
        // the replicas trust loopback as a proxy: each test client gets an address of its own
        String client = randomAddress();
        String other = randomAddress();

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            statuses.add(login(i % 2 == 0 ? replicaA : replicaB, "198.51.100.7, " + client).getStatus().value());
        }

        assertThat(statuses).filteredOn(s -> s == 200).hasSize(ANONYMOUS_CAPACITY);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(6 - ANONYMOUS_CAPACITY);
        assertThat(login(replicaB, other).getStatus().value()).isEqualTo(200);
    }

    @Test
    void upstreamSeesTheResolvedClientAddressOnly() {
        UPSTREAM.forget();
        String client = randomAddress();

        login(replicaA, "198.51.100.7, " + client);

        assertThat(UPSTREAM.seen()).singleElement().satisfies(seen -> {
            assertThat(seen.headers().get("X-Forwarded-For")).isEqualTo(client);
            assertThat(seen.headers().get("X-Real-IP")).isEqualTo(client);
        });
    }

    @Test
    void whileRedisIsDownEachReplicaLimitsFromMemoryAndTheSharedBucketsReturnWithRedis() throws Exception {
        String ann = "Bearer " + TestInfrastructure.tokens().mint("rl-" + UUID.randomUUID(), "acme");
        double limitedBefore = Metrics.of(replicaA).value("chat_gateway_rate_limit_decisions_total", LOCAL, LIMITED);
        double failoversBefore = Metrics.of(replicaA).value("chat_gateway_rate_limit_failovers_total");

        TestInfrastructure.redis().stop();
        try {
            assertThat(presenceStatuses(replicaA, ann, USER_CAPACITY + 3))
                    .containsExactly(200, 200, 200, 200, 429, 429, 429);
            replicaA.get().uri("/api/v1/presence").header(HttpHeaders.AUTHORIZATION, ann).exchange()
                    .expectStatus().isEqualTo(429)
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                    .expectHeader().valueEquals("X-RateLimit-Remaining", "0")
                    .expectBody().jsonPath("$.type").isEqualTo("https://parley.dev/problems/rate-limited");
            // per replica meanwhile: the other one has a bucket of its own for ann
            assertThat(presenceStatuses(replicaB, ann, USER_CAPACITY + 1)).containsExactly(200, 200, 200, 200, 429);

            Metrics metrics = Metrics.of(replicaA);
            assertThat(metrics.value("chat_gateway_rate_limit_decisions_total", LOCAL, LIMITED)).isEqualTo(limitedBefore + 4);
            assertThat(metrics.value("chat_gateway_rate_limit_failovers_total")).isEqualTo(failoversBefore + 1);
            assertThat(metrics.value("chat_gateway_rate_limit_local")).isEqualTo(1);
        } finally {
            TestInfrastructure.redis().restart();
        }

        for (WebTestClient replica : List.of(replicaA, replicaB)) {
            // each request after the back-off lets one ask Redis; the first answer switches the replica back
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                presenceStatuses(replica, "Bearer " + TestInfrastructure.tokens().mint("probe-" + UUID.randomUUID(), "acme"), 1);
                assertThat(Metrics.of(replica).value("chat_gateway_rate_limit_local")).isZero();
            });
        }
        String bob = "Bearer " + TestInfrastructure.tokens().mint("rl-" + UUID.randomUUID(), "acme");
        double redisBefore = Metrics.of(replicaA).value("chat_gateway_rate_limit_decisions_total", "backend=\"redis\"",
                "outcome=\"allowed\"");
        assertThat(presenceStatuses(replicaA, bob, USER_CAPACITY)).containsOnly(200);
        assertThat(presenceStatuses(replicaB, bob, 1)).as("bob's quota is shared again").containsExactly(429);
        assertThat(Metrics.of(replicaA).value("chat_gateway_rate_limit_decisions_total", "backend=\"redis\"",
                "outcome=\"allowed\"")).isEqualTo(redisBefore + USER_CAPACITY);
    }

    @Test
    void hstsOnlyWhenATrustedProxySaysTheClientUsedTls() {
        replicaA.get().uri("/.well-known/jwks.json").header("X-Forwarded-Proto", "https").exchange()
                .expectHeader().valueEquals("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        replicaA.get().uri("/.well-known/jwks.json").exchange()
                .expectHeader().doesNotExist("Strict-Transport-Security");
    }

    private static List<Integer> presenceStatuses(WebTestClient replica, String bearer, int requests) {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            statuses.add(replica.get().uri("/api/v1/presence").header(HttpHeaders.AUTHORIZATION, bearer).exchange()
                    .returnResult(String.class).getStatus().value());
        }
        return statuses;
    }

    private static EntityExchangeResult<String> login(WebTestClient replica, String forwardedFor) {
        return replica.post().uri("/api/v1/auth/login")
                .header("X-Forwarded-For", forwardedFor)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"tenant\":\"acme\",\"username\":\"ann\",\"password\":\"secret\"}")
                .exchange()
                .expectBody(String.class).returnResult();
    }

    private static String randomAddress() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    }

    private static GatewayReplica startReplica() {
        return GatewayReplica.start(UPSTREAM,
                "--chat.gateway.trusted-proxies=127.0.0.1/32,::1/128",
                // a loaded test machine must not turn a slow quota into a skipped one
                "--chat.gateway.rate-limits.redis-timeout=3s",
                // back on Redis soon after it returns: the outage test waits for it
                "--chat.gateway.rate-limits.redis-retry-after=500ms",
                "--chat.gateway.rate-limits.routes.presence.capacity=" + USER_CAPACITY,
                "--chat.gateway.rate-limits.routes.presence.per-second=0.001",
                "--chat.gateway.rate-limits.routes.auth.capacity=" + ANONYMOUS_CAPACITY,
                "--chat.gateway.rate-limits.routes.auth.per-second=0.001");
    }
}
