package io.parley.chat.conversation;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.parley.chat.testkit.TestInfrastructure;
import io.parley.chat.testkit.TestTokens;

/** Bad input gets a 4xx problem detail that says what is wrong, never a 5xx. */
class BadInputIT extends RunningService {

    final String tenant = unique("t");
    final String alice = unique("alice");

    @Test
    void unknownTypeIsRejected() {
        invalid(post(token(alice, tenant), Map.of("type", "SECRET", "title", "x")), "type");
    }

    @Test
    void missingTypeIsRejected() {
        invalid(post(token(alice, tenant), Map.of("title", "x")), "type");
    }

    @Test
    void moreThan256MembersAreRejected() {
        List<String> members = IntStream.rangeClosed(1, 257).mapToObj(i -> "u" + i).toList();
        invalid(post(token(alice, tenant), Map.of("type", "GROUP", "title", "big", "memberIds", members)), "memberIds");
    }

    @Test
    void titleLongerThan128CharactersIsRejected() {
        invalid(post(token(alice, tenant), group("x".repeat(129), unique("b"))), "title");
    }

    @Test
    void groupWithoutTitleIsRejected() {
        invalid(post(token(alice, tenant), Map.of("type", "GROUP", "memberIds", List.of(unique("b")))), "title");
        invalid(post(token(alice, tenant), group("   ", unique("b"))), "title");
    }

    @Test
    void titleWithControlCharactersIsRejected() {
        invalid(post(token(alice, tenant), group("bell\u0007", unique("b"))), "title");
    }

    @Test
    void duplicateMemberIdsAreRejected() {
        String bob = unique("bob");
        invalid(post(token(alice, tenant), group("dup", bob, bob)), "memberIds");
    }

    @Test
    void malformedMemberIdsAreRejected() {
        invalid(post(token(alice, tenant), group("bad", "has space")), "memberIds[0]");
        invalid(post(token(alice, tenant), group("bad", "x".repeat(65))), "memberIds[0]");
        invalid(post(token(alice, tenant), group("bad", "")), "memberIds[0]");
        invalid(post(token(alice, tenant), Map.of("type", "GROUP", "title", "bad",
                "memberIds", Collections.singletonList(null))), "memberIds[0]");
    }

    @Test
    void malformedConversationIdInPathIsRejected() {
        problem(get(token(alice, tenant), "/api/v1/conversations/" + "x".repeat(65)), 400);
        problem(get(token(alice, tenant), "/internal/v1/conversations/bad!id/membership"), 400);
    }

    @Test
    void limitOutOfRangeIsRejected() {
        problem(get(token(alice, tenant), "/api/v1/conversations?limit=0"), 400);
        problem(get(token(alice, tenant), "/api/v1/conversations?limit=201"), 400);
        problem(get(token(alice, tenant), "/api/v1/conversations?limit=lots"), 400);
    }

    @Test
    void malformedJsonIsRejected() {
        problem(raw(token(alice, tenant), "{\"type\": \"GROUP\", "), 400);
        problem(raw(token(alice, tenant), "[1, 2]"), 400);
        problem(raw(token(alice, tenant), "{\"type\": \"GROUP\", \"title\": \"t\", \"memberIds\": \"bob\"}"), 400);
    }

    @Test
    void oversizedBodyIsRejected() {
        problem(raw(token(alice, tenant), "{\"type\":\"GROUP\",\"title\":\"" + "x".repeat(70_000) + "\"}"), 413);
    }

    @Test
    void requestWithoutTokenIsUnauthorized() {
        problem(http.post().uri("/api/v1/conversations").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(group("x")).exchange(), 401);
        problem(http.get().uri("/internal/v1/conversations/abc/membership").exchange(), 401);
    }

    @Test
    void tokenSignedByForeignKeyIsUnauthorized() {
        String forged = TestTokens.sign(TestTokens.generateKey(),
                TestTokens.claims(alice, tenant, Instant.now(), Duration.ofMinutes(5)).build());
        problem(post(forged, group("x")), 401);
    }

