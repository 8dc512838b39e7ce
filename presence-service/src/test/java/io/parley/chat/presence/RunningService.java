package io.parley.chat.presence;

import java.io.IOException;
import java.io.UncheckedIOException;
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

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.parley.chat.contracts.events.PresenceEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.testkit.TestInfrastructure;
import tools.jackson.databind.json.JsonMapper;

/**
 * The running service on a random port against a real redis-server, a real Kafka broker
 * and a real JWKS endpoint, with conversation-service stubbed. Every IT extends it, so the build starts one context. Tests
 * share Redis: each makes its own tenant. Sessions live 5 s here so that expiry can be
 * observed without slowing the other tests.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"chat.presence.session-ttl=5s", "chat.presence.sweep-interval=250ms"})
abstract class RunningService {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.host", () -> TestInfrastructure.redis().host());
        registry.add("spring.data.redis.port", () -> TestInfrastructure.redis().port());
        registry.add("spring.kafka.bootstrap-servers", () -> TestInfrastructure.kafka().bootstrapServers());
        registry.add("chat.security.jwks-uri", () -> TestInfrastructure.tokens().jwksUri());
        registry.add("chat.presence.conversation-service-url", conversations::url);
        registry.add("chat.directory.auth-service-url", () -> TestInfrastructure.tokens().baseUrl());
    }

    static final ConversationStub conversations = startStub();

    @Autowired
    JsonMapper json;

    @LocalServerPort
    int port;

    WebTestClient http;

    @BeforeEach
    void bindClient() {
        http = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
    }

    static ConversationStub startStub() {
        try {
            ConversationStub stub = new ConversationStub();
            Runtime.getRuntime().addShutdownHook(new Thread(stub::close, "conversation-stub-stop"));
            return stub;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String token(String userId, String tenantId) {
        return TestInfrastructure.tokens().mint(userId, tenantId);
    }

    WebTestClient.ResponseSpec connect(String token, String sessionId) {
        return http.put().uri("/internal/v1/presence/sessions/{id}", sessionId)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("edgeId", "edge-1"))
                .exchange();
    }

    WebTestClient.ResponseSpec disconnect(String token, String sessionId) {
        return http.delete().uri("/internal/v1/presence/sessions/{id}", sessionId)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange();
    }

    WebTestClient.ResponseSpec typing(String token, Object body) {
        return http.post().uri("/internal/v1/presence/typing")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    WebTestClient.ResponseSpec read(String token, Object body) {
        return http.put().uri("/internal/v1/presence/read")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
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

    WebTestClient.ResponseSpec presence(String token, String userIds) {
        return http.get().uri("/api/v1/presence?userIds=" + userIds)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange();
    }
}
