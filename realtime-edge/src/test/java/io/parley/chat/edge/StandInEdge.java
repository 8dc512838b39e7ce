package io.parley.chat.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.parley.chat.contracts.events.PresenceEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.testkit.ChatSocket;
import io.parley.chat.testkit.ChatSocket.Auth;
import io.parley.chat.testkit.TestInfrastructure;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real edge on real sockets and a real Kafka broker, with one real HTTP server standing
 * in for the services it calls ({@link UpstreamStandIn}). Subclasses share one context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"chat.edge.max-watched-users=3",
                // this context's listeners start after the broker has older records; reading from the start
                // (events of other tests are for other users) means an event published right after the
                // listener's assignment cannot be skipped by a late offset reset
                "spring.kafka.consumer.auto-offset-reset=earliest"})
abstract class StandInEdge {

    static final Duration WAIT = Duration.ofSeconds(15);
    static final UpstreamStandIn UPSTREAM = start();

    @LocalServerPort
    protected int port;

    @Autowired
    protected KafkaTemplate<String, String> kafka;

    @Autowired
    protected JsonMapper json;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> TestInfrastructure.kafka().bootstrapServers());
        registry.add("chat.security.jwks-uri", () -> TestInfrastructure.tokens().jwksUri());
        registry.add("chat.edge.message-service-url", UPSTREAM::url);
        registry.add("chat.edge.presence-service-url", UPSTREAM::url);
        registry.add("chat.edge.conversation-service-url", UPSTREAM::url);
    }

    private static UpstreamStandIn start() {
        try {
            return new UpstreamStandIn();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    ChatSocket connect(String userId, String tenantId) throws Exception {
        ChatSocket socket = ChatSocket.connect("ws://localhost:" + port + "/ws",
                TestInfrastructure.tokens().mint(userId, tenantId), Auth.HEADER);
        socket.awaitOpen(WAIT);
        return socket;
    }

    static void subscribe(ChatSocket socket, String conversationId) throws InterruptedException {
        String id = "sub-" + UUID.randomUUID();
        socket.send(Map.of("type", "subscribe", "id", id, "conversationId", conversationId));
        assertThat(socket.await(f -> id.equals(f.path("id").asString()), WAIT).path("type").asString())
                .isEqualTo("subscribed");
    }

    /** What presence-service publishes once it accepts a call. */
    void publish(String key, PresenceEvent.Type type, String tenantId, String userId, String conversationId,
                         String status, Long seq) {
        PresenceEvent event = new PresenceEvent(UUID.randomUUID().toString(), type, tenantId, userId, conversationId,
                status, seq, Instant.now());
        kafka.send(Topics.PRESENCE, key, json.writeValueAsString(event)).join();
    }

    static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    static boolean is(JsonNode frame, String type) {
        return type.equals(frame.path("type").asString());
    }
}
