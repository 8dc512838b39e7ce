package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import io.parley.chat.testkit.ChatSocket;
import io.parley.chat.testkit.ChatSocket.Auth;
import tools.jackson.databind.JsonNode;

/**
 * The promise users trust a chat system for, end to end through the gateway: every
 * message acked once, delivered to every subscribed socket once and in order, the same
 * as history, and a socket that comes back gets exactly what it missed.
 */
class ChatDeliveryIT extends RunningCluster {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void twoUsersSendingConcurrentlyBothReceiveEveryMessageOnceInOrder() throws Exception {
        Api.User alice = api.newUser("alice");
        Api.User bob = api.newUser("bob");
        String conversation = api.createGroup(alice, List.of(bob.id()));

        // the two forms of handshake authentication: a header (native clients) and the subprotocol (browsers)
        try (ChatSocket aliceSocket = ChatSocket.connect(cluster.gatewayWebSocketUrl(), alice.token(), Auth.HEADER);
             ChatSocket bobSocket = ChatSocket.connect(cluster.gatewayWebSocketUrl(), bob.token(), Auth.SUBPROTOCOL,
                     cluster.gatewayUrl())) {
            assertThat(aliceSocket.awaitOpen(WAIT)).isEqualTo("chat.v1");
            assertThat(bobSocket.awaitOpen(WAIT)).isEqualTo("chat.v1");
            subscribe(aliceSocket, conversation, 0);
            subscribe(bobSocket, conversation, 0);

            CompletableFuture<Void> aliceSends = CompletableFuture.runAsync(() -> sendBurst(aliceSocket, conversation, "a", 0, 100));
            CompletableFuture<Void> bobSends = CompletableFuture.runAsync(() -> sendBurst(bobSocket, conversation, "b", 0, 100));
            CompletableFuture.allOf(aliceSends, bobSends).join();

            Map<String, Long> acked = new HashMap<>();
            acked.putAll(acks(aliceSocket, 100));
            acked.putAll(acks(bobSocket, 100));
            assertThat(acked).hasSize(200);
            assertThat(acked.values()).containsExactlyInAnyOrderElementsOf(range(1, 200));
            // one socket's sends are stored in the order it sent them (docs/decisions/0005)
            for (String sender : List.of("a", "b")) {
                List<Long> inSendOrder = IntStream.range(0, 100)
                        .mapToObj(i -> acked.get(sender + "-" + conversation.substring(0, 8) + "-" + i)).toList();
                assertThat(inSendOrder).as("%s's seqs in the order it sent", sender).isSorted();
            }

            for (ChatSocket socket : List.of(aliceSocket, bobSocket)) {
                List<JsonNode> messages = socket.awaitCount(f -> isMessage(f, conversation), 200, WAIT);
                assertThat(seqs(messages)).as("every message once, in seq order, no gap").containsExactlyElementsOf(range(1, 200));
                messages.forEach(m -> assertThat(acked.get(m.get("clientMsgId").asString()))
                        .as("the message at seq %s is the one acked with it", m.get("seq")).isEqualTo(m.get("seq").asLong()));
                assertThat(socket.received()).noneMatch(f -> f.path("type").asString().equals("error"));
            }

            Api.Reply history = api.call("GET", "/api/v1/conversations/" + conversation + "/messages?afterSeq=0&limit=200",
                    bob.token(), null);
            Api.expect(history, 200);
            List<JsonNode> stored = new ArrayList<>();
            history.body().get("items").forEach(stored::add);
            assertThat(seqs(stored)).containsExactlyElementsOf(range(1, 200));
            List<JsonNode> delivered = bobSocket.received().stream().filter(f -> isMessage(f, conversation)).toList();
            for (int i = 0; i < 200; i++) {
                assertThat(stored.get(i).get("messageId").asString()).isEqualTo(delivered.get(i).get("messageId").asString());
                assertThat(stored.get(i).get("body").asString()).isEqualTo(delivered.get(i).get("body").asString());
            }
        }
    }