    @Test
    void expiredTokenIsUnauthorized() {
        String expired = TestInfrastructure.tokens().sign(
                TestTokens.claims(alice, tenant, Instant.now().minus(Duration.ofHours(1)), Duration.ofMinutes(5)).build());
        problem(get(expired, "/api/v1/conversations"), 401);
    }

    @Test
    void membershipChangesWithBadInputAreRejected() {
        String id = create(token(alice, tenant), group("changes", unique("bob")));
        String members = path(id) + "/members";
        String bob = unique("bob");
        invalid(call("POST", token(alice, tenant), members, Map.of("userIds", List.of(bob, bob))), "userIds");
        invalid(call("POST", token(alice, tenant), members,
                Map.of("userIds", IntStream.rangeClosed(1, 257).mapToObj(i -> "u" + i).toList())), "userIds");
        invalid(call("POST", token(alice, tenant), members, Map.of("userIds", List.of())), "userIds");
        invalid(call("POST", token(alice, tenant), members, Map.of("role", "member")), "userIds");
        invalid(call("POST", token(alice, tenant), members, Map.of("userIds", List.of("has space"))), "userIds[0]");
        invalid(call("POST", token(alice, tenant), members, Map.of("userIds", List.of(bob), "role", "king")), "role");
        invalid(call("PATCH", token(alice, tenant), members + "/" + bob, Map.of("role", "king")), "role");
        invalid(call("PATCH", token(alice, tenant), members + "/" + bob, Map.of()), "role");
        problem(call("DELETE", token(alice, tenant), members + "/bad!id", null), 400);
        problem(call("POST", token(alice, tenant), path("bad!id") + "/members", Map.of("userIds", List.of(bob))), 400);
    }

    @Test
    void conversationChangesWithBadInputAreRejected() {
        String id = create(token(alice, tenant), group("changes"));
        invalid(call("PATCH", token(alice, tenant), path(id), Map.of("title", "x".repeat(129))), "title");
        invalid(call("PATCH", token(alice, tenant), path(id), Map.of("title", " ")), "title");
        invalid(call("PATCH", token(alice, tenant), path(id), Map.of()), "title");
        invalid(call("PATCH", token(alice, tenant), path(id), Map.of("settings", Map.of("bad key", "v"))), "settings");
        invalid(call("PATCH", token(alice, tenant), path(id), Map.of("settings",
                IntStream.rangeClosed(1, 33).boxed().collect(java.util.stream.Collectors.toMap(i -> "k" + i, i -> "v")))),
                "settings");
        invalid(call("PATCH", token(alice, tenant), path(id), Map.of("settings", Map.of("k", "x".repeat(1025)))),
                "settings.k");
        problem(call("PATCH", token(alice, tenant), path("x".repeat(65)), Map.of("title", "t")), 400);
    }

    @Test
    void readMarkersWithBadInputAreRejected() {
        String id = create(token(alice, tenant), group("reads"));
        invalid(call("PUT", token(alice, tenant), path(id) + "/read", Map.of("seq", -1)), "seq");
        invalid(call("PUT", token(alice, tenant), path(id) + "/read", Map.of()), "seq");
        problem(call("PUT", token(alice, tenant), path(id) + "/read", Map.of("seq", "lots")), 400);
        invalid(call("PUT", token(alice, tenant), path(id) + "/read", Map.of("seq", 1.5)), "seq");
        invalid(call("PUT", token(alice, tenant), path(id) + "/read", Map.of("seq", 1e30)), "seq");
        problem(call("PUT", token(alice, tenant), path("bad!id") + "/read", Map.of("seq", 1)), 400);
    }

