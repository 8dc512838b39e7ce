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
import org.junit.jupiter.api.AfterAll;
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

class MessageServiceIT extends RunningService {

    @Test
    void storesMessagesWithDenseSeqAndReturnsThemInHistory() {
        for (int i = 1; i <= 3; i++) {
            JsonNode sent = send(aliceToken, conversation, "m" + i, "hello " + i, HttpStatus.CREATED);
            assertThat(sent.get("seq").asLong()).isEqualTo(i);
            assertThat(sent.get("senderId").asString()).isEqualTo(alice);
        }
        JsonNode history = history(aliceToken, "afterSeq=0");
        assertThat(seqs(history)).containsExactly(1L, 2L, 3L);
        assertThat(history.get("messages").get(2).get("body").asString()).isEqualTo("hello 3");
        assertThat(history.get("hasMore").asBoolean()).isFalse();
    }

    @Test
    void returnsSameMessageWhenClientMsgIdRepeats() {
        JsonNode first = send(aliceToken, conversation, "same", "once", HttpStatus.CREATED);
        JsonNode repeat = send(aliceToken, conversation, "same", "once", HttpStatus.OK);
        assertThat(repeat.get("messageId").asString()).isEqualTo(first.get("messageId").asString());
        assertThat(repeat.get("seq").asLong()).isEqualTo(first.get("seq").asLong());
        assertThat(seqs(history(aliceToken, "afterSeq=0"))).containsExactly(1L);
    }

    @Test
    void concurrentSendersWithRetriesGetOneMessageEachAndDenseSeq() {
        List<String> senders = IntStream.range(0, 4).mapToObj(i -> "s" + i + "-" + UUID.randomUUID()).toList();
        senders.forEach(s -> membership.addMember(TENANT, conversation, s));
        Map<String, Long> seqByClientMsgId = new ConcurrentHashMap<>();
        Set<String> disagreements = ConcurrentHashMap.newKeySet();
        Flux.fromIterable(senders)
                .flatMap(sender -> Flux.range(0, 25).flatMap(i -> Flux.range(0, 2), 1)
                        .index()
                        .flatMap(t -> {
                            String clientMsgId = sender + "-" + (t.getT1() / 2);
                            return sendAsync(TestInfrastructure.tokens().mint(sender, TENANT), clientMsgId)
                                    .doOnNext(seq -> {
                                        Long earlier = seqByClientMsgId.putIfAbsent(clientMsgId, seq);
                                        if (earlier != null && !earlier.equals(seq)) {
                                            disagreements.add(clientMsgId);
                                        }
                                    });
                        }, 8))
                .blockLast(Duration.ofSeconds(60));
        assertThat(disagreements).isEmpty();
        assertThat(seqByClientMsgId).hasSize(100);
        List<Long> stored = new ArrayList<>();
        stored.addAll(seqs(history(aliceToken, "afterSeq=0&limit=200")));
        assertThat(stored).containsExactlyElementsOf(IntStream.rangeClosed(1, 100).mapToObj(Long::valueOf).toList());
    }

