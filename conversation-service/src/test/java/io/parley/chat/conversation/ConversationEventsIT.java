package io.parley.chat.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.parley.chat.contracts.events.ConversationEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.testkit.ApiContract;
import io.parley.chat.testkit.TestInfrastructure;
import tools.jackson.databind.json.JsonMapper;

class ConversationEventsIT extends RunningService {

    @Autowired
    JsonMapper json;

    @Test
    void publishesConversationCreatedWithAllMembersKeyedByConversationId() {
        String tenant = unique("t");
        String alice = unique("alice");
        String bob = unique("bob");
        String carol = unique("carol");

        try (KafkaConsumer<String, String> consumer = consumer()) {
            String id = create(token(alice, tenant), group("events", bob, carol));

            ConsumerRecord<String, String> record = awaitRecord(consumer, id, Duration.ofSeconds(30));
            assertThat(ApiContract.get().checkEvent("ConversationEvent", json.readTree(record.value())))
                    .as("the record against asyncapi.yaml").isEmpty();
            ConversationEvent event = json.readValue(record.value(), ConversationEvent.class);
            assertThat(event.type()).isEqualTo(ConversationEvent.Type.ConversationCreated);
            assertThat(event.conversationId()).isEqualTo(id);
            assertThat(event.tenantId()).isEqualTo(tenant);
            assertThat(event.userIds()).containsExactlyInAnyOrder(alice, bob, carol);
            assertThat(event.role()).isNull();
            assertThat(event.eventId()).isNotBlank();
            assertThat(event.at()).isNotNull();
        }
    }

    private static KafkaConsumer<String, String> consumer() {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(Topics.CONVERSATIONS));
        return consumer;
    }

    private static ConsumerRecord<String, String> awaitRecord(KafkaConsumer<String, String> consumer, String key,
                                                              Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(250))) {
                if (key.equals(record.key())) {
                    return record;
                }
            }
        }
        throw new AssertionError("No event keyed " + key + " on " + Topics.CONVERSATIONS + " within " + bound);
    }
}
