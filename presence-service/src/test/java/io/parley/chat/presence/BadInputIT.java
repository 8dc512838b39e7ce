package io.parley.chat.presence;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.parley.chat.testkit.TestTokens;

/** Bad input gets a 4xx problem detail, never a 5xx. */
class BadInputIT extends RunningService {

    final String tenant = unique("t");
    final String alice = unique("alice");

    @Test
    void moreThan100UserIdsAreRejected() {
        String ids = IntStream.rangeClosed(1, 101).mapToObj(i -> "u" + i).collect(Collectors.joining(","));
        problem(presence(token(alice, tenant), ids), 400);
    }

    @Test
    void exactly100UserIdsAreAccepted() {
        String ids = IntStream.rangeClosed(1, 100).mapToObj(i -> "u" + i).collect(Collectors.joining(","));
        presence(token(alice, tenant), ids).expectStatus().isOk().expectBody().jsonPath("$.length()").isEqualTo(100);
    }

    @Test
    void idsThatNameNoUserOfTheTenantAreRejectedByName() {
        presence(token(alice, tenant), "u1,ghost-1,ghost-2").expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://parley.dev/problems/unknown-users")
                .jsonPath("$.userIds[0]").isEqualTo("ghost-1")
                .jsonPath("$.userIds[1]").isEqualTo("ghost-2");
        presence(token(alice, tenant), "u1,u2").expectStatus().isOk();
    }

    @Test
    void malformedUserIdsAreRejected() {
        problem(presence(token(alice, tenant), "ok,not!ok"), 400);
        problem(presence(token(alice, tenant), "x".repeat(65)), 400);
    }

    @Test
    void missingUserIdsAreRejected() {
        problem(http.get().uri("/api/v1/presence").header(HttpHeaders.AUTHORIZATION, "Bearer " + token(alice, tenant))
                .exchange(), 400);
        problem(presence(token(alice, tenant), ""), 400);
    }

    @Test
    void malformedSessionIdsAreRejected() {
        problem(connect(token(alice, tenant), "x".repeat(65)), 400);
        problem(connect(token(alice, tenant), "bad!id"), 400);
        problem(disconnect(token(alice, tenant), "bad!id"), 400);
    }

    @Test
    void sessionWithoutValidEdgeIdIsRejected() {
        problem(put(token(alice, tenant), "{}"), 400);
        problem(put(token(alice, tenant), "{\"edgeId\": \"has space\"}"), 400);
        problem(put(token(alice, tenant), "{\"edgeId\": "), 400);
        problem(http.put().uri("/internal/v1/presence/sessions/s1")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token(alice, tenant)).exchange(), 400);
    }

    @Test
    void badTypingBodiesAreRejected() {
        String token = token(alice, tenant);
        for (String body : new String[] {"{}", "{\"conversationId\": null}", "{\"conversationId\": \"bad id\"}",
                "{\"conversationId\": 42}", "{\"conversationId\": \"" + "c".repeat(65) + "\"}", "{\"conversationId\": ", "[]"}) {
            problem(typing(token, body), 400);
        }
        problem(http.post().uri("/internal/v1/presence/typing")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange(), 400);
    }

    @Test
    void badReadBodiesAreRejected() {
        String token = token(alice, tenant);
        for (String body : new String[] {"{}", "{\"conversationId\": \"c1\"}", "{\"seq\": 1}",
                "{\"conversationId\": \"c1\", \"seq\": -1}", "{\"conversationId\": \"c1\", \"seq\": 1.5}",
                "{\"conversationId\": \"c1\", \"seq\": \"x\"}", "{\"conversationId\": \"c1\", \"seq\": 1e30}",
                "{\"conversationId\": \"not ok\", \"seq\": 1}", "{\"conversationId\": \"c1\", \"seq\": "}) {
            problem(read(token, body), 400);
        }
    }

    @Test
    void requestsWithoutTokenAreUnauthorized() {
        problem(http.get().uri("/api/v1/presence?userIds=a").exchange(), 401);
        problem(http.put().uri("/internal/v1/presence/sessions/s1").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"edgeId\":\"e\"}").exchange(), 401);
        problem(http.delete().uri("/internal/v1/presence/sessions/s1").exchange(), 401);
        problem(http.post().uri("/internal/v1/presence/typing").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"conversationId\":\"c\"}").exchange(), 401);
        problem(http.put().uri("/internal/v1/presence/read").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"conversationId\":\"c\",\"seq\":1}").exchange(), 401);
    }

    @Test
    void tokenSignedByForeignKeyIsUnauthorized() {
        String forged = TestTokens.sign(TestTokens.generateKey(),
                TestTokens.claims(alice, tenant, Instant.now(), Duration.ofMinutes(5)).build());
        problem(presence(forged, "a"), 401);
        problem(connect(forged, "s1"), 401);
    }

    private WebTestClient.ResponseSpec put(String token, String body) {
        return http.put().uri("/internal/v1/presence/sessions/s1")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private static void problem(WebTestClient.ResponseSpec response, int status) {
        response.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(status)
                .jsonPath("$.type").value(type -> org.assertj.core.api.Assertions.assertThat((String) type)
                        .startsWith("https://parley.dev/problems/"));
    }
}
