package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.parley.chat.testkit.ChatSocket;
import io.parley.chat.testkit.ChatSocket.Auth;

/**
 * {@code activity} across the real services: a socket that subscribed to nothing hears of
 * new messages in its user's conversations, those it had when it connected (read from
 * conversation-service) and those it joins later (from chat.conversations.v1).
 */
class ActivityIT extends RunningCluster {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static long send(Api.User sender, String conversation) throws Exception {
        Api.Reply sent = api.call("POST", "/api/v1/conversations/" + conversation + "/messages", sender.token(),
                Map.of("clientMsgId", "m-" + UUID.randomUUID(), "body", "news"));
        Api.expect(sent, 201);
        return sent.body().path("seq").asLong();
    }

    /**
     * Sends until the socket announces the latest seq: the edge indexes a user's
     * conversations asynchronously after connecting, and a new membership arrives on
     * another topic than the messages, so the first message may come before either.
     */
    private static void awaitActivity(ChatSocket socket, Api.User sender, String conversation) {
        AtomicLong last = new AtomicLong();
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (last.get() > 0 && socket.received().stream().anyMatch(f -> "activity".equals(f.path("type").asString())
                    && conversation.equals(f.path("conversationId").asString())
                    && f.path("headSeq").asLong() == last.get())) {
                return true;
            }
            last.set(send(sender, conversation));
            return false;
        });
    }

    @Test
    void aSocketHearsOfNewMessagesInItsUsersConversationsWithoutSubscribing() throws Exception {
        Api.User alice = api.newUser("alice");
        Api.User bob = api.newUser("bob");
        String existing = api.createGroup(alice, List.of(bob.id()));
        try (ChatSocket bobSocket = ChatSocket.connect(cluster.gatewayWebSocketUrl(), bob.token(), Auth.HEADER)) {
            bobSocket.awaitOpen(WAIT);

            awaitActivity(bobSocket, alice, existing);

            String joinedLater = api.createGroup(alice, List.of(bob.id()));
            awaitActivity(bobSocket, alice, joinedLater);

            assertThat(bobSocket.received()).filteredOn(f -> "activity".equals(f.path("type").asString()))
                    .allSatisfy(f -> assertThat(f.path("conversationId").asString()).isIn(existing, joinedLater));
            assertThat(bobSocket.received()).noneMatch(f -> "message".equals(f.path("type").asString()));
        }
    }
}
