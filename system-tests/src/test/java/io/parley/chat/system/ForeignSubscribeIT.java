package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.parley.chat.cluster.LocalCluster;
import io.parley.chat.testkit.ChatSocket;
import io.parley.chat.testkit.ChatSocket.Auth;
import tools.jackson.databind.JsonNode;

/**
 * A socket that is not a member of a conversation sees nothing of it, however often it
 * asks: a user of another tenant and a non-member of the same tenant each hammer
 * {@code subscribe} (and {@code presence.watch}) for a group while its members send
 * maximum-size messages, type, read and rename it; the outsider of another tenant also
 * watches the members' presence and learns nothing of it. Every subscribe is refused, and no
 * frame of the conversation reaches either socket. Before the edge authorized ahead of
 * attaching to the conversation's feed, the refused subscribes still delivered the
 * conversation's {@code typing} and {@code read} frames.
 */
class ForeignSubscribeIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int SUBSCRIBES = 150;
    private static final Set<String> CONVERSATION_FRAMES = Set.of("message", "typing", "read", "conversation",
            "activity", "subscribed");

    @Test
    void nonMembersHammeringSubscribeSeeNoFrameOfTheConversation() throws Exception {
        LocalCluster cluster = TestCluster.get();
        Api api = new Api(cluster.gatewayUrl());
        Api.User alice = api.newUser("alice");
        Api.User bob = api.newUser("bob");
        Api.User carol = api.newUser("carol");
        Api.User mallory = api.newUser("mallory", api.newTenant(cluster));
        String conversation = api.createGroup(alice, List.of(bob.id()));
        String body = "m".repeat(Api.MAX_BODY);

        try (ChatSocket aliceSocket = ChatSocket.connect(cluster.gatewayWebSocketUrl(), alice.token(), Auth.HEADER);
             ChatSocket bobSocket = ChatSocket.connect(cluster.gatewayWebSocketUrl(), bob.token(), Auth.HEADER);
             ChatSocket carolSocket = ChatSocket.connect(cluster.gatewayWebSocketUrl(), carol.token(), Auth.HEADER);
             ChatSocket mallorySocket = ChatSocket.connect(cluster.gatewayWebSocketUrl(), mallory.token(),
                     Auth.HEADER)) {
            for (ChatSocket socket : List.of(aliceSocket, bobSocket, carolSocket, mallorySocket)) {
                socket.awaitOpen(WAIT);
            }
            ChatDeliveryIT.subscribe(aliceSocket, conversation, 0);
            ChatDeliveryIT.subscribe(bobSocket, conversation, 0);
            for (ChatSocket outsider : List.of(carolSocket, mallorySocket)) {
                outsider.send(Map.of("type", "presence.watch", "id", "watch", "userIds", List.of(alice.id(), bob.id())));
            }

            for (int i = 0; i < SUBSCRIBES; i++) {
                for (ChatSocket outsider : List.of(carolSocket, mallorySocket)) {
                    outsider.send(Map.of("type", "subscribe", "id", "s" + i, "conversationId", conversation,
                            "afterSeq", 0));
                }
                if (i % 10 == 0) {
                    aliceSocket.send(Map.of("type", "send", "id", "a" + i, "conversationId", conversation,
                            "clientMsgId", "foreign-" + conversation + "-" + i, "body", body));
                    aliceSocket.send(Map.of("type", "typing", "conversationId", conversation));
                    bobSocket.send(Map.of("type", "typing", "conversationId", conversation));
                    bobSocket.send(Map.of("type", "read", "conversationId", conversation, "seq", 1 + i / 10));
                }
                if (i % 50 == 25) {
                    Api.expect(api.call("PATCH", "/api/v1/conversations/" + conversation, alice.token(),
                            Map.of("title", "renamed " + i)), 200);
                }
            }
            int messages = (SUBSCRIBES + 9) / 10;
            // the members' own view proves the activity happened while the outsiders were asking
            bobSocket.awaitCount(f -> ChatDeliveryIT.isMessage(f, conversation), messages, WAIT);
            aliceSocket.await(f -> "read".equals(f.path("type").asString())
                    && bob.id().equals(f.path("userId").asString()), WAIT);
            aliceSocket.await(f -> "typing".equals(f.path("type").asString()), WAIT);
            bobSocket.await(f -> "conversation".equals(f.path("type").asString()), WAIT);
            for (ChatSocket outsider : List.of(carolSocket, mallorySocket)) {
                List<JsonNode> refusals = outsider.awaitCount(f -> f.path("id").asString().matches("s\\d+"),
                        SUBSCRIBES, WAIT);
                assertThat(refusals).allSatisfy(refusal -> {
                    assertThat(refusal.path("type").asString()).isEqualTo("error");
                    assertThat(refusal.path("code").asString()).isEqualTo("not-found");
                });
            }
            // a frame the feed fans out reaches every attached socket in one pass: one more member event, seen by
            // alice, would have been seen by an outsider wrongly attached by then too
            bobSocket.send(Map.of("type", "read", "conversationId", conversation, "seq", messages));
            aliceSocket.await(f -> "read".equals(f.path("type").asString()) && f.path("seq").asLong() == messages,
                    WAIT);

            for (ChatSocket outsider : List.of(carolSocket, mallorySocket)) {
                assertThat(outsider.received())
                        .noneMatch(f -> CONVERSATION_FRAMES.contains(f.path("type").asString()))
                        .noneMatch(f -> conversation.equals(f.path("conversationId").asString()))
                        .noneMatch(f -> f.toString().contains(body));
            }
            // presence is the tenant's: carol may see alice online, mallory only learns nothing
            assertThat(mallorySocket.received()).noneMatch(f -> "presence".equals(f.path("type").asString())
                    && !"offline".equals(f.path("status").asString()));
        }
    }
}