    @Test
    void cursorsThatWereNotHandedOutAreRejected() {
        invalid(get(token(alice, tenant), "/api/v1/conversations?cursor=not-a-cursor"), "cursor");
        invalid(get(token(alice, tenant), "/api/v1/conversations?cursor="
                + java.util.Base64.getUrlEncoder().encodeToString("12|bad id".getBytes())), "cursor");
        problem(get(token(alice, tenant), "/api/v1/conversations?cursor=" + "x".repeat(201)), 400);
        problem(get(token(alice, tenant), "/api/v1/conversations?cursor=not-a-cursor"), 400)
                .jsonPath("$.type").isEqualTo("https://parley.dev/problems/invalid-request")
                .jsonPath("$.code").isEqualTo("invalid-request")
                .jsonPath("$.detail").value(detail -> org.assertj.core.api.Assertions.assertThat((String) detail)
                        .contains("'cursor'"));
        // a cursor of another list is not one of this list, though both are well-formed
        String channels = io.parley.chat.kit.page.PageCursor.of("channels", "news", "c1").encode();
        invalid(get(token(alice, tenant), "/api/v1/conversations?cursor=" + channels), "cursor");
        String conversations = io.parley.chat.kit.page.PageCursor.of("conversations", "12", "c1").encode();
        invalid(get(token(alice, tenant), "/api/v1/conversations/channels?cursor=" + conversations), "cursor");
        invalid(get(token(alice, tenant), "/api/v1/conversations/channels?cursor=%2F%2F"), "cursor");
        String notANumber = io.parley.chat.kit.page.PageCursor.of("conversations", "soon", "c1").encode();
        invalid(get(token(alice, tenant), "/api/v1/conversations?cursor=" + notANumber), "cursor");
    }

    @Test
    void membersThatAreNoUserOfTheTenantAreNamedAndNothingIsStored() {
        String bob = unique("bob");
        problem(post(token(alice, tenant), group("ghosts", bob, "ghost-1", "ghost-2")), 400)
                .jsonPath("$.type").isEqualTo("https://parley.dev/problems/unknown-users")
                .jsonPath("$.userIds.length()").isEqualTo(2)
                .jsonPath("$.userIds[0]").isEqualTo("ghost-1")
                .jsonPath("$.userIds[1]").isEqualTo("ghost-2");
        problem(post(token(alice, tenant), direct("ghost-3")), 400).jsonPath("$.userIds[0]").isEqualTo("ghost-3");
        get(token(alice, tenant), "/api/v1/conversations").expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(0);
        get(token(bob, tenant), "/api/v1/conversations").expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(0);
    }

    @Test
    void aFullMemberListIsCheckedInEveryPageOfTheDirectory() {
        List<String> members = new java.util.ArrayList<>(IntStream.range(0, 255).mapToObj(i -> unique("u" + i)).toList());
        members.add("ghost-last");
        problem(post(token(alice, tenant), Map.of("type", "GROUP", "title", "big", "memberIds", members)), 400)
                .jsonPath("$.userIds.length()").isEqualTo(1)
                .jsonPath("$.userIds[0]").isEqualTo("ghost-last");
        members.set(255, unique("u255"));
        post(token(alice, tenant), Map.of("type", "GROUP", "title", "big", "memberIds", members))
                .expectStatus().isCreated().expectBody().jsonPath("$.members.length()").isEqualTo(257);
    }

    @Test
    void addingMembersThatAreNoUserOfTheTenantAddsNobody() {
        String bob = unique("bob");
        String conversation = create(token(alice, tenant), group("adds", bob));
        problem(call("POST", token(alice, tenant), path(conversation) + "/members",
                Map.of("userIds", List.of(unique("carol"), "ghost-4"))), 400)
                .jsonPath("$.type").isEqualTo("https://parley.dev/problems/unknown-users")
                .jsonPath("$.userIds[0]").isEqualTo("ghost-4");
        get(token(alice, tenant), path(conversation)).expectStatus().isOk()
                .expectBody().jsonPath("$.members.length()").isEqualTo(2);
    }

    private WebTestClient.ResponseSpec raw(String token, String body) {
        return http.post().uri("/api/v1/conversations")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private static void invalid(WebTestClient.ResponseSpec response, String field) {
        problem(response, 400).jsonPath("$.errors['" + field + "']").isNotEmpty();
    }

    private static WebTestClient.BodyContentSpec problem(WebTestClient.ResponseSpec response, int status) {
        return response.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(status)
                .jsonPath("$.type").value(type -> org.assertj.core.api.Assertions.assertThat((String) type)
                        .startsWith("https://parley.dev/problems/"))
                .jsonPath("$.detail").isNotEmpty();
    }
}