    @Test
    void publishesMessageCreatedAfterStoring() {
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("chat.messages.v1"));
            JsonNode sent = send(aliceToken, conversation, "k1", "published?", HttpStatus.CREATED);
            JsonNode event = null;
            Instant deadline = Instant.now().plusSeconds(30);
            while (event == null && Instant.now().isBefore(deadline)) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode value = json.readTree(record.value());
                    if (conversation.equals(record.key()) && value.get("seq").asLong() == sent.get("seq").asLong()) {
                        event = value;
                    }
                }
            }
            assertThat(event).as("MessageCreated on chat.messages.v1").isNotNull();
            assertThat(ApiContract.get().checkEvent("MessageEvent", event)).as("the record against asyncapi.yaml").isEmpty();
            assertThat(event.get("type").asString()).isEqualTo("MessageCreated");
            assertThat(event.get("tenantId").asString()).isEqualTo(TENANT);
            assertThat(event.get("messageId").asString()).isEqualTo(sent.get("messageId").asString());
            assertThat(event.get("body").asString()).isEqualTo("published?");
        }
    }

    @Test
    void normalisesBodyToNfcAndKeepsMarkupAsSent() {
        String decomposed = "e\u0301 <b>bold</b>\n\tline";
        JsonNode sent = send(aliceToken, conversation, "nfc", decomposed, HttpStatus.CREATED);
        assertThat(sent.get("body").asString()).isEqualTo("\u00e9 <b>bold</b>\n\tline");
    }

    @Test
    void refusesNonMembersWithNotFoundAndStoresNothing() {
        String mallory = "mallory-" + UUID.randomUUID();
        problem(post(TestInfrastructure.tokens().mint(mallory, TENANT), conversation, body("x", "hi")), HttpStatus.NOT_FOUND);
        problem(http.get().uri("/api/v1/conversations/{id}/messages", conversation)
                .header("Authorization", "Bearer " + TestInfrastructure.tokens().mint(mallory, TENANT)), HttpStatus.NOT_FOUND);
        // the same user id in another tenant is someone else
        problem(post(TestInfrastructure.tokens().mint(alice, "other-tenant"), conversation, body("y", "hi")), HttpStatus.NOT_FOUND);
        assertThat(seqs(history(aliceToken, "afterSeq=0"))).isEmpty();
    }

    @Test
    void rejectsBadInputWithProblemDetailsAndStoresNothing() {
        problem(post(aliceToken, conversation, "{not json"), HttpStatus.BAD_REQUEST);
        problem(post(aliceToken, conversation, "{\"body\":\"no id\"}"), HttpStatus.BAD_REQUEST);
        problem(post(aliceToken, conversation, "{\"clientMsgId\":\"a\"}"), HttpStatus.BAD_REQUEST);
        problem(post(aliceToken, conversation, "{\"clientMsgId\":\"a\",\"body\":42}"), HttpStatus.BAD_REQUEST);
        problem(post(aliceToken, conversation, body("a", "   \n\t ")), HttpStatus.BAD_REQUEST);
        problem(post(aliceToken, conversation, body("a", "bell\u0007")), HttpStatus.BAD_REQUEST);
        problem(post(aliceToken, conversation, body("a", "x".repeat(4001))), HttpStatus.BAD_REQUEST);
        problem(post(aliceToken, conversation, body("not valid id!", "hi")), HttpStatus.BAD_REQUEST);
        problem(post(aliceToken, conversation, body("a", "y".repeat(70_000))), HttpStatus.CONTENT_TOO_LARGE);
        problem(post(aliceToken, "bad id!", body("a", "hi")), HttpStatus.BAD_REQUEST);
        problem(http.get().uri("/api/v1/conversations/{id}/messages?limit=500", conversation)
                .header("Authorization", "Bearer " + aliceToken), HttpStatus.BAD_REQUEST);
        problem(http.get().uri("/api/v1/conversations/{id}/messages?afterSeq=abc", conversation)
                .header("Authorization", "Bearer " + aliceToken), HttpStatus.BAD_REQUEST);
        assertThat(seqs(history(aliceToken, "afterSeq=0"))).isEmpty();
        assertThat(send(aliceToken, conversation, "a", "x".repeat(4000), HttpStatus.CREATED).get("seq").asLong()).isEqualTo(1);
    }

    @Test
    void rejectsMissingAndForeignTokens() {
        problem(http.post().uri("/api/v1/conversations/{id}/messages", conversation)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body("a", "hi")), HttpStatus.UNAUTHORIZED);
        var foreign = TestTokens.sign(TestTokens.generateKey(),
                TestTokens.claims(alice, TENANT, Instant.now(), Duration.ofMinutes(5)).build());
        problem(post(foreign, conversation, body("a", "hi")), HttpStatus.UNAUTHORIZED);
        var expired = TestInfrastructure.tokens().sign(
                TestTokens.claims(alice, TENANT, Instant.now().minusSeconds(3600), Duration.ofMinutes(5)).build());
        problem(post(expired, conversation, body("a", "hi")), HttpStatus.UNAUTHORIZED);
        assertThat(seqs(history(aliceToken, "afterSeq=0"))).isEmpty();
    }

    @Test
    void readsHistoryPagesBackwardsFromTheNewest() {
        for (int i = 1; i <= 5; i++) {
            send(aliceToken, conversation, "p" + i, "page " + i, HttpStatus.CREATED);
        }
        JsonNode newest = history(aliceToken, "limit=2");
        assertThat(seqs(newest)).containsExactly(4L, 5L);
        assertThat(newest.get("hasMore").asBoolean()).isTrue();
        assertThat(seqs(history(aliceToken, "beforeSeq=4&limit=2"))).containsExactly(2L, 3L);
        JsonNode forward = history(aliceToken, "afterSeq=1&limit=3");
        assertThat(seqs(forward)).containsExactly(2L, 3L, 4L);
        assertThat(forward.get("hasMore").asBoolean()).isTrue();
        assertThat(seqs(history(aliceToken, "cursor=" + forward.get("nextCursor").asString()))).containsExactly(5L);
        assertThat(seqs(history(aliceToken, "limit=2&cursor=" + newest.get("nextCursor").asString())))
                .containsExactly(2L, 3L);
    }
}
