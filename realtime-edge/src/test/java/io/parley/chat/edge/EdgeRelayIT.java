package io.parley.chat.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.parley.chat.contracts.events.PresenceEvent;
import io.parley.chat.testkit.ChatSocket;
import tools.jackson.databind.JsonNode;

/**
 * {@code typing}, {@code read} and {@code presence.watch} through a real edge, real
 * sockets and a real Kafka broker, with a real HTTP server standing in for
 * presence-service: it answers as presence-service does and, as presence-service does,
 * publishes the event the edges relay once it has accepted a call.
 */
class EdgeRelayIT extends StandInEdge {

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry metrics;

    @Test
    void typingIsRelayedToTheConversationsOtherSubscribersAndNotEchoedToTheTyper() throws Exception {
        String tenant = id("t");
        String alice = id("alice");
        String bob = id("bob");
        String conversation = id("c");
        UPSTREAM.onTyping(call -> publish(tenant, PresenceEvent.Type.Typing, tenant, call.userId(),
                call.body().path("conversationId").asString(), null, null));
        UPSTREAM.onRead(call -> publish(tenant, PresenceEvent.Type.ReadMarker, tenant, call.userId(),
                call.body().path("conversationId").asString(), null, call.body().path("seq").asLong()));
        try (ChatSocket aliceSocket = connect(alice, tenant); ChatSocket bobSocket = connect(bob, tenant);
             ChatSocket outsider = connect(id("carol"), tenant)) {
            subscribe(aliceSocket, conversation);
            subscribe(bobSocket, conversation);
            subscribe(outsider, id("other-conversation"));

            aliceSocket.send(Map.of("type", "typing", "id", "ty1", "conversationId", conversation));

            JsonNode typing = bobSocket.await(f -> is(f, "typing"), WAIT);
            assertThat(typing.path("conversationId").asString()).isEqualTo(conversation);
            assertThat(typing.path("userId").asString()).isEqualTo(alice);
            assertThat(UPSTREAM.calls()).anySatisfy(call -> {
                assertThat(call.path()).isEqualTo("/internal/v1/presence/typing");
                assertThat(call.method()).isEqualTo("POST");
                assertThat(call.userId()).as("the typer's token is relayed").isEqualTo(alice);
                assertThat(call.body().path("conversationId").asString()).isEqualTo(conversation);
            });

            // a read marker published after the typing event (same tenant, same partition) reaching Alice
            // proves the typing event was handled before it, so her not having it is not a matter of time
            aliceSocket.send(Map.of("type", "read", "id", "rd1", "conversationId", conversation, "seq", 3));
            aliceSocket.await(f -> is(f, "read"), WAIT);
            outsider.send(Map.of("type", "ping", "id", "still"));
            outsider.await(f -> is(f, "pong"), WAIT);
            assertThat(aliceSocket.received()).noneMatch(f -> is(f, "typing"));
            assertThat(aliceSocket.received()).as("typing and read have no reply on success")
                    .noneMatch(f -> "ty1".equals(f.path("id").asString()) || "rd1".equals(f.path("id").asString()));
            assertThat(outsider.received()).noneMatch(f -> is(f, "typing") || is(f, "read"));
            assertThat(metrics.get("chat.ws.frames").tag("direction", "out").tag("type", "typing").counter().count())
                    .isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void aReadMarkerReachesEverySubscriberOfTheConversationIncludingTheReadersOtherDevices() throws Exception {
        String tenant = id("t");
        String alice = id("alice");
        String conversation = id("c");
        UPSTREAM.onRead(call -> publish(tenant, PresenceEvent.Type.ReadMarker, tenant, call.userId(),
                call.body().path("conversationId").asString(), null, call.body().path("seq").asLong()));
        try (ChatSocket phone = connect(alice, tenant); ChatSocket laptop = connect(alice, tenant);
             ChatSocket bob = connect(id("bob"), tenant)) {
            subscribe(phone, conversation);
            subscribe(laptop, conversation);
            subscribe(bob, conversation);

            phone.send(Map.of("type", "read", "id", "r1", "conversationId", conversation, "seq", 42));

            for (ChatSocket socket : List.of(phone, laptop, bob)) {
                JsonNode read = socket.await(f -> is(f, "read"), WAIT);
                assertThat(read.path("conversationId").asString()).isEqualTo(conversation);
                assertThat(read.path("userId").asString()).isEqualTo(alice);
                assertThat(read.path("seq").asLong()).isEqualTo(42);
            }
            assertThat(UPSTREAM.calls()).anySatisfy(call -> {
                assertThat(call.method() + " " + call.path()).isEqualTo("PUT /internal/v1/presence/read");
                assertThat(call.userId()).isEqualTo(alice);
                assertThat(call.body().path("seq").asLong()).isEqualTo(42);
            });
        }
    }

    @Test
    void typingAndReadRefusedByPresenceServiceAnswerWithAnErrorFrameAndTheSocketStaysUp() throws Exception {
        try (ChatSocket socket = connect(id("u"), id("t"))) {
            socket.send(Map.of("type", "typing", "id", "t-forbidden", "conversationId", UpstreamStandIn.FORBIDDEN_CONVERSATION));
            socket.send(Map.of("type", "read", "id", "r-unknown", "conversationId", UpstreamStandIn.UNKNOWN_CONVERSATION,
                    "seq", 1));
            JsonNode forbidden = socket.await(f -> "t-forbidden".equals(f.path("id").asString()), WAIT);
            JsonNode unknown = socket.await(f -> "r-unknown".equals(f.path("id").asString()), WAIT);
            assertThat(forbidden.path("type").asString()).isEqualTo("error");
            assertThat(forbidden.path("code").asString()).isEqualTo("forbidden");
            assertThat(forbidden.path("retryable").asBoolean()).isFalse();
            assertThat(forbidden.has("legacyCode")).as("a code whose spelling never changed has no legacy one").isFalse();
            assertThat(unknown.path("code").asString()).isEqualTo("not-found");
            assertThat(unknown.path("legacyCode").asString()).isEqualTo("not_found");
            socket.send(Map.of("type", "ping", "id", "after"));
            socket.await(f -> "after".equals(f.path("id").asString()), WAIT);
            assertThat(socket.isOpen()).isTrue();
        }
    }

    @Test
    void badTypingReadAndWatchFramesGetInvalidAndTheSocketStaysUp() throws Exception {
        try (ChatSocket socket = connect(id("u"), id("t"))) {
            socket.send(Map.of("type", "typing", "id", "b1"));
            socket.send(Map.of("type", "read", "id", "b2", "conversationId", "c1", "seq", -1));
            socket.send(Map.of("type", "read", "id", "b3", "conversationId", "c1", "seq", "seven"));
            socket.send(Map.of("type", "presence.watch", "id", "b4"));
            socket.send(Map.of("type", "presence.watch", "id", "b5", "userIds", List.of()));
            socket.send(Map.of("type", "presence.watch", "id", "b6", "userIds", List.of("ok", "not ok!")));
            socket.send(Map.of("type", "presence.watch", "id", "b7",
                    "userIds", IntStream.range(0, 101).mapToObj(i -> "u" + i).toList()));
            socket.send(Map.of("type", "presence.watch", "id", "b8", "userIds", List.of("a", "b", "c", "d")));
            List<JsonNode> errors = socket.awaitCount(f -> is(f, "error"), 8, WAIT);
            assertThat(errors).extracting(f -> f.path("id").asString())
                    .containsExactlyInAnyOrder("b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8");
            assertThat(errors).allSatisfy(e -> assertThat(e.path("code").asString()).isEqualTo("invalid"));
            socket.send(Map.of("type", "ping", "id", "after"));
            socket.await(f -> "after".equals(f.path("id").asString()), WAIT);
            assertThat(socket.received()).noneMatch(f -> is(f, "presence"));
        }
    }

    @Test
    void presenceWatchAnswersEachUsersPresenceThenEveryChangeInTheSameTenant() throws Exception {
        String tenant = id("t");
        String online = id("online");
        String offline = id("offline");
        UPSTREAM.status(online, "online");
        UPSTREAM.status(offline, "offline");
        try (ChatSocket watcher = connect(id("watcher"), tenant)) {
            watcher.send(Map.of("type", "presence.watch", "id", "w1", "userIds", List.of(online, offline, online)));

            List<JsonNode> now = watcher.awaitCount(f -> is(f, "presence"), 2, WAIT);
            assertThat(now).extracting(f -> f.path("userId").asString() + ":" + f.path("status").asString())
                    .containsExactly(online + ":online", offline + ":offline");
            assertThat(now.get(0).path("lastSeenAt").asString()).isEqualTo("2026-01-02T03:04:05Z");

            // the same user id in another tenant is another person; published on this tenant's key, so that
            // its being skipped is proven by the change after it arriving
            publish(tenant, PresenceEvent.Type.PresenceChanged, id("other-tenant"), offline, null, "online", null);
            publish(tenant, PresenceEvent.Type.PresenceChanged, tenant, online, null, "offline", null);

            JsonNode change = watcher.await(f -> is(f, "presence") && online.equals(f.path("userId").asString())
                    && "offline".equals(f.path("status").asString()), WAIT);
            assertThat(change.path("lastSeenAt").isNull()).isFalse();
            assertThat(watcher.received()).filteredOn(f -> is(f, "presence")).hasSize(3);
        }
    }

    @Test
    void aSocketMayWatchOnlyBoundedUsersInAll() throws Exception {
        try (ChatSocket socket = connect(id("u"), id("t"))) {
            socket.send(Map.of("type", "presence.watch", "id", "w1", "userIds", List.of("a", "b")));
            socket.awaitCount(f -> is(f, "presence"), 2, WAIT);
            socket.send(Map.of("type", "presence.watch", "id", "w2", "userIds", List.of("b", "c")));
            socket.awaitCount(f -> is(f, "presence"), 4, WAIT);
            socket.send(Map.of("type", "presence.watch", "id", "w3", "userIds", List.of("d")));
            JsonNode refused = socket.await(f -> "w3".equals(f.path("id").asString()), WAIT);
            assertThat(refused.path("code").asString()).isEqualTo("invalid");
            assertThat(refused.path("message").asString()).contains("at most 3");
        }
    }
}
