package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.parley.chat.cluster.LocalCluster;
import io.parley.chat.testkit.ChatSocket;
import io.parley.chat.testkit.ChatSocket.Auth;
import tools.jackson.databind.JsonNode;

/** Presence follows live sockets: online while connected, offline with a last-seen time after. */
class PresenceIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aUserIsOnlineWhileTheirSocketIsOpenAndOfflineAfter() throws Exception {
        LocalCluster cluster = TestCluster.get();
        Api api = new Api(cluster.gatewayUrl());
        Api.User alice = api.newUser("alice");
        Api.User bob = api.newUser("bob");
        assertThat(status(api, bob, alice)).isEqualTo("offline");
        try (ChatSocket socket = ChatSocket.connect(cluster.gatewayWebSocketUrl(), alice.token(), Auth.HEADER)) {
            socket.awaitOpen(WAIT);
            awaitStatus(api, bob, alice, "online");
        }
        JsonNode offline = awaitStatus(api, bob, alice, "offline");
        assertThat(offline.path("lastSeenAt").asString()).isNotBlank();
    }

    private static JsonNode awaitStatus(Api api, Api.User viewer, Api.User user, String expected) {
        return Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> lookup(api, viewer, user), entry -> expected.equals(entry.path("status").asString()));
    }

    private static String status(Api api, Api.User viewer, Api.User user) throws Exception {
        return lookup(api, viewer, user).path("status").asString();
    }

    private static JsonNode lookup(Api api, Api.User viewer, Api.User user) throws Exception {
        Api.Reply reply = api.call("GET", "/api/v1/presence?userIds=" + user.id(), viewer.token(), null);
        Api.expect(reply, 200);
        return reply.body().get(0);
    }
}
