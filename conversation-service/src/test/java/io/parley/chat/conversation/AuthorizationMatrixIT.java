package io.parley.chat.conversation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.MediaType;

import io.parley.chat.testkit.TestInfrastructure;
import io.parley.chat.testkit.TestTokens;

/**
 * Who may do what, as a table: one row per endpoint, one column per kind of caller, each
 * cell the expected status. Every cell runs against a fresh conversation (so a DELETE in
 * one cell cannot change the next), with an owner, an admin, a member and a further
 * member {@code target} that changes act on.
 *
 * <p>Service accounts (a token with the role {@code service}, same tenant) get no
 * privilege in conversation-service: they are members or not like any user, so here,
 * where the service account is not a member, its column equals the non-member's. That
 * keeps a leaked integration token from reading every conversation of its tenant; an
 * integration that should post somewhere is added to that conversation as a member.
 * Another tenant's caller always gets 404, never 403, so ids cannot be probed.
 */
class AuthorizationMatrixIT extends RunningService {

    enum Caller { OWNER, ADMIN, MEMBER, NON_MEMBER, OTHER_TENANT, SERVICE }

    enum Kind { GROUP, CHANNEL }

    /** A request made by {@code caller} against {@code f}, the fresh fixture. */
    record Endpoint(String name, Kind kind, Function<Fixture, Request> request) {
    }

    record Request(String method, String path, Object body) {
    }

    //                         endpoint                                              OWNER ADMIN MEMBER NON_M  OTHER_T SERVICE
    static final List<Object[]> MATRIX = List.of(
            row("GET    /conversations/{id}", Kind.GROUP, f -> req("GET", path(f.id), null),
                                                                                       200, 200, 200,   404,   404,    404),
            row("GET    /internal/.../membership", Kind.GROUP, f -> req("GET", "/internal/v1/conversations/" + f.id + "/membership", null),
                                                                                       200, 200, 200,   404,   404,    404),
            row("GET    /conversations (own list)", Kind.GROUP, f -> req("GET", "/api/v1/conversations", null),
                                                                                       200, 200, 200,   200,   200,    200),
            row("PATCH  /conversations/{id} title", Kind.GROUP, f -> req("PATCH", path(f.id), Map.of("title", "renamed")),
                                                                                       200, 200, 403,   404,   404,    404),
            row("POST   /{id}/members (add another)", Kind.GROUP, f -> req("POST", path(f.id) + "/members", Map.of("userIds", List.of(f.newcomer))),
                                                                                       200, 200, 403,   404,   404,    404),
            row("POST   /{id}/members (add as admin)", Kind.GROUP, f -> req("POST", path(f.id) + "/members", Map.of("userIds", List.of(f.newcomer), "role", "admin")),
                                                                                       200, 200, 403,   404,   404,    404),
            row("POST   /{id}/members (add as owner)", Kind.GROUP, f -> req("POST", path(f.id) + "/members", Map.of("userIds", List.of(f.newcomer), "role", "owner")),
                                                                                       200, 403, 403,   404,   404,    404),
            row("DELETE /{id}/members/{target}", Kind.GROUP, f -> req("DELETE", path(f.id) + "/members/" + f.target, null),
                                                                                       204, 204, 403,   404,   404,    404),
            row("DELETE /{id}/members/{owner}", Kind.GROUP, f -> req("DELETE", path(f.id) + "/members/" + f.owner, null),
                                                                                       409, 403, 403,   404,   404,    404),
            row("DELETE /{id}/members/{self} (leave)", Kind.GROUP, f -> req("DELETE", path(f.id) + "/members/" + f.self, null),
                                                                                       409, 204, 204,   404,   404,    404),
            row("PATCH  /{id}/members/{target} role", Kind.GROUP, f -> req("PATCH", path(f.id) + "/members/" + f.target, Map.of("role", "admin")),
                                                                                       200, 403, 403,   404,   404,    404),
            row("PUT    /{id}/read", Kind.GROUP, f -> req("PUT", path(f.id) + "/read", Map.of("seq", 0)),
                                                                                       200, 200, 200,   404,   404,    404),
            row("POST   /{id}/members (join self) GROUP", Kind.GROUP, f -> req("POST", path(f.id) + "/members", Map.of("userIds", List.of(f.self))),
                                                                                       200, 200, 403,   404,   404,    404),
            row("POST   /{id}/members (join self) CHANNEL", Kind.CHANNEL, f -> req("POST", path(f.id) + "/members", Map.of("userIds", List.of(f.self))),
                                                                                       200, 200, 200,   200,   404,    200),
            row("POST   /{id}/members (add another) CHANNEL", Kind.CHANNEL, f -> req("POST", path(f.id) + "/members", Map.of("userIds", List.of(f.newcomer))),
                                                                                       200, 200, 403,   403,   404,    403),
            row("GET    /conversations/{id} CHANNEL", Kind.CHANNEL, f -> req("GET", path(f.id), null),
                                                                                       200, 200, 200,   200,   404,    200),
            row("GET    /conversations/channels", Kind.CHANNEL, f -> req("GET", "/api/v1/conversations/channels", null),
                                                                                       200, 200, 200,   200,   200,    200),
            row("DELETE /{id}/members/{target} CHANNEL", Kind.CHANNEL, f -> req("DELETE", path(f.id) + "/members/" + f.target, null),
                                                                                       204, 204, 403,   404,   404,    404));

