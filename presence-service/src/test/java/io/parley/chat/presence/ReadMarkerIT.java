package io.parley.chat.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import io.parley.chat.contracts.events.PresenceEvent;

class ReadMarkerIT extends RunningService {

    final String tenant = unique("t");
    final String conversation = unique("c");
    final String alice = unique("alice");

    @Test
    void markerIsStoredThenRelayedWithTheStoredSeq() {
        conversations.addMember(tenant, conversation, alice);
        String token = token(alice, tenant);
        try (KafkaConsumer<String, String> consumer = consumer()) {
            read(token, Map.of("conversationId", conversation, "seq", 7)).expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.conversationId").isEqualTo(conversation)
                    .jsonPath("$.userId").isEqualTo(alice)
                    .jsonPath("$.readSeq").isEqualTo(7);
            // the marker only moves forward: an older seq answers (and relays) the stored one
            read(token, Map.of("conversationId", conversation, "seq", 3)).expectStatus().isOk()
                    .expectBody().jsonPath("$.readSeq").isEqualTo(7);

            List<PresenceEvent> events = eventsUntil(consumer, tenant,
                    seen -> seen.stream().filter(e -> e.type() == PresenceEvent.Type.ReadMarker).count() == 2,
                    Duration.ofSeconds(30));
            assertThat(events).allSatisfy(e -> {
                assertThat(e.type()).isEqualTo(PresenceEvent.Type.ReadMarker);
                assertThat(e.userId()).isEqualTo(alice);
                assertThat(e.conversationId()).isEqualTo(conversation);
            }).extracting(PresenceEvent::seq).containsExactly(7L, 7L);
        }
    }

    @Test
    void nonMemberGetsConversationServicesProblem() {
        read(token(alice, tenant), Map.of("conversationId", conversation, "seq", 1))
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(404)
                .jsonPath("$.type").isEqualTo("https://parley.dev/problems/conversation-not-found");
    }
}
