package io.parley.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.TestPropertySource;

import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

import io.parley.chat.testkit.TestInfrastructure;
import tools.jackson.databind.JsonNode;

/**
 * Another replica dies mid-send, leaving a seq taken and never stored and an entry stored
 * and never published, and its heartbeat goes stale. With the periodic read of the log an
 * hour away, this replica must notice the silence and clean up within seconds: the hole
 * becomes a tombstone and the entry is published.
 *
 * <p>A database of its own: the other ITs' replicas (their contexts stay cached) would
 * otherwise see the dead heartbeat too, and sweep, since they read the log every 2 s.
 */
@TestPropertySource(properties = {"chat.message.full-sweep-interval=1h", "chat.message.replica-timeout=1s",
        "spring.mongodb.database=" + ReplicaLossIT.DB})
class ReplicaLossIT extends RunningService {

    static final String DB = "message-replica-loss";

    /** This replica's own startup alert (2 x grace + 3 x sweep interval) is over by then. */
    private static final Duration STARTUP_ALERT = Duration.ofMillis(2 * 1000 + 3 * 250 + 500);

    @Test
    void whatADeadReplicaLeftIsTombstonedAndPublishedSoonAfterItsHeartbeatStops() {
        send(aliceToken, conversation, "before", "first", HttpStatus.CREATED);
        Awaitility.await().pollDelay(STARTUP_ALERT).until(() -> true);

        String orphan = UUID.randomUUID().toString();
        String deadReplica = "dead-" + UUID.randomUUID();
        try (var client = MongoClients.create(TestInfrastructure.mongo().uri(DB))) {
            MongoDatabase db = client.getDatabase(DB);
            Date longAgo = Date.from(Instant.now().minusSeconds(60));
            // seq 2: taken and never stored; seq 3: stored, never published; then the replica died
            db.getCollection("counters").updateOne(new Document("_id", conversation),
                    new Document("$inc", new Document("seq", 2L)).append("$set", new Document("dirty", true)));
            db.getCollection("messages").insertOne(new Document("_id", orphan).append("messageId", orphan)
                    .append("tenantId", TENANT).append("conversationId", conversation).append("seq", 3L)
                    .append("event", "created").append("senderId", alice).append("clientMsgId", "orphan")
                    .append("body", "left behind").append("createdAt", longAgo).append("published", false));
            db.getCollection("message_replicas").insertOne(new Document("_id", deadReplica).append("seenAt", longAgo));
        }

        JsonNode history = Awaitility.await("the hole tombstoned").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> history(aliceToken, "afterSeq=0"), h -> seqs(h).equals(List.of(1L, 2L, 3L)));
        assertThat(history.get("messages").get(1).get("event").asString()).isEqualTo("tombstone");
        assertThat(history.get("messages").get(2).get("body").asString()).isEqualTo("left behind");
        List<JsonNode> events = events(conversation, e -> e.stream().anyMatch(x -> x.get("seq").asLong() == 3));
        assertThat(events).filteredOn(e -> e.get("seq").asLong() == 3).isNotEmpty()
                .allMatch(e -> "left behind".equals(e.get("body").asString()));
        try (var client = MongoClients.create(TestInfrastructure.mongo().uri(DB))) {
            var heartbeats = client.getDatabase(DB).getCollection("message_replicas");
            assertThat(heartbeats.countDocuments(new Document("_id", deadReplica))).as("the dead replica's heartbeat").isZero();
            assertThat(heartbeats.countDocuments()).as("this replica's own heartbeat, in this database").isOne();
        }
        assertThat(metric("chat_message_replicas_lost_total")).isGreaterThanOrEqualTo(1);
    }

    private double metric(String name) {
        String scrape = new String(http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody(), java.nio.charset.StandardCharsets.UTF_8);
        return scrape.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in the scrape"));
    }
}
