package io.parley.chat.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import io.parley.chat.contracts.events.ConversationEvent;
import io.parley.chat.conversation.config.ConversationProperties;
import io.parley.chat.conversation.messaging.ConversationEventPublisher;
import io.parley.chat.conversation.messaging.OutboxSweeperAccess;
import io.parley.chat.conversation.persistence.OutboxRepository;
import io.parley.chat.testkit.Ports;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Conversation events are published at least once, in order per conversation: an event
 * Kafka does not take stays in the outbox (real Mongo wire server), the request still
 * completes within the publish timeout, and the sweeper publishes it once Kafka takes
 * events again; a later event of the same conversation waits behind it.
 */
class OutboxIT extends RunningService {

    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @Autowired
    OutboxRepository outbox;
    @Autowired
    ConversationEventPublisher publisher;
    @Autowired
    JsonMapper json;

    private DefaultKafkaProducerFactory<String, String> unreachable;

    @BeforeEach
    void openProducer() throws IOException {
        // a port nothing listens on: the real Kafka client, not a mock, fails to reach a broker
        unreachable = new DefaultKafkaProducerFactory<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + Ports.free(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    @AfterEach
    void closeProducer() {
        unreachable.destroy();
    }

    @Test
    void anEventKafkaDidNotTakeIsPublishedByTheSweeperAndALaterOneWaitsBehindIt() {
        ConversationProperties settings = new ConversationProperties(TIMEOUT, Duration.ofSeconds(2), Duration.ofMinutes(30));
        var kafkaDown = new ConversationEventPublisher(new KafkaTemplate<>(unreachable), json, settings, outbox);
        Instant now = Instant.now();
        String id = unique("c");
        var conversation = new Conversation(id, unique("t"), ConversationType.GROUP, "title", "u1", now, now, null, null,
                0, now);

        try (KafkaConsumer<String, String> consumer = MembershipChangesIT.consumer()) {
            long started = System.nanoTime();
            kafkaDown.publishMemberRemoved(conversation, "u2", now).block(Duration.ofSeconds(5));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT.plusSeconds(2));
            // Kafka is back (the service's own publisher), but the removal is still waiting: the re-add must not pass it
            publisher.publishMembersAdded(conversation, List.of("u2"), Role.MEMBER, now).block(Duration.ofSeconds(5));
            assertThat(waiting(id)).isEqualTo(2);

            OutboxSweeperAccess.sweepWith(outbox, kafkaDown, settings).block(Duration.ofSeconds(10));
            assertThat(waiting(id)).as("a failed round keeps both").isEqualTo(2);
            OutboxSweeperAccess.sweepWith(outbox, publisher, new ConversationProperties(Duration.ZERO,
                    Duration.ofSeconds(2), Duration.ofMinutes(30))).block(Duration.ofSeconds(10));

            List<ConversationEvent> events = MembershipChangesIT.awaitEvents(json, consumer, id, 2);
            assertThat(events).extracting(ConversationEvent::type)
                    .containsExactly(ConversationEvent.Type.MemberRemoved, ConversationEvent.Type.MemberAdded);
            assertThat(waiting(id)).isZero();
        }
    }

    @Test
    void theListShowsEveryStoredEventPublishedOrNotInStoredOrderUntilAPublishedOneIsPastItsKeep() {
        ConversationProperties settings = new ConversationProperties(TIMEOUT, Duration.ofSeconds(2), Duration.ofMinutes(30));
        var kafkaDown = new ConversationEventPublisher(new KafkaTemplate<>(unreachable), json, settings, outbox);
        Instant now = Instant.now();
        long since = now.toEpochMilli();
        var waiting = conversation(unique("c"), now);
        var published = conversation(unique("c"), now);

        kafkaDown.publishMemberRemoved(waiting, "u2", now).block(Duration.ofSeconds(5));
        publisher.publishUpdated(published, List.of("u3"), Role.ADMIN, now).block(Duration.ofSeconds(5));
        kafkaDown.publishMembersAdded(waiting, List.of("u2"), Role.MEMBER, now).block(Duration.ofSeconds(5));

        // asked with no token, as every replica reads it
        assertThat(listed(since, waiting.id(), published.id())).extracting(ConversationEvent::type).containsExactly(
                ConversationEvent.Type.MemberRemoved, ConversationEvent.Type.ConversationUpdated,
                ConversationEvent.Type.MemberAdded);
        assertThat(listed(Instant.now().plusSeconds(1).toEpochMilli(), waiting.id(), published.id())).isEmpty();

        // a round that keeps nothing published: the published event goes, the two Kafka never took stay
        OutboxSweeperAccess.sweepWith(outbox, kafkaDown, new ConversationProperties(TIMEOUT, Duration.ofSeconds(2),
                Duration.ZERO)).block(Duration.ofSeconds(10));
        assertThat(listed(since, waiting.id(), published.id())).extracting(ConversationEvent::conversationId)
                .containsExactly(waiting.id(), waiting.id());

        http.get().uri("/internal/v1/conversation-events?since=-1").exchange().expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith("application/problem+json");
        http.get().uri("/internal/v1/conversation-events?since=yesterday").exchange().expectStatus().isBadRequest();
    }

    private List<ConversationEvent> listed(long since, String... conversations) {
        JsonNode page = http.get().uri("/internal/v1/conversation-events?since=" + since).exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(page.path("now").asLong()).isGreaterThanOrEqualTo(since - 60_000);
        List<String> wanted = List.of(conversations);
        List<ConversationEvent> events = new ArrayList<>();
        for (JsonNode item : page.path("items")) {
            assertThat(item.path("storedAt").asLong()).isGreaterThanOrEqualTo(since);
            ConversationEvent event = json.treeToValue(item.path("event"), ConversationEvent.class);
            if (wanted.contains(event.conversationId())) {
                events.add(event);
            }
        }
        return events;
    }

    private static Conversation conversation(String id, Instant now) {
        return new Conversation(id, unique("t"), ConversationType.GROUP, "title", "u1", now, now, null, null, 0, now);
    }

    private long waiting(String conversationId) {
        return outbox.oldest(Instant.now().plusSeconds(60), 10_000)
                .filter(entry -> entry.conversationId().equals(conversationId)).count().block();
    }

}
