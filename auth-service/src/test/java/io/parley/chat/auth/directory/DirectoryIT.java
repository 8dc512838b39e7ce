package io.parley.chat.auth.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.parley.chat.auth.AuthServiceTestBase;

class DirectoryIT extends AuthServiceTestBase {

    @Test
    void findsUsersOfTheCallersTenantByUsernamePrefixIgnoringCase() {
        String prefix = "dir" + UUID.randomUUID().toString().substring(0, 6);
        RegisteredUser caller = register();
        RegisteredUser alice = register(OPEN_TENANT, prefix + "-Alice");
        RegisteredUser bob = register(OPEN_TENANT, prefix + "-bob");
        register(OPEN_TENANT, "x" + prefix);

        List<Map<String, Object>> found = items(search(token(caller), prefix.toUpperCase(), 0, 20));

        assertThat(found).extracting(entry -> entry.get("id")).containsExactly(alice.id(), bob.id());
        assertThat(found.get(0)).containsOnlyKeys("id", "username", "displayName")
                .containsEntry("username", alice.username());
    }

    @Test
    void findsUsersByDisplayNamePrefix() {
        RegisteredUser caller = register();
        RegisteredUser named = register();
        // Display names are "Name of <username>"; a search on the full display name finds exactly one.
        List<Map<String, Object>> found = items(search(token(caller), "name OF " + named.username(), 0, 20));
        assertThat(found).extracting(entry -> entry.get("id")).containsExactly(named.id());
    }

    @Test
    void neverShowsUsersOfAnotherTenant() {
        String prefix = "iso" + UUID.randomUUID().toString().substring(0, 6);
        RegisteredUser outsider = register(SECOND_TENANT, prefix + "-acme");
        RegisteredUser insider = register(OPEN_TENANT, prefix + "-default");

        assertThat(items(search(token(insider), prefix, 0, 50))).extracting(e -> e.get("id"))
                .containsExactly(insider.id());
        assertThat(items(search(token(outsider), prefix, 0, 50))).extracting(e -> e.get("id"))
                .containsExactly(outsider.id());
    }

    @Test
    void pagesThroughMatchesInUsernameOrder() {
        String prefix = "pg" + UUID.randomUUID().toString().substring(0, 6);
        RegisteredUser caller = register();
        for (int i = 0; i < 5; i++) {
            register(OPEN_TENANT, prefix + "-" + i);
        }
        String token = token(caller);
        List<Object> all = new java.util.ArrayList<>();
        for (int page = 0; page < 3; page++) {
            Map<String, Object> body = search(token, prefix, page, 2).expectStatus().isOk()
                    .expectBody(JSON).returnResult().getResponseBody();
            assertThat(body).as("the deprecated page and size, kept for this version").containsEntry("page", page)
                    .containsEntry("size", 2).containsKey("nextCursor");
            all.addAll(items(body).stream().map(e -> e.get("username")).toList());
        }
        assertThat(all).containsExactly(prefix + "-0", prefix + "-1", prefix + "-2", prefix + "-3", prefix + "-4");
    }

    @Test
    void followingNextCursorSeesEveryMatchOnceInUsernameOrder() {
        String prefix = "cu" + UUID.randomUUID().toString().substring(0, 6);
        RegisteredUser caller = register();
        for (String name : List.of("-c", "-a", "-E", "-b", "-d")) {
            register(OPEN_TENANT, prefix + name);
        }
        String token = token(caller);
        List<Object> seen = new java.util.ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Map<String, Object> body = cursorPage(token, prefix, 2, cursor).expectStatus().isOk()
                    .expectBody(JSON).returnResult().getResponseBody();
            items(body).forEach(e -> seen.add(e.get("username")));
            cursor = (String) body.get("nextCursor");
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactly(prefix + "-a", prefix + "-b", prefix + "-c", prefix + "-d", prefix + "-E");
        // a page asked the deprecated way hands out a cursor that goes on from there
        Map<String, Object> second = search(token, prefix, 1, 2).expectStatus().isOk().expectBody(JSON).returnResult()
                .getResponseBody();
        assertThat(items(cursorPage(token, prefix, 2, (String) second.get("nextCursor"))))
                .extracting(e -> e.get("username")).containsExactly(prefix + "-E");
    }

