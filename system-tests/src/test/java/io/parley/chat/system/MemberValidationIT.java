package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.parley.chat.cluster.LocalCluster;
import tools.jackson.databind.JsonNode;

/**
 * Members are users of the caller's tenant, checked against auth-service through the
 * gateway: an id of another tenant's user and an id that names nobody get the same 400
 * problem naming them, and nothing is stored, on create and on add.
 */
class MemberValidationIT {

    @Test
    void foreignAndUnknownMemberIdsAreNamedInOneAnswerAndNothingIsStored() throws Exception {
        LocalCluster cluster = TestCluster.get();
        Api api = new Api(cluster.gatewayUrl());
        Api.User alice = api.newUser("alice");
        Api.User bob = api.newUser("bob");
        Api.User mallory = api.newUser("mallory", api.newTenant(cluster));
        String nobody = UUID.randomUUID().toString();

        JsonNode foreign = unknownUsers(api.call("POST", "/api/v1/conversations", alice.token(),
                Map.of("type", "GROUP", "title", "mixed", "memberIds", List.of(bob.id(), mallory.id()))));
        assertThat(foreign.path("userIds").toString()).isEqualTo("[\"" + mallory.id() + "\"]");
        JsonNode unknown = unknownUsers(api.call("POST", "/api/v1/conversations", alice.token(),
                Map.of("type", "GROUP", "title", "mixed", "memberIds", List.of(bob.id(), nobody))));
        // "no such user" and "user of another tenant" cannot be told apart
        assertThat(unknown.path("detail").asString().replace(nobody, "ID"))
                .isEqualTo(foreign.path("detail").asString().replace(mallory.id(), "ID"));
        unknownUsers(api.call("POST", "/api/v1/conversations", alice.token(),
                Map.of("type", "DIRECT", "memberIds", List.of(mallory.id()))));
        JsonNode both = unknownUsers(api.call("POST", "/api/v1/conversations", alice.token(),
                Map.of("type", "CHANNEL", "title", "open", "memberIds", List.of(nobody, bob.id(), mallory.id()))));
        assertThat(both.path("userIds").toString()).isEqualTo("[\"" + nobody + "\",\"" + mallory.id() + "\"]");

        for (Api.User user : List.of(alice, bob, mallory)) {
            Api.Reply list = api.call("GET", "/api/v1/conversations", user.token(), null);
            Api.expect(list, 200);
            assertThat(list.body().path("items").size()).as("conversations of %s", user.id()).isZero();
        }

        String conversation = api.createGroup(alice, List.of(bob.id()));
        unknownUsers(api.call("POST", "/api/v1/conversations/" + conversation + "/members", alice.token(),
                Map.of("userIds", List.of(mallory.id()))));
        unknownUsers(api.call("POST", "/api/v1/conversations/" + conversation + "/members", alice.token(),
                Map.of("userIds", List.of(nobody))));
        Api.Reply details = api.call("GET", "/api/v1/conversations/" + conversation, alice.token(), null);
        Api.expect(details, 200);
        assertThat(details.body().path("members").findValuesAsString("userId"))
                .containsExactlyInAnyOrder(alice.id(), bob.id());
        // and the foreign user cannot see it either
        Api.expect(api.call("GET", "/api/v1/conversations/" + conversation, mallory.token(), null), 404);
    }

    private static JsonNode unknownUsers(Api.Reply reply) {
        Api.expect(reply, 400);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.body().path("type").asString()).isEqualTo("https://parley.dev/problems/unknown-users");
        return reply.body();
    }
}
