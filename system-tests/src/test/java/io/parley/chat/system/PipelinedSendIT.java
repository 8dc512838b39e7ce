package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.parley.chat.testkit.ChatSocket;
import tools.jackson.databind.JsonNode;

/**
 * One socket's sends are pipelined (docs/decisions/0005): a client that sends a full burst
 * of maximum-size messages without waiting for acks gets every one acked, stored in the
 * order it sent them with dense seqs, and delivered in that order, while the edge keeps
 * several of them in flight in batches (message-service's batch sizes show it). A
 * non-member's burst gets an error for each send and stores nothing; a user of another
 * tenant likewise. Through the gateway, one socket per user, the per-socket frame budget
 * on (a burst of 200 is what it allows).
 */
class PipelinedSendIT extends RunningCluster {

    private static final int BURST = 200;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aBurstOfMaximumSizeSendsFromOneSocketIsAckedStoredAndDeliveredInTheOrderSent() throws Exception {
        Api.User alice = api.newUser("alice");
        Api.User bob = api.newUser("bob");
        Api.User outsider = api.newUser("outsider");
        Api.User stranger = api.newUser("stranger", api.newTenant(cluster));
        String conversation = api.createGroup(alice, List.of(bob.id()));
        double[] before = batches();

        try (ChatSocket aliceSocket = connect(alice); ChatSocket bobSocket = connect(bob);
             ChatSocket outsiderSocket = connect(outsider); ChatSocket strangerSocket = connect(stranger)) {
            for (ChatSocket socket : List.of(aliceSocket, bobSocket, outsiderSocket, strangerSocket)) {
                socket.awaitOpen(WAIT);
            }
            ChatDeliveryIT.subscribe(bobSocket, conversation, 0);

            List<String> ids = IntStream.range(0, BURST).mapToObj(i -> "p-" + conversation.substring(0, 8) + "-" + i)
                    .toList();
            ids.forEach(id -> aliceSocket.send(Map.of("type", "send", "id", id, "conversationId", conversation,
                    "clientMsgId", id, "body", Api.maxBody(id))));
            Map<String, Long> acked = ChatDeliveryIT.acks(aliceSocket, BURST);
            assertThat(ids.stream().map(acked::get).toList()).as("seqs in the order alice sent")
                    .containsExactlyElementsOf(ChatDeliveryIT.range(1, BURST));
            assertThat(aliceSocket.received()).noneMatch(f -> "error".equals(f.path("type").asString()));

            List<JsonNode> delivered = bobSocket.awaitCount(f -> ChatDeliveryIT.isMessage(f, conversation), BURST, WAIT);
            assertThat(ChatDeliveryIT.seqs(delivered)).containsExactlyElementsOf(ChatDeliveryIT.range(1, BURST));
            assertThat(delivered).extracting(f -> f.path("clientMsgId").asString()).containsExactlyElementsOf(ids);
            assertThat(delivered).allSatisfy(f -> assertThat(f.path("body").asString()).hasSize(Api.MAX_BODY));
            double[] after = batches();
            assertThat(after[1] - before[1]).as("sends message-service stored meanwhile").isEqualTo(BURST);
            assertThat(after[0] - before[0]).as("round trips they took: the edge had several in flight at once")
                    .isLessThan(BURST);
            System.out.printf("PipelinedSendIT: %d sends from one socket stored in %d batches%n", BURST,
                    (long) (after[0] - before[0]));

            for (ChatSocket refused : List.of(outsiderSocket, strangerSocket)) {
                IntStream.range(0, 20).forEach(i -> refused.send(Map.of("type", "send", "id", "x-" + i,
                        "conversationId", conversation, "clientMsgId", "x-" + i, "body", Api.maxBody("x"))));
                List<JsonNode> errors = refused.awaitCount(f -> "error".equals(f.path("type").asString()), 20, WAIT);
                assertThat(errors).extracting(f -> f.path("id").asString())
                        .containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(i -> "x-" + i).toList());
                assertThat(errors).allSatisfy(f -> assertThat(f.path("code").asString()).isIn("not-found", "forbidden"));
                assertThat(refused.received()).noneMatch(f -> "ack".equals(f.path("type").asString()));
            }
            Api.Reply history = api.call("GET", "/api/v1/conversations/" + conversation + "/messages?afterSeq="
                    + BURST, alice.token(), null);
            Api.expect(history, 200);
            assertThat(history.body().path("items")).as("nothing stored after alice's burst").isEmpty();
        }
    }



    /** message-service's {@code chat_message_send_batch}: batches stored so far, and the sends in them. */
    private static double[] batches() throws Exception {
        String scrape = Metrics.scrape(cluster, "message-service");
        return new double[] {Metrics.sum(scrape, "chat_message_send_batch_count", ""),
                Metrics.sum(scrape, "chat_message_send_batch_sum", "")};
    }
}