    @Test
    void refusesCursorsItDidNotHandOutAndACursorWithAPage() {
        String token = token(register());
        for (String cursor : List.of("not-a-cursor", "%2A%2A",
                io.parley.chat.kit.page.PageCursor.of("channels", "news", "c1").encode())) {
            assertThat(expectProblem(cursorPage(token, "a", 2, cursor), HttpStatus.BAD_REQUEST, "invalid-request")
                    .get("detail")).asString().contains("'cursor'");
        }
        String cursor = io.parley.chat.kit.page.PageCursor.of("users", "a").encode();
        expectProblem(client.get().uri("/api/v1/users?query=a&page=1&cursor=" + cursor)
                .headers(h -> h.setBearerAuth(token)).exchange(), HttpStatus.BAD_REQUEST, "invalid-request");
        assertThat(expectProblem(cursorPage(token, "a", 51, null), HttpStatus.BAD_REQUEST, "validation").get("errors"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsOnlyKeys("limit");
    }

    @Test
    void treatsTheQueryAsLiteralTextNotAPattern() {
        RegisteredUser caller = register();
        assertThat(items(search(token(caller), ".*", 0, 50))).isEmpty();
    }

    @Test
    void requiresATokenAndBoundsThePage() {
        expectProblem(client.get().uri("/api/v1/users?query=a").exchange(), HttpStatus.UNAUTHORIZED, "unauthorized");
        String token = token(register());
        assertThat(expectProblem(search(token, "a", 0, 51), HttpStatus.BAD_REQUEST, "validation").get("errors"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsOnlyKeys("size");
        assertThat(expectProblem(search(token, "a", -1, 10), HttpStatus.BAD_REQUEST, "validation").get("errors"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsOnlyKeys("page");
        assertThat(expectProblem(search(token, "q".repeat(65), 0, 10), HttpStatus.BAD_REQUEST, "validation")
                .get("errors")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsOnlyKeys("query");
    }

    private String token(RegisteredUser user) {
        return (String) login(user).get("accessToken");
    }

    @Test
    void lookupByIdsAnswersTheCallersTenantsUsersOnlyInTheOrderAsked() {
        RegisteredUser caller = register();
        RegisteredUser alice = register();
        RegisteredUser outsider = register(SECOND_TENANT, "lk" + UUID.randomUUID().toString().substring(0, 6));
        List<Map<String, Object>> found = items(lookup(token(caller), alice.id() + ",no-such-user," + outsider.id()
                + "," + caller.id() + "," + alice.id()));
        assertThat(found).extracting(entry -> entry.get("id")).containsExactly(alice.id(), caller.id());
    }

    @Test
    void lookupRefusesMalformedOrTooManyIds() {
        String token = token(register());
        expectProblem(lookup(token, "not!an-id"), HttpStatus.BAD_REQUEST, "validation");
        expectProblem(lookup(token, String.join(",", java.util.Collections.nCopies(101, "u"))), HttpStatus.BAD_REQUEST,
                "validation");
    }

    private WebTestClient.ResponseSpec lookup(String token, String ids) {
        return client.get().uri(b -> b.path("/api/v1/users/lookup").queryParam("ids", "{ids}").build(ids))
                .headers(h -> h.setBearerAuth(token)).exchange();
    }

    private WebTestClient.ResponseSpec search(String token, String query, int page, int size) {
        return client.get().uri(b -> b.path("/api/v1/users").queryParam("query", "{q}").queryParam("page", page)
                        .queryParam("size", size).build(query))
                .headers(h -> h.setBearerAuth(token)).exchange();
    }

    private WebTestClient.ResponseSpec cursorPage(String token, String query, int limit, String cursor) {
        return client.get().uri("/api/v1/users?query={q}&limit={l}" + (cursor == null ? "" : "&cursor=" + cursor),
                        query, limit)
                .headers(h -> h.setBearerAuth(token)).exchange();
    }

    private static List<Map<String, Object>> items(WebTestClient.ResponseSpec response) {
        return items(response.expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> items(Map<String, Object> body) {
        return (List<Map<String, Object>>) body.get("items");
    }
}
