package io.parley.chat.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.parley.chat.contracts.events.SessionEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.testkit.ChatSocket;
import io.parley.chat.testkit.ChatSocket.Auth;
import io.parley.chat.testkit.TestInfrastructure;
import io.parley.chat.testkit.TestTokens;
import tools.jackson.databind.JsonNode;

/** A login that ends closes its sockets with 4001: those of that login, or all of the user's when none is named. */
class EdgeSessionsIT extends StandInEdge {

    private ChatSocket connect(String userId, String tenantId, String sid) throws Exception {
        return connect(userId, tenantId, sid, Instant.now());
    }

    private ChatSocket connect(String userId, String tenantId, String sid, Instant issuedAt) throws Exception {
        String token = TestInfrastructure.tokens().sign(TestTokens.claims(userId, tenantId, issuedAt,
                Duration.ofMinutes(5)).claim(SessionEvent.SESSION_CLAIM, sid).build());
        ChatSocket socket = ChatSocket.connect("ws://localhost:" + port + "/ws", token, Auth.HEADER);
        socket.awaitOpen(WAIT);
        return socket;
    }

    private void revoke(String tenantId, String userId, String sid) {
        SessionEvent event = new SessionEvent(UUID.randomUUID().toString(), SessionEvent.Type.SessionRevoked, tenantId,
                userId, sid, Instant.now());
        kafka.send(Topics.SESSIONS, userId, json.writeValueAsString(event)).join();
    }

    private static void assertUp(ChatSocket socket) throws InterruptedException {
        String id = "p-" + UUID.randomUUID();
        socket.send(Map.of("type", "ping", "id", id));
        socket.await(f -> id.equals(f.path("id").asString()), WAIT);
        assertThat(socket.isOpen()).isTrue();
    }

    @Test
    void aLogoutClosesTheSocketsOfThatLoginOnlyAndDisablingClosesAllOfTheUsers() throws Exception {
        String tenant = id("t");
        String alice = id("alice");
        try (ChatSocket phone = connect(alice, tenant, "login-1"); ChatSocket laptop = connect(alice, tenant, "login-1");
             ChatSocket tablet = connect(alice, tenant, "login-2");
             ChatSocket sameIdElsewhere = connect(alice, id("other-tenant"), "login-1");
             ChatSocket bob = connect(id("bob"), tenant, "login-1")) {

            revoke(tenant, alice, "login-1");

            assertThat(phone.awaitClose(WAIT)).isEqualTo(4001);
            assertThat(laptop.awaitClose(WAIT)).isEqualTo(4001);
            assertUp(tablet);
            assertUp(sameIdElsewhere);
            assertUp(bob);

            revoke(tenant, alice, null);

            assertThat(tablet.awaitClose(WAIT)).isEqualTo(4001);
            assertUp(sameIdElsewhere);
            assertUp(bob);
        }
    }

    @Test
    void theStillValidTokenOfALoginThatEndedCannotOpenASocketAgain() throws Exception {
        String tenant = id("t");
        String alice = id("alice");
        Instant before = Instant.now().minusSeconds(5);
        try (ChatSocket first = connect(alice, tenant, "ended", before)) {
            revoke(tenant, alice, "ended");
            assertThat(first.awaitClose(WAIT)).isEqualTo(4001);
        }
        // the token decoder refuses an ended login's token at the handshake, as it refuses it on REST
        assertThatThrownBy(() -> connect(alice, tenant, "ended", before)).hasStackTraceContaining("401");
        try (ChatSocket otherLogin = connect(alice, tenant, "still-on", before)) {
            assertUp(otherLogin);
            revoke(tenant, alice, null);
            assertThat(otherLogin.awaitClose(WAIT)).isEqualTo(4001);
        }
        assertThatThrownBy(() -> connect(alice, tenant, "another", before)).as("every session up to the revocation")
                .hasStackTraceContaining("401");
        try (ChatSocket signedInAgain = connect(alice, tenant, "new", Instant.now().plusSeconds(2))) {
            assertUp(signedInAgain);
        }
    }

    @Test
    void aSocketFollowsItsLoginAcrossAuthRefresh() throws Exception {
        String tenant = id("t");
        String alice = id("alice");
        try (ChatSocket socket = connect(alice, tenant, "old-login"); ChatSocket marker = connect(alice, tenant, "marker")) {
            String fresh = TestInfrastructure.tokens().sign(TestTokens.claims(alice, tenant, Instant.now(),
                    Duration.ofMinutes(5)).claim(SessionEvent.SESSION_CLAIM, "new-login").build());
            socket.send(Map.of("type", "auth.refresh", "id", "r1", "token", fresh));
            socket.await(f -> "auth.ok".equals(f.path("type").asString()), WAIT);

            revoke(tenant, alice, "old-login");
            // same key, same partition: once the marker's login is closed, the old login's event was handled
            revoke(tenant, alice, "marker");
            assertThat(marker.awaitClose(WAIT)).isEqualTo(4001);
            assertUp(socket);

            revoke(tenant, alice, "new-login");
            assertThat(socket.awaitClose(WAIT)).isEqualTo(4001);
        }
    }

    @Test
    void anAuthRefreshEndsTheSubscriptionsOfConversationsTheUserWasRemovedFromMeanwhile() throws Exception {
        String user = "u-" + UUID.randomUUID();
        String kept = "c-" + UUID.randomUUID();
        String left = "c-" + UUID.randomUUID();
        try (ChatSocket socket = ChatSocket.connect("ws://localhost:" + port + "/ws", TestInfrastructure.tokens().mint(user, "t1"), Auth.HEADER)) {
            socket.awaitOpen(WAIT);
            for (String conversation : List.of(kept, left)) {
                socket.send(Map.of("type", "subscribe", "id", conversation, "conversationId", conversation, "afterSeq", 0));
                assertThat(socket.await(f -> conversation.equals(f.path("id").asString()), WAIT).path("type").asString())
                        .isEqualTo("subscribed");
            }
            // the removal's event never reached this edge; message-service knows
            UPSTREAM.removeMember(user, left);

            socket.send(Map.of("type", "auth.refresh", "id", "r1", "token", TestInfrastructure.tokens().mint(user, "t1")));

            JsonNode told = socket.await(f -> "conversation".equals(f.path("type").asString()), WAIT);
            assertThat(told.path("conversationId").asString()).isEqualTo(left);
            assertThat(told.path("event").asString()).isEqualTo("member.removed");
            socket.send(Map.of("type", "unsubscribe", "id", "u1", "conversationId", kept));
            socket.await(f -> "u1".equals(f.path("id").asString()), WAIT);
            assertThat(socket.received()).filteredOn(f -> "conversation".equals(f.path("type").asString()))
                    .extracting(f -> f.path("conversationId").asString()).containsExactly(left);
        }
    }
}
