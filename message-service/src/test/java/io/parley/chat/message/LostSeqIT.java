package io.parley.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

import com.mongodb.client.MongoClients;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;

import io.parley.chat.testkit.TestInfrastructure;
import tools.jackson.databind.JsonNode;

/** A seq taken by a sender that died before inserting becomes a tombstone after the grace period. */
class LostSeqIT extends RunningService {

    @Test
    void aSeqTakenButNeverStoredIsFilledWithATombstoneAndHistoryStaysDense() {
        send(aliceToken, conversation, "before", "first", HttpStatus.CREATED);
        takeSeqAndCrash();
        JsonNode after = send(aliceToken, conversation, "after", "third", HttpStatus.CREATED);
        assertThat(after.get("seq").asLong()).isEqualTo(3);

        JsonNode history = Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> history(aliceToken, "afterSeq=0"), h -> seqs(h).equals(List.of(1L, 2L, 3L)));
        JsonNode tombstone = history.get("messages").get(1);
        assertThat(tombstone.get("event").asString()).isEqualTo("tombstone");
        assertThat(tombstone.get("body").isNull()).isTrue();
        assertThat(tombstone.get("senderId").isNull()).isTrue();

        List<JsonNode> events = events(conversation, e -> e.stream().anyMatch(x -> x.get("seq").asLong() == 2));
        JsonNode published = events.stream().filter(e -> e.get("seq").asLong() == 2).findFirst().orElseThrow();
        assertThat(published.get("type").asString()).isEqualTo("MessageDeleted");
        assertThat(published.get("messageId").isNull()).isTrue();
    }

    /**
     * The other side of the same race: a sender stalled past the grace period, the sweeper
     * filled its seq, and then its insert arrives. The send must take the next seq, not
     * fail and not overwrite the tombstone.
     */
    @Test
    void aSendWhoseSeqWasFilledMeanwhileTakesTheNextOne() {
        send(aliceToken, conversation, "before", "first", HttpStatus.CREATED);
        fillSeqBehindTheCountersBack(2);

        JsonNode late = send(aliceToken, conversation, "late", "second try", HttpStatus.CREATED);

        assertThat(late.get("seq").asLong()).isEqualTo(3);
        JsonNode history = history(aliceToken, "afterSeq=0");
        assertThat(seqs(history)).containsExactly(1L, 2L, 3L);
        assertThat(history.get("messages").get(1).get("event").asString()).isEqualTo("tombstone");
        assertThat(history.get("messages").get(2).get("body").asString()).isEqualTo("second try");
        JsonNode repeat = send(aliceToken, conversation, "late", "second try", HttpStatus.OK);
        assertThat(repeat.get("seq").asLong()).isEqualTo(3);
        assertThat(events(conversation, e -> e.stream().anyMatch(x -> x.get("seq").asLong() == 3)))
                .filteredOn(e -> e.get("seq").asLong() == 3)
                .isNotEmpty()
                .allMatch(e -> "second try".equals(e.get("body").asString()));
    }

    /** A tombstone at {@code seq} that the counter does not know about yet: the next number it hands out is taken. */
    private void fillSeqBehindTheCountersBack(long seq) {
        try (var mongo = MongoClients.create(TestInfrastructure.mongo().uri("message"))) {
            String id = "tomb-" + conversation + "-" + seq;
            mongo.getDatabase("message").getCollection("messages").insertOne(new Document("_id", id)
                    .append("tenantId", TENANT).append("conversationId", conversation).append("seq", seq)
                    .append("event", "tombstone").append("clientMsgId", "~tombstone-" + id)
                    .append("createdAt", new java.util.Date()).append("published", true));
        }
    }

    /** What a send does up to the crash: the seq is taken on the counter, the insert never happens. */
    private void takeSeqAndCrash() {
        try (var mongo = MongoClients.create(TestInfrastructure.mongo().uri("message"))) {
            Document counter = mongo.getDatabase("message").getCollection("counters").findOneAndUpdate(
                    new Document("_id", conversation),
                    new Document("$inc", new Document("seq", 1L))
                            .append("$set", new Document("tenantId", TENANT).append("dirty", true)),
                    new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
            assertThat(counter.get("seq", Number.class).longValue()).isEqualTo(2);
        }
    }
}
