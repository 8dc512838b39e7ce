package io.parley.chat.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.parley.chat.contracts.events.MessageEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.testkit.TestInfrastructure;
import tools.jackson.databind.json.JsonMapper;

/**
 * The conversation list's head, read marker and unread count after sends (MessageEvents on
 * chat.messages.v1, published here as message-service would), reads and removals.
 */
class UnreadCountsIT extends RunningService {

    private static final Duration BOUND = Duration.ofSeconds(20);

    @Autowired
    JsonMapper json;

    KafkaProducer<String, String> producer;
    String tenant;
    String alice;
    String bob;

    @BeforeEach
    void setUp() {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        tenant = unique("t");
        alice = unique("alice");
        bob = unique("bob");
    }

    @AfterEach
    void closeProducer() {
        producer.close(Duration.ofSeconds(5));
    }

    @Test
    void unreadFollowsSendsAndReadsAndNeverGoesBelowZero() {
        String id = create(token(alice, tenant), group("unread", bob));
        assertThat(line(bob, id)).containsEntry("headSeq", 0).containsEntry("readSeq", 0).containsEntry("unread", 0);

        send(id, 1, 2, 3);
        await().atMost(BOUND).untilAsserted(() -> assertThat(line(bob, id))
                .containsEntry("headSeq", 3).containsEntry("readSeq", 0).containsEntry("unread", 3));

        read(bob, id, 2).expectBody().jsonPath("$.readSeq").isEqualTo(2);
        assertThat(line(bob, id)).containsEntry("readSeq", 2).containsEntry("unread", 1);
        read(bob, id, 1).expectBody().jsonPath("$.readSeq").isEqualTo(2); // only forward
        assertThat(line(bob, id)).containsEntry("unread", 1);
        assertThat(line(alice, id)).containsEntry("unread", 3); // markers are per member

        send(id, 2, 3, 4); // redelivered and new: the head only moves forward
        await().atMost(BOUND).untilAsserted(() -> assertThat(line(bob, id))
                .containsEntry("headSeq", 4).containsEntry("unread", 2));

        read(bob, id, 9); // ahead of a head that lags the topic
        assertThat(line(bob, id)).containsEntry("readSeq", 9).containsEntry("unread", 0);
    }

    @Test
    void anUnreadableRecordAmongGoodOnesIsSkippedAndTheGoodOnesStillCount() {
        String id = create(token(alice, tenant), group("poison", bob));
        send(id, 1);
        producer.send(new ProducerRecord<>(Topics.MESSAGES, id, "{not json"));
        producer.send(new ProducerRecord<>(Topics.MESSAGES, id, "{\"conversationId\":\"" + id + "\",\"seq\":\"x\"}"));
        send(id, 2, 3);
        await().atMost(BOUND).untilAsserted(() -> assertThat(line(bob, id))
                .containsEntry("headSeq", 3).containsEntry("unread", 3));
    }

    @Test
    void aRemovedMemberLosesTheLineAndARejoinedOneStartsAtTheHead() {
        String id = create(token(alice, tenant), group("removal", bob));
        send(id, 1, 2);
        await().atMost(BOUND).untilAsserted(() -> assertThat(line(bob, id)).containsEntry("unread", 2));

        call("DELETE", token(alice, tenant), path(id) + "/members/" + bob, null).expectStatus().isNoContent();
        assertThat(ids(bob)).doesNotContain(id);
        read(bob, id, 2, 404);

        send(id, 3);
        await().atMost(BOUND).untilAsserted(() -> assertThat(line(alice, id)).containsEntry("headSeq", 3));
        call("POST", token(alice, tenant), path(id) + "/members", Map.of("userIds", List.of(bob)))
                .expectStatus().isOk();
        assertThat(line(bob, id)).containsEntry("headSeq", 3).containsEntry("readSeq", 3).containsEntry("unread", 0);

        send(id, 4);
        await().atMost(BOUND).untilAsserted(() -> assertThat(line(bob, id)).containsEntry("unread", 1));
    }

    @Test
    void listIsSortedByActivityAndPagedWithACursor() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(create(token(alice, tenant), group("c" + i, bob)));
        }
        String oldest = created.get(0);
        send(oldest, 1);
        await().atMost(BOUND).untilAsserted(() -> assertThat(ids(alice)).first().isEqualTo(oldest));

        List<String> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Map<String, Object> page = listPage(alice, "/api/v1/conversations?limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            ((List<?>) page.get("items")).forEach(item -> paged.add((String) ((Map<?, ?>) item).get("id")));
            cursor = (String) page.get("nextCursor");
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(pages).isEqualTo(3);
        assertThat(paged).isEqualTo(ids(alice)).hasSize(5).containsExactlyInAnyOrderElementsOf(created);
        assertThat(paged.get(0)).isEqualTo(oldest);
        List<Instant> times = lines(alice).stream().map(l -> Instant.parse((String) l.get("lastActivityAt"))).toList();
        assertThat(times).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }

    private void send(String conversationId, long... seqs) {
        for (long seq : seqs) {
            Instant now = Instant.now();
            MessageEvent event = new MessageEvent(UUID.randomUUID().toString(), MessageEvent.Type.MessageCreated,
                    tenant, conversationId, seq, UUID.randomUUID().toString(), alice, UUID.randomUUID().toString(),
                    "hello " + seq, now, null);
            producer.send(new ProducerRecord<>(Topics.MESSAGES, conversationId, json.writeValueAsString(event)));
        }
        producer.flush();
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec read(String user, String id,
                                                                                         long seq) {
        return call("PUT", token(user, tenant), path(id) + "/read", Map.of("seq", seq)).expectStatus().isOk();
    }

    private void read(String user, String id, long seq, int status) {
        call("PUT", token(user, tenant), path(id) + "/read", Map.of("seq", seq)).expectStatus().isEqualTo(status);
    }

    private Map<String, Object> line(String user, String id) {
        return lines(user).stream().filter(l -> id.equals(l.get("id"))).findFirst()
                .orElseThrow(() -> new AssertionError(id + " is not in the list of " + user));
    }

    private List<String> ids(String user) {
        return lines(user).stream().map(l -> (String) l.get("id")).toList();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> lines(String user) {
        return (List<Map<String, Object>>) listPage(user, "/api/v1/conversations?limit=200").get("items");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> listPage(String user, String path) {
        return get(token(user, tenant), path).expectStatus().isOk().expectBody(Map.class).returnResult()
                .getResponseBody();
    }
}
