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
