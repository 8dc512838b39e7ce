package io.parley.chat.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.parley.chat.testkit.TestInfrastructure;

/**
 * Two gateway replicas in front of the same upstreams share one real Redis: a caller's
 * quota is spent across both (the sum is limited, not each replica's share), per user
 * for authenticated calls and per client address for anonymous ones.
 */
class SharedRateLimitIT {

    private static final int USER_CAPACITY = 4;
    private static final int ANONYMOUS_CAPACITY = 3;
    private static final UpstreamServer UPSTREAM = UpstreamServer.start("any");

    private static ConfigurableApplicationContext first;
    private static ConfigurableApplicationContext second;
    private static WebTestClient replicaA;
    private static WebTestClient replicaB;

    @BeforeAll
    static void startTwoReplicas() {
        first = startReplica();
        second = startReplica();
        replicaA = client(first);
        replicaB = client(second);
    }

    /**
     * Closing a gateway context disposes Reactor Netty's global event loops, which the
     * other ITs' gateway and stand-in servers in this JVM still use: the replicas close
     * when the JVM exits, as Spring's cached test contexts do.
     */
    @AfterAll
    static void stopReplicasAtExit() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            first.close();
            second.close();
        }, "gateway-replicas-stop"));
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
    void redisOutageLetsRequestsThroughWithoutQuota() throws Exception {
        String bearer = "Bearer " + TestInfrastructure.tokens().mint("rl-" + UUID.randomUUID(), "acme");
        TestInfrastructure.redis().stop();
        try {
            for (int i = 0; i < USER_CAPACITY * 2; i++) {
                long started = System.nanoTime();
                replicaA.get().uri("/api/v1/presence").header(HttpHeaders.AUTHORIZATION, bearer).exchange()
                        .expectStatus().isOk()
                        .expectHeader().valueEquals("X-RateLimit-Limit", String.valueOf(USER_CAPACITY))
                        .expectHeader().doesNotExist("X-RateLimit-Remaining");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            }
        } finally {
            TestInfrastructure.redis().restart();
        }
        // quotas apply again once Redis is back
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                replicaB.get().uri("/api/v1/presence").header(HttpHeaders.AUTHORIZATION, bearer).exchange()
                        .expectHeader().exists("X-RateLimit-Remaining"));
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

    private static ConfigurableApplicationContext startReplica() {
        return new SpringApplicationBuilder(io.parley.chat.gateway.GatewayApplication.class).run(
                "--server.port=0",
                "--AUTH_URL=" + UPSTREAM.url(),
                "--CONVERSATION_URL=" + UPSTREAM.url(),
                "--MESSAGE_URL=" + UPSTREAM.url(),
                "--PRESENCE_URL=" + UPSTREAM.url(),
                "--chat.security.jwks-uri=" + TestInfrastructure.tokens().jwksUri(),
                "--spring.data.redis.host=" + TestInfrastructure.redis().host(),
                "--spring.data.redis.port=" + TestInfrastructure.redis().port(),
                "--chat.gateway.trusted-proxies=127.0.0.1/32,::1/128",
                "--chat.gateway.rate-limits.routes.presence.capacity=" + USER_CAPACITY,
                "--chat.gateway.rate-limits.routes.presence.per-second=0.001",
                "--chat.gateway.rate-limits.routes.auth.capacity=" + ANONYMOUS_CAPACITY,
                "--chat.gateway.rate-limits.routes.auth.per-second=0.001");
    }

    private static WebTestClient client(ConfigurableApplicationContext context) {
        return WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + context.getEnvironment().getProperty("local.server.port"))
                .responseTimeout(Duration.ofSeconds(15))
                .build();
    }
}
