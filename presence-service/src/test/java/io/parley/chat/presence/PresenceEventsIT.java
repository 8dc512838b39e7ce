package io.parley.chat.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.parley.chat.contracts.events.PresenceEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.testkit.TestInfrastructure;
import tools.jackson.databind.json.JsonMapper;

/**
 * Events are keyed by tenant, so one tenant's events arrive in the order they were
 * published: a later event for another user of the tenant proves that no further event
 * for the first user is on its way.
 */
class PresenceEventsIT extends RunningService {

    @Autowired
    JsonMapper json;

    @Test
    void publishesExactlyOneEventPerTransitionAndNoneForHeartbeats() {
        String tenant = unique("t");
        String alice = unique("alice");
        String marker = unique("marker");
        String aliceToken = token(alice, tenant);

        try (KafkaConsumer<String, String> consumer = consumer()) {
            connect(aliceToken, "phone").expectStatus().isNoContent();      // offline -> online
            connect(aliceToken, "phone").expectStatus().isNoContent();      // heartbeat
            connect(aliceToken, "laptop").expectStatus().isNoContent();     // second device, still online
            connect(aliceToken, "laptop").expectStatus().isNoContent();     // heartbeat
            disconnect(aliceToken, "phone").expectStatus().isNoContent();   // laptop keeps her online
            disconnect(aliceToken, "laptop").expectStatus().isNoContent();  // online -> offline
            disconnect(aliceToken, "laptop").expectStatus().isNoContent();  // repeated close: nothing
            connect(token(marker, tenant), "m").expectStatus().isNoContent();

            List<PresenceEvent> events = eventsUntil(consumer, tenant, marker, Duration.ofSeconds(30));

            assertThat(events).filteredOn(e -> e.userId().equals(alice))
                    .extracting(PresenceEvent::status).containsExactly("online", "offline");
            assertThat(events).allSatisfy(e -> {
                assertThat(e.type()).isEqualTo(PresenceEvent.Type.PresenceChanged);
                assertThat(e.tenantId()).isEqualTo(tenant);
                assertThat(e.eventId()).isNotBlank();
                assertThat(e.at()).isNotNull();
            });
        }
    }

    private List<PresenceEvent> eventsUntil(KafkaConsumer<String, String> consumer, String tenant, String lastUser,
                                            Duration bound) {
        List<PresenceEvent> events = new ArrayList<>();
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(250))) {
                if (!tenant.equals(record.key())) {
                    continue;
                }
                PresenceEvent event = json.readValue(record.value(), PresenceEvent.class);
                events.add(event);
                if (event.userId().equals(lastUser)) {
                    return events;
                }
            }
        }
        throw new AssertionError("No event for " + lastUser + " within " + bound + "; saw " + events);
    }

    private static KafkaConsumer<String, String> consumer() {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(Topics.PRESENCE));
        return consumer;
    }
}
