package io.parley.chat.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.parley.chat.contracts.events.ConversationEvent;
import io.parley.chat.contracts.events.MessageEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.testkit.ChatSocket;
import tools.jackson.databind.JsonNode;

/**
 * {@code activity}: a socket hears of new messages in its user's conversations that it is
 * not subscribed to (the user's conversations read from conversation-service, here the
 * stand-in, page after page; then kept current by membership events), and a subscribed
 * socket gets the messages instead.
 */
class EdgeActivityIT extends StandInEdge {

    private final AtomicLong seq = new AtomicLong();

    private void message(String tenantId, String conversationId, long seq) {
        MessageEvent event = new MessageEvent(UUID.randomUUID().toString(), MessageEvent.Type.MessageCreated, tenantId,
                conversationId, seq, "m-" + UUID.randomUUID(), "someone", "cm-" + seq, "hello " + seq, Instant.now(), null);
        kafka.send(Topics.MESSAGES, conversationId, json.writeValueAsString(event)).join();
    }

    private void membership(ConversationEvent.Type type, String tenantId, String conversationId, String userId) {
        ConversationEvent event = new ConversationEvent(UUID.randomUUID().toString(), type, tenantId, conversationId,
                List.of(userId), null, Instant.now());
        kafka.send(Topics.CONVERSATIONS, conversationId, json.writeValueAsString(event)).join();
    }

    private static boolean activity(JsonNode frame, String conversationId, long headSeq) {
        return is(frame, "activity") && conversationId.equals(frame.path("conversationId").asString())
                && frame.path("headSeq").asLong() == headSeq;
    }

    /** Publishes new messages until the socket hears of one: the user's index is loaded asynchronously after connect. */
    private long awaitIndexed(ChatSocket socket, String tenantId, String conversationId) {
        org.awaitility.Awaitility.await().atMost(WAIT).pollInterval(java.time.Duration.ofMillis(300)).until(() -> {
            message(tenantId, conversationId, seq.incrementAndGet());
            return socket.received().stream().anyMatch(f -> is(f, "activity")
                    && conversationId.equals(f.path("conversationId").asString()));
        });
        return seq.get();
    }

    @Test
    void unsubscribedSocketsHearOfNewMessagesAndSubscribedOnesGetTheMessagesInstead() throws Exception {
        String tenant = id("t");
        String alice = id("alice");
        String bob = id("bob");
        String subscribed = id("c-sub");
        String other = id("c-other");
        String onSecondPage = id("c-third");
        UPSTREAM.conversations(alice, List.of(subscribed, other, onSecondPage));
        try (ChatSocket reading = connect(alice, tenant); ChatSocket idle = connect(alice, tenant);
             ChatSocket stranger = connect(bob, tenant)) {
            // the stand-in pages by two: the third conversation is only known by following nextCursor
            awaitIndexed(idle, tenant, onSecondPage);
            subscribe(reading, subscribed);

            for (long s = 1; s <= 3; s++) {
                message(tenant, subscribed, s);
                message(tenant, other, s);
            }

            // coalesced or not, the last frame of each conversation carries the latest head
            idle.await(f -> activity(f, subscribed, 3), WAIT);
            idle.await(f -> activity(f, other, 3), WAIT);
            assertThat(reading.awaitCount(f -> is(f, "message") && subscribed.equals(f.path("conversationId").asString()),
                    3, WAIT)).extracting(f -> f.path("seq").asLong()).containsExactly(1L, 2L, 3L);
            // published after the subscribed conversation's events were handled: once it is announced,
            // any activity queued for the subscribed conversation would have been flushed with or before it
            message(tenant, other, 4);
            reading.await(f -> activity(f, other, 4), WAIT);
            assertThat(reading.received()).noneMatch(f -> is(f, "activity")
                    && subscribed.equals(f.path("conversationId").asString()));
            assertThat(stranger.received()).as("not a member").noneMatch(f -> is(f, "activity"));
            assertThat(idle.received()).filteredOn(f -> is(f, "activity"))
                    .allSatisfy(f -> assertThat(f.path("conversationId").asString()).isIn(subscribed, other, onSecondPage));
        }
    }

    @Test
    void membershipEventsKeepTheIndexCurrent() throws Exception {
        String tenant = id("t");
        String alice = id("alice");
        String bob = id("bob");
        String conversation = id("c");
        UPSTREAM.conversations(alice, List.of(conversation));
        try (ChatSocket aliceSocket = connect(alice, tenant); ChatSocket bobSocket = connect(bob, tenant)) {
            awaitIndexed(aliceSocket, tenant, conversation);

            membership(ConversationEvent.Type.MemberAdded, tenant, conversation, bob);
            long first = awaitIndexed(bobSocket, tenant, conversation);

            membership(ConversationEvent.Type.MemberRemoved, tenant, conversation, alice);
            // the edge tells the removed member's sockets after it has taken them out of the index
            aliceSocket.await(f -> is(f, "conversation") && "member.removed".equals(f.path("event").asString()), WAIT);
            long after = first + 100;
            message(tenant, conversation, after);
            bobSocket.await(f -> activity(f, conversation, after), WAIT);
            assertThat(aliceSocket.received()).noneMatch(f -> activity(f, conversation, after));
        }
    }
}
