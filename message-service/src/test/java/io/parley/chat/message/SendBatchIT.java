package io.parley.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.parley.chat.testkit.TestInfrastructure;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The batch send the edge pipelines a socket's sends with: a sender's sends are stored in
 * the order given, densely, idempotent as single sends are, each failing alone; the
 * request as a whole is refused to a non-member and to another tenant.
 */
class SendBatchIT extends RunningService {

    private static final int MAX_BODY = 4_000;
    private static final int MAX_SENDS = 100;

    @Test
    void aFullBatchOfTheLargestBodiesIsStoredInTheOrderGivenWithDenseSeqs() {
        List<String> ids = IntStream.range(0, MAX_SENDS).mapToObj(i -> "m-" + i + "-" + UUID.randomUUID()).toList();
        JsonNode answer = batch(aliceToken, conversation, ids.stream().map(id -> item(id, largest(id))).toList(),
                HttpStatus.OK);

        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < MAX_SENDS; i++) {
            JsonNode result = answer.path("results").get(i);
            assertThat(result.path("created").asBoolean()).isTrue();
            assertThat(result.path("message").path("clientMsgId").asString()).isEqualTo(ids.get(i));
            assertThat(result.path("message").path("body").asString().codePointCount(0,
                    result.path("message").path("body").asString().length())).isEqualTo(MAX_BODY);
            seqs.add(result.path("message").path("seq").asLong());
        }
        assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, MAX_SENDS).boxed().toList());
        JsonNode history = history(aliceToken, "afterSeq=0&limit=200");
        assertThat(history.path("messages")).hasSize(MAX_SENDS);
        assertThat(history.path("messages").get(MAX_SENDS - 1).path("clientMsgId").asString()).isEqualTo(ids.get(99));
    }

    @Test
    void twoSendersBatchingAtOnceEachKeepTheirOwnOrderAndRepeatsAnswerTheFirstSend() {
        String bob = "bob-" + UUID.randomUUID();
        String bobToken = TestInfrastructure.tokens().mint(bob, TENANT);
        membership.addMember(TENANT, conversation, bob);
        List<List<Map<String, String>>> aliceBatches = batches("a", 5);
        List<List<Map<String, String>>> bobBatches = batches("b", 5);

        // each sender's batches go one after another, as the edge sends a socket's; the two senders at once
        Flux.merge(Flux.fromIterable(aliceBatches).concatMap(b -> batchAsync(aliceToken, b)),
                Flux.fromIterable(bobBatches).concatMap(b -> batchAsync(bobToken, b))).blockLast();

        JsonNode history = history(aliceToken, "afterSeq=0&limit=200");
        assertThat(history.path("messages")).hasSize(2 * 5 * 20);
        List<String> aliceOrder = new ArrayList<>();
        List<String> bobOrder = new ArrayList<>();
        for (JsonNode m : history.path("messages")) {
            (m.path("senderId").asString().equals(alice) ? aliceOrder : bobOrder).add(m.path("clientMsgId").asString());
        }
        assertThat(aliceOrder).containsExactlyElementsOf(ids(aliceBatches));
        assertThat(bobOrder).containsExactlyElementsOf(ids(bobBatches));

        // the same batch again: every send a repeat with its first seq, nothing new stored
        JsonNode repeat = batch(aliceToken, conversation, aliceBatches.get(2), HttpStatus.OK);
        assertThat(repeat.path("results")).allSatisfy(r -> assertThat(r.path("created").asBoolean()).isFalse());
        assertThat(history(aliceToken, "afterSeq=0&limit=200").path("messages")).hasSize(200);
    }

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.data.mongodb.core.ReactiveMongoTemplate mongo;

    /**
     * A replica killed between claiming a send and storing it leaves the claim behind. The
     * client's resend with the same clientMsgId, once that claim is stale, is stored, once,
     * and the sends batched with it are stored too (seen in the fault suite: resends kept
     * failing "could not be stored now" long after a kill -9).
     */
    @Test
    void aResendWhoseFirstAttemptDiedAfterItsClaimIsStoredOnce() {
        String orphan = "orphan-" + UUID.randomUUID();
        mongo.insert(new org.bson.Document("_id", conversation + "|" + alice + "|" + orphan)
                .append("messageId", UUID.randomUUID().toString())
                .append("claimedAt", java.util.Date.from(java.time.Instant.now().minusSeconds(60))), "send_claims").block();

        JsonNode answer = batch(aliceToken, conversation, List.of(item(orphan, "sent again"), item("next", "after it")),
                HttpStatus.OK);

        assertThat(answer.path("results").get(0).path("problem").isMissingNode()
                || answer.path("results").get(0).path("problem").isNull())
                .as("the resend's result: %s", answer.path("results").get(0)).isTrue();
        assertThat(answer.path("results").get(0).path("message").path("clientMsgId").asString()).isEqualTo(orphan);
        assertThat(answer.path("results").get(1).path("message").path("clientMsgId").asString()).isEqualTo("next");
        JsonNode again = batch(aliceToken, conversation, List.of(item(orphan, "sent again")), HttpStatus.OK);
        assertThat(again.path("results").get(0).path("created").asBoolean()).isFalse();
        assertThat(history(aliceToken, "afterSeq=0").path("messages")).extracting(m -> m.path("clientMsgId").asString())
                .containsOnlyOnce(orphan);
    }

    @Test
    void aBadBodyFailsOnlyItsOwnSendAndTheRestKeepTheirOrder() {
        JsonNode answer = batch(aliceToken, conversation, List.of(item("ok-1", "first"),
                item("too-long", "x".repeat(MAX_BODY + 1)), item("blank", "   "), item("ok-2", "second")), HttpStatus.OK);

        JsonNode results = answer.path("results");
        assertThat(results.get(0).path("message").path("seq").asLong()).isEqualTo(1);
        assertThat(results.get(1).path("problem").path("status").asInt()).isEqualTo(400);
        assertThat(results.get(1).path("problem").path("detail").asString()).isNotBlank();
        assertThat(results.get(2).path("problem").path("status").asInt()).isEqualTo(400);
        assertThat(results.get(3).path("message").path("seq").asLong()).isEqualTo(2);
    }

    @Test
    void aNonMemberAndAnotherTenantAreRefusedTheWholeBatchAndNothingIsStored() {
        String mallory = TestInfrastructure.tokens().mint("mallory-" + UUID.randomUUID(), TENANT);
        String foreign = TestInfrastructure.tokens().mint(alice, "another-tenant");
        List<Map<String, String>> sends = List.of(item("x-1", largest("x")), item("x-2", largest("y")));

        problem(batchRequest(mallory, conversation, sends), HttpStatus.NOT_FOUND);
        problem(batchRequest(foreign, conversation, sends), HttpStatus.NOT_FOUND);
        assertThat(history(aliceToken, "afterSeq=0").path("messages")).isEmpty();
    }

    @Test
    void aMalformedListIsAProblemNamingIt() {
        problem(batchRequest(aliceToken, conversation, List.of()), HttpStatus.BAD_REQUEST);
        problem(batchRequest(aliceToken, conversation, IntStream.range(0, MAX_SENDS + 1)
                .mapToObj(i -> item("m-" + i, "hi")).toList()), HttpStatus.BAD_REQUEST);
        problem(batchRequest(aliceToken, conversation, List.of(item("not an id!", "hi"))), HttpStatus.BAD_REQUEST);
        problem(http.post().uri("/internal/v1/conversations/{id}/messages/batch", conversation)
                .header("Authorization", "Bearer " + aliceToken).contentType(MediaType.APPLICATION_NDJSON)
                .bodyValue("{\"clientMsgId\": \"ok\", \"body\": \"hi\"}\nnot json\n"), HttpStatus.BAD_REQUEST);
        problem(batchRequest(aliceToken, conversation, List.of(Map.of("clientMsgId", "no-body"))), HttpStatus.BAD_REQUEST);
        assertThat(history(aliceToken, "afterSeq=0").path("messages")).isEmpty();
    }

    /** The answer's lines as {@code {"results": [...]}}. */
    private JsonNode batch(String token, String conversationId, List<Map<String, String>> sends, HttpStatus expected) {
        byte[] body = batchRequest(token, conversationId, sends).exchange().expectStatus().isEqualTo(expected)
                .expectBody().returnResult().getResponseBody();
        return json.readTree("{\"results\":[" + String.join(",", new String(body, StandardCharsets.UTF_8).strip()
                .split("\n")) + "]}");
    }

    private Mono<String> batchAsync(String token, List<Map<String, String>> sends) {
        return org.springframework.web.reactive.function.client.WebClient.create("http://localhost:" + port)
                .post().uri("/internal/v1/conversations/{id}/messages/batch", conversation)
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_NDJSON)
                .bodyValue(ndjson(sends))
                .retrieve().bodyToMono(String.class);
    }

    private static List<List<Map<String, String>>> batches(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(b -> IntStream.range(0, 20)
                .mapToObj(i -> item(prefix + "-" + b + "-" + i, prefix + " " + b + " " + i)).toList()).toList();
    }

    private static List<String> ids(List<List<Map<String, String>>> batches) {
        return batches.stream().flatMap(List::stream).map(send -> send.get("clientMsgId")).toList();
    }

    private static Map<String, String> item(String clientMsgId, String body) {
        return Map.of("clientMsgId", clientMsgId, "body", body);
    }

    private static String largest(String prefix) {
        return (prefix + " ").repeat(MAX_BODY).substring(0, MAX_BODY);
    }
}
