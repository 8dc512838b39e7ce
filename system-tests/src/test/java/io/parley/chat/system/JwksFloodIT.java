package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.parley.chat.testkit.ChatSocket;
import io.parley.chat.testkit.ChatSocket.Auth;
import io.parley.chat.testkit.TestTokens;

/**
 * Tokens with random kids do not turn into JWKS reads (issue 20): 500 REST calls and 100
 * WebSocket upgrades through the gateway, and 100 calls at each service's own port, every
 * token signed by a key nobody trusts under a kid nobody knows. Each is refused as
 * unauthenticated, and each service that verifies against the JWKS (all but auth-service,
 * which verifies from its own key store) reads it for unknown kids at most once per
 * {@code chat.security.jwks.unknown-kid-gap} (30 s) of the flood. A real user's token still
 * works afterwards.
 */
class JwksFloodIT extends RunningCluster {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration UNKNOWN_KID_GAP = Duration.ofSeconds(30);
    private static final int REST_CALLS = 500;
    private static final int SOCKETS = 100;
    private static final int CALLS_PER_SERVICE = 100;
    private static final List<String> JWKS_VERIFIERS = List.of("gateway-service", "conversation-service",
            "message-service", "presence-service", "realtime-edge");

    @Test
    void tokensWithRandomKidsAreRefusedWithoutAJwksReadEach() throws Exception {
        Api.User user = api.newUser("flooded");
        JWTClaimsSet genuine = SignedJWT.parse(user.token()).getJWTClaimsSet();
        Map<String, String> endpoints = ProtectedEndpoints.of(cluster);
        Map<String, Double> readsBefore = scrape("chat_jwks_fetches_total", "reason=\"unknown_kid\"");
        Map<String, Double> rejectedBefore = scrape("chat_jwks_unknown_kid_rejected_total", "");
        long started = System.nanoTime();

        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < REST_CALLS; i++) {
            calls.add(() -> ProtectedEndpoints.status(endpoints.get("gateway"), forged(genuine)));
        }
        endpoints.forEach((name, url) -> {
            for (int i = 0; i < CALLS_PER_SERVICE; i++) {
                calls.add(() -> ProtectedEndpoints.status(url, forged(genuine)));
            }
        });
        List<ChatSocket> sockets = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> statuses = pool.invokeAll(calls);
            for (int i = 0; i < SOCKETS; i++) {
                sockets.add(ChatSocket.connect(cluster.gatewayWebSocketUrl(), forged(genuine),
                        i % 2 == 0 ? Auth.HEADER : Auth.SUBPROTOCOL));
            }
            for (Future<Integer> status : statuses) {
                assertThat(status.get()).isEqualTo(401);
            }
            for (ChatSocket socket : sockets) {
                assertThatThrownBy(() -> socket.awaitOpen(WAIT)).hasMessageContaining("401");
            }
        } finally {
            pool.shutdownNow();
            sockets.forEach(ChatSocket::close);
        }
        Duration flood = Duration.ofNanos(System.nanoTime() - started);

        Map<String, Double> reads = minus(scrape("chat_jwks_fetches_total", "reason=\"unknown_kid\""), readsBefore);
        Map<String, Double> rejected = minus(scrape("chat_jwks_unknown_kid_rejected_total", ""), rejectedBefore);
        long allowed = 1 + flood.toNanos() / UNKNOWN_KID_GAP.toNanos();
        for (String service : JWKS_VERIFIERS) {
            // each replica keeps its own gap
            assertThat(reads.get(service)).as("JWKS reads for unknown kids by %s during a %s flood", service, flood)
                    .isLessThanOrEqualTo(allowed * cluster.replicas(service));
        }
        // the tokens did reach the key lookup of each: refused there, not earlier for another reason
        assertThat(rejected.get("gateway-service")).isGreaterThanOrEqualTo(REST_CALLS + CALLS_PER_SERVICE);
        assertThat(rejected.get("realtime-edge")).isGreaterThanOrEqualTo(SOCKETS + CALLS_PER_SERVICE);
        for (String service : List.of("conversation-service", "message-service", "presence-service")) {
            assertThat(rejected.get(service)).as(service).isGreaterThanOrEqualTo(CALLS_PER_SERVICE);
        }

        for (var endpoint : endpoints.entrySet()) {
            assertThat(ProtectedEndpoints.status(endpoint.getValue(), user.token())).as(endpoint.getKey()).isNotEqualTo(401);
        }
        try (ChatSocket socket = ChatSocket.connect(cluster.gatewayWebSocketUrl(), user.token(), Auth.HEADER)) {
            assertThat(socket.awaitOpen(WAIT)).isEqualTo("chat.v1");
        }
    }

    /** The genuine caller's claims, signed by a fresh key under its own random kid. */
    private static String forged(JWTClaimsSet genuine) throws Exception {
        return TestTokens.forge(TestTokens.claims(genuine.getSubject(), genuine.getStringClaim("tid"), Instant.now(),
                Duration.ofMinutes(15)).build(), null);
    }

    /** Per JWKS-verifying service, the sum over its replicas of a metric's series whose labels contain {@code label}. */
    private static Map<String, Double> scrape(String metric, String label) throws Exception {
        Map<String, Double> sums = new LinkedHashMap<>();
        for (String service : JWKS_VERIFIERS) {
            String scrape = Metrics.scrape(cluster, service);
            assertThat(scrape).as("%s exposed by %s", metric, service).contains(metric + "{");
            sums.put(service, Metrics.sum(scrape, metric, label));
        }
        return sums;
    }

    private static Map<String, Double> minus(Map<String, Double> after, Map<String, Double> before) {
        Map<String, Double> difference = new LinkedHashMap<>();
        after.forEach((service, value) -> difference.put(service, value - before.get(service)));
        return difference;
    }
}
