package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.parley.chat.testkit.ChatSocket;
import tools.jackson.databind.JsonNode;

/**
 * A removal and a demotion made while Kafka is down (the broker paused with SIGSTOP, so the
 * events cannot be published) still take effect on every path within the bound of
 * docs/operations.md ("Membership and history guarantees"): conversation-service stores
 * each event before it answers, and every edge and message-service replica reads the stored
 * list every 2 s. Before that list, a removed member kept his live subscription until Kafka
 * came back and message-service's cached "yes" for 30 s; a demoted admin kept the role for
 * the cache's 30 s whatever Kafka did.
 */
class MembershipChangeWhileKafkaPausedIT extends RunningCluster {

    /** The documented bound: one poll interval (2 s) plus one read (at most 5 s). */
    private static final Duration BOUND = Duration.ofSeconds(7);
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aRemovalWhileKafkaIsPausedEndsTheLiveSubscriptionAndEveryPathWithinTheBound() throws Exception {
        Api.User alice = api.newUser("alice");
        Api.User bob = api.newUser("bob");
        Api.User carol = api.newUser("carol");
        Api.User stranger = api.newUser("stranger", api.newTenant(cluster));
        String conversation = api.createGroup(alice, List.of(bob.id(), carol.id()));

        try (ChatSocket aliceSocket = connect(alice); ChatSocket bobSocket = connect(bob);
             ChatSocket carolSocket = connect(carol)) {
            for (ChatSocket socket : List.of(aliceSocket, bobSocket, carolSocket)) {
                socket.awaitOpen(WAIT);
                ChatDeliveryIT.subscribe(socket, conversation, 0);
            }
            // bob sends and reads while a member: message-service now holds a cached "yes" for him
            assertThat(send(bobSocket, conversation, "bob").path("type").asString()).isEqualTo("ack");
            Api.expect(history(bob, conversation), 200);
            carolSocket.await(f -> ChatDeliveryIT.isMessage(f, conversation) && f.path("seq").asLong() == 1, WAIT);

            Set<Long> sentWhilePaused;
            try (PausedKafka paused = PausedKafka.pause(cluster)) {
                Api.expect(api.call("DELETE", "/api/v1/conversations/" + conversation + "/members/" + bob.id(),
                        alice.token(), null), 204);
                long removedAt = System.nanoTime();

                JsonNode ended = bobSocket.await(f -> "conversation".equals(f.path("type").asString())
                        && "member.removed".equals(f.path("event").asString()), BOUND);
                assertThat(ended).as("bob's socket is told within %s while Kafka is paused", BOUND).isNotNull();
                // each attempt is a real send: until the cached answer is dropped it is still accepted
                JsonNode refused = firstRefusal(removedAt, () -> send(bobSocket, conversation, "bob"),
                        f -> "error".equals(f.path("type").asString()), "bob's send");
                assertThat(refused.path("code").asString()).isIn("not-found", "forbidden");

                assertRefusedEverywhere(bob, bobSocket, conversation);
                assertRefusedEverywhere(stranger, connect(stranger), conversation);

                // alice, still a member, sends maximum-size messages: acked while Kafka is paused
                sentWhilePaused = ChatDeliveryIT.acks(sendBodies(aliceSocket, conversation, 5), 5).values().stream()
                        .collect(Collectors.toSet());
            }
            // once Kafka is back, carol gets every one of them and bob none
            carolSocket.awaitCount(f -> ChatDeliveryIT.isMessage(f, conversation)
                    && sentWhilePaused.contains(f.path("seq").asLong()), sentWhilePaused.size(), WAIT);
            aliceSocket.awaitCount(f -> ChatDeliveryIT.isMessage(f, conversation)
                    && sentWhilePaused.contains(f.path("seq").asLong()), sentWhilePaused.size(), WAIT);
            assertThat(bobSocket.received()).noneMatch(f -> ChatDeliveryIT.isMessage(f, conversation)
                    && sentWhilePaused.contains(f.path("seq").asLong()));
            Api.expect(history(bob, conversation), 404);
            Api.expect(history(carol, conversation), 200);
        }
    }