    static Stream<Arguments> cells() {
        List<Arguments> cells = new ArrayList<>();
        for (Object[] row : MATRIX) {
            Endpoint endpoint = (Endpoint) row[0];
            for (Caller caller : Caller.values()) {
                cells.add(Arguments.of(endpoint.name(), caller, endpoint, row[1 + caller.ordinal()]));
            }
        }
        return cells.stream();
    }

    @ParameterizedTest(name = "{0} as {1} -> {3}")
    @MethodSource("cells")
    void callerGetsTheStatusOfTheMatrix(String name, Caller caller, Endpoint endpoint, int expected) {
        Fixture fixture = Fixture.create(this, endpoint.kind(), caller);
        Request request = endpoint.request().apply(fixture);
        var response = call(request.method(), fixture.bearer(), request.path(), request.body())
                .expectStatus().isEqualTo(expected);
        if (expected >= 400) {
            response.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        }
    }

    /** A conversation of {@code kind} with owner, admin, member and target, seen by {@code caller}. */
    record Fixture(String id, String owner, String target, String newcomer, String self, String bearer) {

        static Fixture create(AuthorizationMatrixIT test, Kind kind, Caller caller) {
            String tenant = unique("t");
            String owner = unique("owner");
            String admin = unique("admin");
            String member = unique("member");
            String target = unique("target");
            String ownerToken = RunningService.token(owner, tenant);
            String id = test.create(ownerToken, Map.of("type", kind.name(), "title", "matrix",
                    "memberIds", List.of(admin, member, target)));
            test.call("PATCH", ownerToken, path(id) + "/members/" + admin, Map.of("role", "admin"))
                    .expectStatus().isOk();
            String self = switch (caller) {
                case OWNER -> owner;
                case ADMIN -> admin;
                case MEMBER -> member;
                case NON_MEMBER, SERVICE -> unique("outsider");
                case OTHER_TENANT -> member; // the same user id in another tenant: the token's tenant decides
            };
            String token = switch (caller) {
                case OTHER_TENANT -> RunningService.token(self, unique("other"));
                case SERVICE -> TestInfrastructure.tokens().sign(TestTokens.claims(self, tenant, Instant.now(),
                        Duration.ofMinutes(5)).claim("roles", List.of("service")).build());
                default -> RunningService.token(self, tenant);
            };
            return new Fixture(id, owner, target, unique("newcomer"), self, token);
        }
    }

    private static Object[] row(String name, Kind kind, Function<Fixture, Request> request, int... statuses) {
        Object[] row = new Object[1 + statuses.length];
        row[0] = new Endpoint(name, kind, request);
        for (int i = 0; i < statuses.length; i++) {
            row[1 + i] = statuses[i];
        }
        if (statuses.length != Caller.values().length) {
            throw new IllegalArgumentException(name + ": one status per caller");
        }
        return row;
    }

    private static Request req(String method, String path, Object body) {
        return new Request(method, path, body);
    }
}
