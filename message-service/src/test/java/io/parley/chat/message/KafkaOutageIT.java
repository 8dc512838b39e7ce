package io.parley.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.LongStream;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.awaitility.Awaitility;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.parley.chat.testkit.KafkaBroker;
import io.parley.chat.testkit.Ports;
import io.parley.chat.testkit.TestInfrastructure;
import tools.jackson.databind.json.JsonMapper;

/**
 * Kafka goes away while users send: every send is still stored and acked (persist before
 * emit), and once Kafka is back the sweeper publishes every acked message, in seq order.
 * This class has a broker of its own, since it stops it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"chat.message.sweep-grace=1s", "chat.message.sweep-interval=250ms", "chat.message.publish-timeout=1s",
                // no periodic read of the log: what Kafka missed must be found because this replica saw it fail
                "chat.message.full-sweep-interval=1h"})
class KafkaOutageIT {

    private static final Path DIR = tempDir();
    private static final int PORT = freePort();
    private static KafkaBroker broker = startBroker();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> TestInfrastructure.mongo().uri("message"));
        registry.add("spring.kafka.bootstrap-servers", () -> broker.bootstrapServers());
        registry.add("chat.security.jwks-uri", () -> TestInfrastructure.tokens().jwksUri());
        registry.add("chat.message.conversation-service-url", RunningService.membership::url);
    }

    @Test
    void everyMessageAckedWhileKafkaWasDownIsPublishedInOrderOnceItIsBack() throws Exception {
        String conversation = "c-" + UUID.randomUUID();
        String user = "u-" + UUID.randomUUID();
        RunningService.membership.addMember("t1", conversation, user);
        String token = TestInfrastructure.tokens().mint(user, "t1");
        WebTestClient http = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();

        send(http, token, conversation, 1);
        broker.close();
        for (int i = 2; i <= 21; i++) {
            send(http, token, conversation, i);
        }
        Awaitility.await("the backlog gauge shows what Kafka has not taken").atMost(Duration.ofSeconds(20))
                .until(() -> unpublishedGauge(http), backlog -> backlog >= 20);
        broker = KafkaBroker.start(DIR, PORT, Duration.ofSeconds(90));

        List<Long> firstSeen = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(Map.of("bootstrap.servers", broker.bootstrapServers(),
                "group.id", "it-" + UUID.randomUUID(), "auto.offset.reset", "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("chat.messages.v1"));
            Set<Long> seen = new LinkedHashSet<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (seen.size() < 21 && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(300))) {
                    if (conversation.equals(record.key())) {
                        seen.add(JSON.readTree(record.value()).get("seq").asLong());
                    }
                }
            }
            firstSeen.addAll(seen);
        }
        assertThat(firstSeen).as("each acked seq published, first sightings in seq order")
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 21).boxed().toList());
        Awaitility.await("the backlog gauge back at zero").atMost(Duration.ofSeconds(20))
                .until(() -> unpublishedGauge(http), backlog -> backlog == 0);
    }

    /** {@code chat_outbox_unpublished} as Prometheus scrapes it. */
    private static double unpublishedGauge(WebTestClient http) {
        String scrape = new String(http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody(), java.nio.charset.StandardCharsets.UTF_8);
        return scrape.lines().filter(line -> line.startsWith("chat_outbox_unpublished ") || line.startsWith("chat_outbox_unpublished{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim()))
                .findFirst().orElseThrow(() -> new AssertionError("no chat_outbox_unpublished in the scrape"));
    }

    private static void send(WebTestClient http, String token, String conversation, int i) {
        http.post().uri("/api/v1/conversations/{id}/messages", conversation)
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"clientMsgId\":\"m" + i + "\",\"body\":\"message " + i + "\"}")
                .exchange()
                .expectStatus().isCreated()
                .expectBody().jsonPath("$.seq").isEqualTo(i);
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "kafka-outage-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try {
            return Ports.free();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KafkaBroker startBroker() {
        try {
            return KafkaBroker.start(DIR, PORT, Duration.ofSeconds(90));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