    @Test
    void aDemotionWhileKafkaIsPausedTakesTheAdminsRightsAwayWithinTheBound() throws Exception {
        Api.User alice = api.newUser("alice");
        Api.User bob = api.newUser("bob");
        Api.User carol = api.newUser("carol");
        String conversation = api.createGroup(alice, List.of(bob.id(), carol.id()));
        Api.expect(api.call("PATCH", "/api/v1/conversations/" + conversation + "/members/" + carol.id(), alice.token(),
                Map.of("role", "admin")), 200);
        try (ChatSocket bobSocket = connect(bob)) {
            bobSocket.awaitOpen(WAIT);
            // enough of bob's messages for carol to delete one at every poll of the bound
            List<Long> bobs = ChatDeliveryIT.acks(sendBodies(bobSocket, conversation, 40), 40).values().stream()
                    .sorted().toList();
            // carol deletes one of bob's messages as an admin: message-service now holds her role
            Api.expect(deleteAs(carol, conversation, bobs.get(0)), 200);

            try (PausedKafka paused = PausedKafka.pause(cluster)) {
                Api.expect(api.call("PATCH", "/api/v1/conversations/" + conversation + "/members/" + carol.id(),
                        alice.token(), Map.of("role", "member")), 200);
                long demotedAt = System.nanoTime();
                int[] next = {1};
                Api.Reply refused = firstRefusal(demotedAt, () -> deleteAs(carol, conversation, bobs.get(next[0]++)),
                        reply -> reply.status() != 200, "carol's delete of bob's message");
                assertThat(refused.status()).as(refused.body().toString()).isEqualTo(403);
                assertThat(refused.body().path("type").asString()).endsWith("not-your-message");
            }
            // bob's own messages are still his to delete
            Api.expect(deleteAs(bob, conversation, bobs.get(bobs.size() - 1)), 200);
        }
    }

    /**
     * Repeats {@code attempt} until {@code refused} holds, and asserts that the refused
     * attempt started within {@link #BOUND} of {@code since}. An attempt can take a while
     * with Kafka paused (a stored entry waits up to message-service's publish timeout), so
     * the bound is on when the refused attempt began, which is when it was authorized.
     */
    private static <T> T firstRefusal(long since, Callable<T> attempt,
                                      Predicate<T> refused, String what) throws Exception {
        while (true) {
            long started = System.nanoTime();
            assertThat(Duration.ofNanos(started - since)).as("%s still accepted after %s", what, BOUND)
                    .isLessThanOrEqualTo(BOUND);
            T outcome = attempt.call();
            if (refused.test(outcome)) {
                System.out.printf("MembershipChangeWhileKafkaPausedIT: %s refused %d ms after the change was answered, "
                        + "Kafka paused%n", what, (started - since) / 1_000_000);
                return outcome;
            }
            Thread.sleep(250); // pacing between real attempts (each deletes one of bob's 40), not a wait for a condition
        }
    }

    /** A user who is not a member: refused on the socket (send, subscribe) and on REST (history, send). */
    private static void assertRefusedEverywhere(Api.User user, ChatSocket socket, String conversation) throws Exception {
        try (socket) {
            socket.awaitOpen(WAIT);
            assertThat(send(socket, conversation, user.id()).path("code").asString()).isIn("not-found", "forbidden");
            String id = "resub-" + UUID.randomUUID();
            socket.send(Map.of("type", "subscribe", "id", id, "conversationId", conversation, "afterSeq", 0));
            JsonNode subscribe = socket.await(f -> id.equals(f.path("id").asString()), WAIT);
            assertThat(subscribe.path("type").asString()).as(subscribe.toString()).isEqualTo("error");
            Api.Reply history = history(user, conversation);
            assertThat(history.status()).as(history.body().toString()).isEqualTo(404);
            Api.Reply post = api.call("POST", "/api/v1/conversations/" + conversation + "/messages", user.token(),
                    Map.of("clientMsgId", UUID.randomUUID().toString(), "body", "x".repeat(Api.MAX_BODY)));
            assertThat(post.status()).as(post.body().toString()).isEqualTo(404);
        }
    }


    /** One send of a maximum-size body, and its reply. */
    private static JsonNode send(ChatSocket socket, String conversation, String who) throws InterruptedException {
        String clientMsgId = UUID.randomUUID().toString();
        socket.send(Map.of("type", "send", "id", clientMsgId, "conversationId", conversation,
                "clientMsgId", clientMsgId, "body", Api.maxBody(who)));
        return socket.await(f -> clientMsgId.equals(f.path("id").asString()), WAIT);
    }

    private static ChatSocket sendBodies(ChatSocket socket, String conversation, int count) {
        for (int i = 0; i < count; i++) {
            String clientMsgId = UUID.randomUUID().toString();
            socket.send(Map.of("type", "send", "id", clientMsgId, "conversationId", conversation,
                    "clientMsgId", clientMsgId, "body", Api.maxBody(Integer.toString(i))));
        }
        return socket;
    }


    private static Api.Reply history(Api.User user, String conversation) throws Exception {
        return api.call("GET", "/api/v1/conversations/" + conversation + "/messages?afterSeq=0&limit=200", user.token(),
                null);
    }

    private static Api.Reply deleteAs(Api.User user, String conversation, long seq) throws Exception {
        return api.call("DELETE", "/api/v1/conversations/" + conversation + "/messages/" + seq, user.token(), null);
    }
}
