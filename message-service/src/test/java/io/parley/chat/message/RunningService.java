package io.parley.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.parley.chat.testkit.ApiContract;
import io.parley.chat.testkit.TestInfrastructure;
import io.parley.chat.testkit.TestTokens;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * message-service on a random port against the Mongo wire server, a Kafka broker and a
 * JWKS endpoint, with conversation-service's membership check stubbed. Every IT of the
 * module extends it, so the build starts one context. Sweeps run fast here (grace 1 s)
 * so that lost seqs and unpublished entries can be observed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"chat.message.sweep-grace=1s", "chat.message.sweep-interval=250ms",
                // what a crash simulated behind the service's back leaves is found by the periodic read, as a
                // dead replica's would be
                "chat.message.full-sweep-interval=2s"})
abstract class RunningService {

    static final String TENANT = "t1";
    static final MembershipStub membership = startStub();
    static final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    WebTestClient http;
    String conversation;
    String alice;
    String aliceToken;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> TestInfrastructure.mongo().uri("message"));
        registry.add("spring.kafka.bootstrap-servers", () -> TestInfrastructure.kafka().bootstrapServers());
        registry.add("chat.security.jwks-uri", () -> TestInfrastructure.tokens().jwksUri());
        registry.add("chat.message.conversation-service-url", membership::url);
    }

    @BeforeEach
    void setUp() {
        // a full page of the largest bodies is larger than the test client's default 256 KB buffer
        http = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(30))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(8 << 20)).build();
        conversation = "c-" + UUID.randomUUID();
        alice = "alice-" + UUID.randomUUID();
        aliceToken = TestInfrastructure.tokens().mint(alice, TENANT);
        membership.addMember(TENANT, conversation, alice);
    }

    JsonNode send(String token, String conversationId, String clientMsgId, String text, HttpStatus expected) {
        byte[] response = post(token, conversationId, body(clientMsgId, text)).exchange()
                .expectStatus().isEqualTo(expected)
                .expectBody().returnResult().getResponseBody();
        return json.readTree(response);
    }

    reactor.core.publisher.Mono<Long> sendAsync(String token, String clientMsgId) {
        return org.springframework.web.reactive.function.client.WebClient.create("http://localhost:" + port)
                .post().uri("/api/v1/conversations/{id}/messages", conversation)
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body(clientMsgId, "retry storm"))
                .retrieve().bodyToMono(String.class)
                .map(s -> json.readTree(s).get("seq").asLong());
    }

    WebTestClient.RequestHeadersSpec<?> post(String token, String conversationId, String rawJson) {
        return http.post().uri("/api/v1/conversations/{id}/messages", conversationId)
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(rawJson);
    }

    JsonNode history(String token, String query) {
        byte[] body = historyRequest(token, conversation, query).exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody();
        return json.readTree(body);
    }

    WebTestClient.RequestHeadersSpec<?> historyRequest(String token, String conversationId, String query) {
        return http.get().uri("/api/v1/conversations/" + conversationId + "/messages?" + query)
                .header("Authorization", "Bearer " + token);
    }

    /** message-service's batch send (the edge's), NDJSON: one send per line. */
    WebTestClient.RequestHeadersSpec<?> batchRequest(String token, String conversationId,
                                                     List<Map<String, String>> sends) {
        return http.post().uri("/internal/v1/conversations/{id}/messages/batch", conversationId)
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_NDJSON)
                .bodyValue(ndjson(sends));
    }

    static String ndjson(List<Map<String, String>> sends) {
        return sends.stream().map(json::writeValueAsString).collect(java.util.stream.Collectors.joining("\n", "", "\n"));
    }

    static void problem(WebTestClient.RequestHeadersSpec<?> request, HttpStatus status) {
        var result = request.exchange().expectBody().returnResult();
        String body = result.getResponseBody() == null ? "" : new String(result.getResponseBody());
        assertThat(result.getStatus().value()).as(body).isEqualTo(status.value());
        assertThat(result.getResponseHeaders().getContentType()).as(body).isNotNull()
                .matches(MediaType.APPLICATION_PROBLEM_JSON::isCompatibleWith);
        JsonNode problem = json.readTree(body);
        assertThat(problem.path("type").asString()).as(body).startsWith("https://parley.dev/problems/");
        assertThat(problem.path("status").asInt()).as(body).isEqualTo(status.value());
        assertThat(problem.path("detail").asString()).as(body).isNotBlank();
    }

    /** The events of one conversation on chat.messages.v1, read from the start, until {@code done} holds. */
    static List<JsonNode> events(String conversationId, java.util.function.Predicate<List<JsonNode>> done) {
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(Map.of(
                "bootstrap.servers", TestInfrastructure.kafka().bootstrapServers(),
                "group.id", "it-" + UUID.randomUUID(), "auto.offset.reset", "earliest"),
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.StringDeserializer())) {
            consumer.subscribe(List.of("chat.messages.v1"));
            List<JsonNode> events = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!done.test(events) && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (conversationId.equals(record.key())) {
                        JsonNode event = json.readTree(record.value());
                        assertThat(ApiContract.get().checkEvent("MessageEvent", event))
                                .as("chat.messages.v1 against asyncapi.yaml").isEmpty();
                        events.add(event);
                    }
                }
            }
            return events;
        }
    }

    /** The seqs of a history page's items, which its deprecated {@code messages} repeats for this version. */
    static List<Long> seqs(JsonNode history) {
        assertThat(history.get("messages")).as("the deprecated copy of items").isEqualTo(history.get("items"));
        assertThat(history.get("hasMore").asBoolean()).as("hasMore, deprecated: whether there is a nextCursor")
                .isEqualTo(!history.get("nextCursor").isNull());
        List<Long> seqs = new ArrayList<>();
        history.get("items").forEach(m -> seqs.add(m.get("seq").asLong()));
        return seqs;
    }

    static String body(String clientMsgId, String text) {
        return json.writeValueAsString(Map.of("clientMsgId", clientMsgId, "body", text));
    }

    /** One stub for the JVM, like the cached context that points at it. */
    static MembershipStub startStub() {
        try {
            MembershipStub stub = new MembershipStub();
            Runtime.getRuntime().addShutdownHook(new Thread(stub::close, "membership-stub-stop"));
            return stub;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