    @Test
    void aSocketThatDropsDuringABurstResumesWithExactlyWhatItMissed() throws Exception {
        Api.User alice = api.newUser("alice");
        Api.User bob = api.newUser("bob");
        String conversation = api.createGroup(alice, List.of(bob.id()));
        try (ChatSocket aliceSocket = ChatSocket.connect(cluster.gatewayWebSocketUrl(), alice.token(), Auth.HEADER)) {
            aliceSocket.awaitOpen(WAIT);
            subscribe(aliceSocket, conversation, 0);
            List<JsonNode> firstPart;
            try (ChatSocket bobSocket = ChatSocket.connect(cluster.gatewayWebSocketUrl(), bob.token(), Auth.HEADER)) {
                bobSocket.awaitOpen(WAIT);
                subscribe(bobSocket, conversation, 0);
                CompletableFuture<Void> burst = CompletableFuture.runAsync(() -> sendBurst(aliceSocket, conversation, "r", 0, 150));
                bobSocket.await(f -> isMessage(f, conversation) && f.get("seq").asLong() >= 40, WAIT);
                bobSocket.close();
                firstPart = bobSocket.received().stream().filter(f -> isMessage(f, conversation)).toList();
                burst.join();
            }
            assertThat(seqs(firstPart)).containsExactlyElementsOf(range(1, firstPart.size()));
            assertThat(acks(aliceSocket, 150)).hasSize(150);
            long resumeAfter = firstPart.size();

            try (ChatSocket again = ChatSocket.connect(cluster.gatewayWebSocketUrl(), bob.token(), Auth.HEADER)) {
                again.awaitOpen(WAIT);
                JsonNode subscribed = subscribe(again, conversation, resumeAfter);
                assertThat(subscribed.get("headSeq").asLong()).isEqualTo(150);
                List<JsonNode> missed = again.awaitCount(f -> isMessage(f, conversation), (int) (150 - resumeAfter), WAIT);
                assertThat(seqs(missed)).containsExactlyElementsOf(range(resumeAfter + 1, 150));

                sendBurst(aliceSocket, conversation, "live", 0, 1);
                List<JsonNode> all = again.awaitCount(f -> isMessage(f, conversation), (int) (151 - resumeAfter), WAIT);
                assertThat(seqs(all)).containsExactlyElementsOf(range(resumeAfter + 1, 151));
            }
        }
    }

    static JsonNode subscribe(ChatSocket socket, String conversation, long afterSeq) throws InterruptedException {
        String id = "sub-" + conversation + "-" + afterSeq;
        socket.send(Map.of("type", "subscribe", "id", id, "conversationId", conversation, "afterSeq", afterSeq));
        JsonNode reply = socket.await(f -> id.equals(f.path("id").asString()), WAIT);
        assertThat(reply.path("type").asString()).as(reply.toString()).isEqualTo("subscribed");
        return reply;
    }

    static void sendBurst(ChatSocket socket, String conversation, String prefix, int from, int count) {
        for (int i = from; i < from + count; i++) {
            String clientMsgId = prefix + "-" + conversation.substring(0, 8) + "-" + i;
            socket.send(Map.of("type", "send", "id", clientMsgId, "conversationId", conversation,
                    "clientMsgId", clientMsgId, "body", prefix + " says " + i));
        }
    }

    /** clientMsgId -> acked seq, asserting each request was acked exactly once. */
    static Map<String, Long> acks(ChatSocket socket, int count) throws InterruptedException {
        List<JsonNode> acks = socket.awaitCount(f -> f.path("type").asString().equals("ack"), count, WAIT);
        Map<String, Long> seqByClientMsgId = new HashMap<>();
        for (JsonNode ack : acks) {
            Long earlier = seqByClientMsgId.put(ack.get("clientMsgId").asString(), ack.get("seq").asLong());
            assertThat(earlier).as("acked once: %s", ack).isNull();
            assertThat(ack.get("id").asString()).isEqualTo(ack.get("clientMsgId").asString());
        }
        assertThat(acks).hasSize(count);
        return seqByClientMsgId;
    }

    static boolean isMessage(JsonNode frame, String conversation) {
        return frame.path("type").asString().equals("message") && conversation.equals(frame.path("conversationId").asString());
    }

    static List<Long> seqs(List<JsonNode> frames) {
        return frames.stream().map(f -> f.get("seq").asLong()).toList();
    }

    static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }
}
