package io.parley.chat.presence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.parley.chat.contracts.events.PresenceEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.testkit.TestInfrastructure;

/**
 * The running service on a random port against a real redis-server, a real Kafka broker
 * and a real JWKS endpoint, with conversation-service stubbed. Every IT but StoreLoginsIT extends it, so the build
 * starts one context. Tests share Redis: each makes its own tenant. Sessions live 5 s here so that expiry can be
 * observed without slowing the other tests.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"chat.presence.session-ttl=5s", "chat.presence.sweep-interval=250ms"})
abstract class RunningService extends ServiceCalls {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.host", () -> TestInfrastructure.redis().host());
        registry.add("spring.data.redis.port", () -> TestInfrastructure.redis().port());
        registry.add("spring.kafka.bootstrap-servers", () -> TestInfrastructure.kafka().bootstrapServers());
        registry.add("chat.security.jwks-uri", () -> TestInfrastructure.tokens().jwksUri());
        registry.add("chat.presence.conversation-service-url", conversations::url);
        registry.add("chat.directory.auth-service-url", () -> TestInfrastructure.tokens().baseUrl());
    }

    static KafkaConsumer<String, String> consumer() {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(Topics.PRESENCE));
        return consumer;
    }

    /**
     * The tenant's events up to the first of {@code lastUser}. Events are keyed by tenant,
     * so one tenant's events arrive in the order they were published: a later event for
     * another user proves that no further event for the earlier ones is on its way.
     */
    List<PresenceEvent> eventsUntil(KafkaConsumer<String, String> consumer, String tenant, String lastUser,
                                    Duration bound) {
        return eventsUntil(consumer, tenant, seen -> seen.get(seen.size() - 1).userId().equals(lastUser), bound);
    }

    /** The tenant's events up to the one after which {@code done} holds. */
    List<PresenceEvent> eventsUntil(KafkaConsumer<String, String> consumer, String tenant,
                                    Predicate<List<PresenceEvent>> done, Duration bound) {
        List<PresenceEvent> events = new ArrayList<>();
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(250))) {
                if (!tenant.equals(record.key())) {
                    continue;
                }
                events.add(json.readValue(record.value(), PresenceEvent.class));
                if (done.test(events)) {
                    return events;
                }
            }
        }
        throw new AssertionError("Events of " + tenant + " incomplete after " + bound + "; saw " + events);
    }

}
