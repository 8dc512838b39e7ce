package io.parley.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import com.mongodb.client.MongoClients;

import io.parley.chat.testkit.TestInfrastructure;
import tools.jackson.databind.JsonNode;

/** Edits and deletes are entries of their own, with their own seq, in history and on the topic. */
class EditDeleteIT extends RunningService {

    @Test
    void editIsANewEntryAndTheMessageShowsTheNewText() {
        JsonNode sent = send(aliceToken, conversation, "e1", "helo", HttpStatus.CREATED);
        JsonNode edit = edit(aliceToken, sent.get("seq").asLong(), "hello", HttpStatus.OK);
        assertThat(edit.get("event").asString()).isEqualTo("edited");
        assertThat(edit.get("seq").asLong()).isEqualTo(2);
        assertThat(edit.get("messageId").asString()).isEqualTo(sent.get("messageId").asString());
        assertThat(edit.get("body").asString()).isEqualTo("hello");

        JsonNode history = history(aliceToken, "afterSeq=0");
        assertThat(seqs(history)).containsExactly(1L, 2L);
        JsonNode original = history.get("messages").get(0);
        assertThat(original.get("body").asString()).isEqualTo("hello");
        assertThat(original.get("editedAt").isNull()).isFalse();
        assertThat(original.get("clientMsgId").asString()).isEqualTo("e1");

        List<JsonNode> events = events(conversation, e -> e.size() >= 2);
        assertThat(events).extracting(e -> e.get("type").asString()).containsExactly("MessageCreated", "MessageEdited");
        assertThat(events.get(1).get("seq").asLong()).isEqualTo(2);
    }

    @Test
    void deleteRemovesTheTextFromStorageAndIsANewEntry() {
        JsonNode sent = send(aliceToken, conversation, "d1", "secret plans", HttpStatus.CREATED);
        edit(aliceToken, 1, "more secret plans", HttpStatus.OK);
        JsonNode deleted = delete(aliceToken, sent.get("seq").asLong(), HttpStatus.OK);
        assertThat(deleted.get("event").asString()).isEqualTo("deleted");
        assertThat(deleted.get("seq").asLong()).isEqualTo(3);
        assertThat(deleted.get("body").isNull()).isTrue();

        JsonNode history = history(aliceToken, "afterSeq=0");
        assertThat(seqs(history)).containsExactly(1L, 2L, 3L);
        history.get("messages").forEach(entry -> assertThat(entry.get("body").isNull()).as(entry.toString()).isTrue());
        try (var mongo = MongoClients.create(TestInfrastructure.mongo().uri("message"))) {
            List<Document> stored = mongo.getDatabase("message").getCollection("messages")
                    .find(new Document("conversationId", conversation)).into(new ArrayList<>());
            assertThat(stored).hasSize(3).allSatisfy(doc -> assertThat(doc).doesNotContainKey("body"));
        }
        assertThat(events(conversation, e -> e.size() >= 3)).extracting(e -> e.get("type").asString())
                .containsExactly("MessageCreated", "MessageEdited", "MessageDeleted");
        problem(patch(aliceToken, 1, "{\"body\":\"back from the dead\"}"), HttpStatus.NOT_FOUND);
    }

    @Test
    void onlyTheSenderEditsAndOnlyTheSenderOrAnAdminDeletes() {
        String bob = "bob-" + UUID.randomUUID();
        String admin = "admin-" + UUID.randomUUID();
        membership.addMember(TENANT, conversation, bob);
        membership.addMember(TENANT, conversation, admin, "admin");
        String bobToken = TestInfrastructure.tokens().mint(bob, TENANT);
        String adminToken = TestInfrastructure.tokens().mint(admin, TENANT);
        send(aliceToken, conversation, "o1", "alice's words", HttpStatus.CREATED);

        problem(patch(bobToken, 1, "{\"body\":\"bob's words\"}"), HttpStatus.FORBIDDEN);
        problem(patch(adminToken, 1, "{\"body\":\"admin's words\"}"), HttpStatus.FORBIDDEN);
        problem(http.delete().uri("/api/v1/conversations/{c}/messages/1", conversation)
                .header("Authorization", "Bearer " + bobToken), HttpStatus.FORBIDDEN);
        assertThat(delete(adminToken, 1, HttpStatus.OK).get("event").asString()).isEqualTo("deleted");
        assertThat(seqs(history(aliceToken, "afterSeq=0"))).containsExactly(1L, 2L);
    }

    @Test
    void rejectsBadEditsWithProblemDetails() {
        send(aliceToken, conversation, "b1", "fine", HttpStatus.CREATED);
        problem(patch(aliceToken, 1, "{\"body\":\"  \"}"), HttpStatus.BAD_REQUEST);
        problem(patch(aliceToken, 1, "{\"body\":\"" + "x".repeat(4001) + "\"}"), HttpStatus.BAD_REQUEST);
        problem(patch(aliceToken, 1, "{}"), HttpStatus.BAD_REQUEST);
        problem(patch(aliceToken, 99, "{\"body\":\"nothing there\"}"), HttpStatus.NOT_FOUND);
        problem(http.patch().uri("/api/v1/conversations/{c}/messages/abc", conversation)
                .header("Authorization", "Bearer " + aliceToken).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"body\":\"x\"}"), HttpStatus.BAD_REQUEST);
        String stranger = TestInfrastructure.tokens().mint("stranger-" + UUID.randomUUID(), TENANT);
        problem(patch(stranger, 1, "{\"body\":\"hi\"}"), HttpStatus.NOT_FOUND);
        assertThat(seqs(history(aliceToken, "afterSeq=0"))).containsExactly(1L);
    }

    private JsonNode edit(String token, long seq, String text, HttpStatus expected) {
        byte[] body = patch(token, seq, json.writeValueAsString(java.util.Map.of("body", text))).exchange()
                .expectStatus().isEqualTo(expected).expectBody().returnResult().getResponseBody();
        return json.readTree(body);
    }

    private JsonNode delete(String token, long seq, HttpStatus expected) {
        byte[] body = http.delete().uri("/api/v1/conversations/{c}/messages/{seq}", conversation, seq)
                .header("Authorization", "Bearer " + token).exchange()
                .expectStatus().isEqualTo(expected).expectBody().returnResult().getResponseBody();
        return json.readTree(body);
    }

    private org.springframework.test.web.reactive.server.WebTestClient.RequestHeadersSpec<?> patch(String token, long seq,
                                                                                                 String rawJson) {
        return http.patch().uri("/api/v1/conversations/{c}/messages/{seq}", conversation, seq)
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(rawJson);
    }
}
