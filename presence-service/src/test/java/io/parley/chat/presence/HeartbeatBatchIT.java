package io.parley.chat.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.parley.chat.testkit.TestInfrastructure;
import io.parley.chat.testkit.TestTokens;

/**
 * {@code PUT /internal/v1/presence/heartbeats}: an edge's heartbeats in one call, each
 * entry authenticated by its own token and nothing else.
 */
class HeartbeatBatchIT extends RunningService {

    String tenant;
    String alice;
    String carol;
    String viewer;

    @BeforeEach
    void users() {
        tenant = unique("t");
        alice = unique("alice");
        carol = unique("carol");
        viewer = token(unique("viewer"), tenant);
    }

    private WebTestClient.ResponseSpec beat(Object body) {
        return http.put().uri("/internal/v1/presence/heartbeats")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private static Map<String, Object> batch(List<Map<String, String>> sessions) {
        return Map.of("edgeId", "edge-1", "sessions", sessions);
    }

    private static Map<String, String> session(String sessionId, String token) {
        return Map.of("sessionId", sessionId, "token", token);
    }

    private String status(String userId) {
        return presence(viewer, userId).expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    }

    private boolean online(String userId) {
        return status(userId).contains("\"status\":\"online\"");
    }

    @Test
    void recordsEachSessionForTheUserItsTokenNamesAndRefusesBadTokensOneByOne() {
        String expired = TestInfrastructure.tokens().sign(
                TestTokens.claims(unique("dave"), tenant, Instant.now().minus(Duration.ofHours(1)), Duration.ofMinutes(15))
                        .build());
        String erin = unique("erin");
        String erinsTenant = unique("t");

        beat(batch(List.of(session("a-phone", token(alice, tenant)), session("a-laptop", token(alice, tenant)),
                session("c-1", token(carol, tenant)), session("d-1", expired), session("f-1", "not.a.token"),
                session("e-1", token(erin, erinsTenant)))))
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.accepted").isEqualTo(4)
                .jsonPath("$.refused.length()").isEqualTo(2)
                .jsonPath("$.refused[0]").value(id -> assertThat(List.of("d-1", "f-1")).contains((String) id))
                .jsonPath("$.refused[1]").value(id -> assertThat(List.of("d-1", "f-1")).contains((String) id));

        assertThat(online(alice)).isTrue();
        assertThat(online(carol)).isTrue();
        // in the tenant the token names
        presence(token(unique("viewer"), erinsTenant), erin).expectStatus().isOk()
                .expectBody().jsonPath("$[0].status").isEqualTo("online");
    }

    @Test
    void heartbeatsKeepASessionAlivePastItsTtl() {
        String token = token(alice, tenant);
        // beaten every second, the session outlives the test TTL (5 s) and stays online throughout
        Awaitility.await().during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(12))
                .pollInterval(Duration.ofSeconds(1)).until(() -> {
                    beat(batch(List.of(session("s1", token)))).expectStatus().isOk()
                            .expectBody().jsonPath("$.accepted").isEqualTo(1);
                    return online(alice);
                });
    }

    @Test
    void badBatchesGetAProblemAndRecordNothing() {
        String token = token(alice, tenant);
        List<Map<String, String>> tooMany = new ArrayList<>();
        IntStream.range(0, 51).forEach(i -> tooMany.add(session("s" + i, token)));

        problem(beat(batch(tooMany)));
        problem(beat(batch(List.of())));
        problem(beat(batch(List.of(session("ok-1", token), session("not ok!", token)))));
        problem(beat(batch(List.of(session("ok-2", "")))));
        problem(beat(Map.of("sessions", List.of(session("ok-3", token)))));
        problem(beat(Map.of("edgeId", "edge-1", "sessions", "not a list")));
        problem(http.put().uri("/internal/v1/presence/heartbeats").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"edgeId\": \"edge-1\", \"sessions\": [").exchange());

        assertThat(online(alice)).isFalse();
    }

    private static void problem(WebTestClient.ResponseSpec response) {
        response.expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(400);
    }
}
