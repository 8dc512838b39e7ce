package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.parley.chat.cluster.LocalCluster;
import io.parley.chat.testkit.ChatSocket;
import io.parley.chat.testkit.ChatSocket.Auth;
import tools.jackson.databind.JsonNode;

/**
 * A member removed while subscribed stops receiving at once, on the live socket, and is
 * told why; the conversation's other subscribers learn of the change too.
 */
class LiveRemovalIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aRemovedMemberStopsReceivingOnTheOpenSocketAndGetsAConversationFrame() throws Exception {
        LocalCluster cluster = TestCluster.get();
        Api api = new Api(cluster.gatewayUrl());
        Api.User alice = api.newUser("alice");
        Api.User bob = api.newUser("bob");
        String conversation = api.createGroup(alice, List.of(bob.id()));
        try (ChatSocket aliceSocket = ChatSocket.connect(cluster.gatewayWebSocketUrl(), alice.token(), Auth.HEADER);
             ChatSocket bobSocket = ChatSocket.connect(cluster.gatewayWebSocketUrl(), bob.token(), Auth.HEADER)) {
            aliceSocket.awaitOpen(WAIT);
            bobSocket.awaitOpen(WAIT);
            ChatDeliveryIT.subscribe(aliceSocket, conversation, 0);
            ChatDeliveryIT.subscribe(bobSocket, conversation, 0);
            ChatDeliveryIT.sendBurst(aliceSocket, conversation, "before", 0, 1);
            bobSocket.await(f -> ChatDeliveryIT.isMessage(f, conversation), WAIT);

            Api.expect(api.call("DELETE", "/api/v1/conversations/" + conversation + "/members/" + bob.id(),
                    alice.token(), null), 204);
            JsonNode told = bobSocket.await(f -> "conversation".equals(f.path("type").asString()), WAIT);
            assertThat(told.path("event").asString()).isEqualTo("member.removed");
            assertThat(told.path("userIds").toString()).contains(bob.id());
            aliceSocket.await(f -> "conversation".equals(f.path("type").asString())
                    && "member.removed".equals(f.path("event").asString()), WAIT);

            ChatDeliveryIT.sendBurst(aliceSocket, conversation, "after", 0, 1);
            JsonNode after = aliceSocket.await(f -> ChatDeliveryIT.isMessage(f, conversation)
                    && f.path("seq").asLong() == 2, WAIT);
            assertThat(after.path("body").asString()).startsWith("after");
            // the feed hands an event to all of a conversation's subscribers in one pass: had bob still been
            // subscribed, he would have it by the time alice does
            assertThat(bobSocket.received()).noneMatch(f -> ChatDeliveryIT.isMessage(f, conversation)
                    && f.path("seq").asLong() == 2);

            bobSocket.send(Map.of("type", "subscribe", "id", "again", "conversationId", conversation, "afterSeq", 0));
            assertThat(bobSocket.await(f -> "again".equals(f.path("id").asString()), WAIT).path("code").asString())
                    .isEqualTo("not-found");
        }
    }
}
