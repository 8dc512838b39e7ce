package io.parley.chat.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import io.parley.chat.contracts.events.PresenceEvent;

class TypingIT extends RunningService {

    String tenant;
    String conversation;
    String alice;
    String aliceToken;
    String marker;

    @BeforeEach
    void members() {
        tenant = unique("t");
        conversation = unique("c");
        alice = unique("alice");
        aliceToken = token(alice, tenant);
        marker = unique("marker");
        conversations.addMember(tenant, conversation, alice);
        conversations.addMember(tenant, conversation, marker);
    }

    @Test
    void memberTypingIsRelayedAtMostOncePerThreeSeconds() {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            long first = System.nanoTime();
            relayed(aliceToken, true);
            for (int i = 0; i < 5; i++) {
                relayed(aliceToken, false);
            }
            relayed(token(marker, tenant), true);

            List<PresenceEvent> events = eventsUntil(consumer, tenant, marker, Duration.ofSeconds(30));
            assertThat(events).filteredOn(e -> e.userId().equals(alice)).singleElement().satisfies(e -> {
                assertThat(e.type()).isEqualTo(PresenceEvent.Type.Typing);
                assertThat(e.conversationId()).isEqualTo(conversation);
                assertThat(e.tenantId()).isEqualTo(tenant);
                assertThat(e.at()).isNotNull();
            });

            // the window reopens after 3 s, not before
            AtomicBoolean again = new AtomicBoolean();
            Awaitility.await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(200)).until(() -> {
                again.set(typingRelayed(aliceToken));
                return again.get();
            });
            assertThat(Duration.ofNanos(System.nanoTime() - first)).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
        }
    }

    @Test
    void throttleIsPerConversation() {
        String other = unique("c");
        conversations.addMember(tenant, other, alice);
        relayed(aliceToken, true);
        typing(aliceToken, Map.of("conversationId", other)).expectStatus().isAccepted()
                .expectBody().jsonPath("$.relayed").isEqualTo(true);
    }

    @Test
    void nonMemberTypingIsForbiddenAndNothingIsPublished() {
        String mallory = unique("mallory");
        try (KafkaConsumer<String, String> consumer = consumer()) {
            typing(token(mallory, tenant), Map.of("conversationId", conversation))
                    .expectStatus().isForbidden()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").isEqualTo("https://parley.dev/problems/not-a-member");
            // a member of the same conversation in another tenant is another user
            typing(token(alice, unique("t")), Map.of("conversationId", conversation)).expectStatus().isForbidden();
            relayed(token(marker, tenant), true);

            List<PresenceEvent> events = eventsUntil(consumer, tenant, marker, Duration.ofSeconds(30));
            assertThat(events).extracting(PresenceEvent::userId).containsOnly(marker);
        }
    }

    private void relayed(String token, boolean expected) {
        assertThat(typingRelayed(token)).isEqualTo(expected);
    }

    private boolean typingRelayed(String token) {
        byte[] body = typing(token, Map.of("conversationId", conversation)).expectStatus().isAccepted()
                .expectBody().returnResult().getResponseBody();
        return json.readTree(body).get("relayed").asBoolean();
    }
}
