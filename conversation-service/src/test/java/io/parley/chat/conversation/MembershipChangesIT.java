package io.parley.chat.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import io.parley.chat.contracts.events.ConversationEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.testkit.TestInfrastructure;
import tools.jackson.databind.json.JsonMapper;

/** Adding, removing, leaving, roles and title changes, and the events each publishes. */
class MembershipChangesIT extends RunningService {

    @Autowired
    JsonMapper json;

    String tenant;
    String owner;
    String bob;
    String carol;
    String id;

    @BeforeEach
    void groupOfOwnerAndBob() {
        tenant = unique("t");
        owner = unique("owner");
        bob = unique("bob");
        carol = unique("carol");
        id = create(token(owner, tenant), group("team", bob));
    }

    @Test
    void ownerAddsAndRemovesAMemberAndEachChangeIsPublishedToTheAffectedUsers() {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            call("POST", token(owner, tenant), path(id) + "/members", Map.of("userIds", List.of(carol, bob)))
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.members.length()").isEqualTo(3)
                    .jsonPath("$.members[?(@.userId == '%s')].role".formatted(carol)).isEqualTo("member");
            get(token(carol, tenant), membershipPath()).expectStatus().isOk();

            call("DELETE", token(owner, tenant), path(id) + "/members/" + carol, null).expectStatus().isNoContent();
            get(token(carol, tenant), membershipPath()).expectStatus().isNotFound();
            get(token(carol, tenant), path(id)).expectStatus().isNotFound();

            List<ConversationEvent> events = awaitEvents(consumer, id, 3);
            assertThat(events).extracting(ConversationEvent::type).containsExactly(
                    ConversationEvent.Type.ConversationCreated, ConversationEvent.Type.MemberAdded,
                    ConversationEvent.Type.MemberRemoved);
            assertThat(events.get(1).userIds()).containsExactly(carol); // bob was a member already
            assertThat(events.get(1).role()).isEqualTo("member");
            assertThat(events.get(2).userIds()).containsExactly(carol);
            assertThat(events.get(2).tenantId()).isEqualTo(tenant);
        }
    }

    @Test
    void memberLeavesButTheLastOwnerMustHandOwnershipOverFirst() {
        call("DELETE", token(bob, tenant), path(id) + "/members/" + bob, null).expectStatus().isNoContent();
        get(token(bob, tenant), membershipPath()).expectStatus().isNotFound();

        call("DELETE", token(owner, tenant), path(id) + "/members/" + owner, null)
                .expectStatus().isEqualTo(409)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://parley.dev/problems/last-owner");
        call("PATCH", token(owner, tenant), path(id) + "/members/" + owner, Map.of("role", "member"))
                .expectStatus().isEqualTo(409);

        call("POST", token(owner, tenant), path(id) + "/members", Map.of("userIds", List.of(carol)))
                .expectStatus().isOk();
        call("PATCH", token(owner, tenant), path(id) + "/members/" + carol, Map.of("role", "owner"))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.role").isEqualTo("owner");
        call("DELETE", token(owner, tenant), path(id) + "/members/" + owner, null).expectStatus().isNoContent();
        get(token(carol, tenant), path(id)).expectStatus().isOk()
                .expectBody().jsonPath("$.members.length()").isEqualTo(1);
    }

    @Test
    void adminManagesMembersAndTitleButNotOwnersOrRoles() {
        call("POST", token(owner, tenant), path(id) + "/members", Map.of("userIds", List.of(carol), "role", "admin"))
                .expectStatus().isOk();
        String dave = unique("dave");
        call("POST", token(carol, tenant), path(id) + "/members", Map.of("userIds", List.of(dave)))
                .expectStatus().isOk();
        call("DELETE", token(carol, tenant), path(id) + "/members/" + dave, null).expectStatus().isNoContent();
        call("PATCH", token(carol, tenant), path(id), Map.of("title", "renamed", "settings", Map.of("muted", "true")))
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.title").isEqualTo("renamed")
                .jsonPath("$.settings.muted").isEqualTo("true");

        call("DELETE", token(carol, tenant), path(id) + "/members/" + owner, null).expectStatus().isForbidden();
        call("PATCH", token(carol, tenant), path(id) + "/members/" + bob, Map.of("role", "admin"))
                .expectStatus().isForbidden();
        call("POST", token(carol, tenant), path(id) + "/members", Map.of("userIds", List.of(dave), "role", "owner"))
                .expectStatus().isForbidden();
    }

    @Test
    void titleChangeIsPublishedAsConversationUpdated() {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            call("PATCH", token(owner, tenant), path(id), Map.of("title", "new title")).expectStatus().isOk();
            List<ConversationEvent> events = awaitEvents(consumer, id, 2);
            assertThat(events.get(1).type()).isEqualTo(ConversationEvent.Type.ConversationUpdated);
            assertThat(events.get(1).userIds()).isEmpty();
        }
        get(token(bob, tenant), path(id)).expectStatus().isOk().expectBody().jsonPath("$.title").isEqualTo("new title");
    }

    @Test
    void anyoneInTheTenantJoinsAChannelButNotAGroup() {
        String channel = create(token(owner, tenant), Map.of("type", "CHANNEL", "title", "news"));
        // tenant-visible: carol finds it in the directory and reads it before joining; another tenant does not
        get(token(carol, tenant), "/api/v1/conversations/channels?query=NE").expectStatus().isOk()
                .expectBody().jsonPath("$.items[?(@.id == '" + channel + "')].title").isEqualTo("news");
        get(token(carol, tenant), path(channel)).expectStatus().isOk();
        get(token(carol, unique("t")), "/api/v1/conversations/channels?query=news").expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(0).jsonPath("$.nextCursor").isEmpty();
        get(token(carol, tenant), "/api/v1/conversations/channels?query=" + "x".repeat(129)).expectStatus().isBadRequest();
        call("POST", token(carol, tenant), path(channel) + "/members", Map.of("userIds", List.of(carol)))
                .expectStatus().isOk();
        get(token(carol, tenant), "/internal/v1/conversations/" + channel + "/membership").expectStatus().isOk()
                .expectBody().jsonPath("$.role").isEqualTo("member");

        String dave = unique("dave");
        call("POST", token(dave, tenant), path(channel) + "/members", Map.of("userIds", List.of(dave, unique("x"))))
                .expectStatus().isForbidden();
        call("POST", token(dave, tenant), path(id) + "/members", Map.of("userIds", List.of(dave)))
                .expectStatus().isNotFound();
        call("POST", token(dave, unique("t")), path(channel) + "/members", Map.of("userIds", List.of(dave)))
                .expectStatus().isNotFound();
    }

    @Test
    void directConversationsKeepTheirPair() {
        String direct = create(token(owner, tenant), direct(bob));
        call("POST", token(owner, tenant), path(direct) + "/members", Map.of("userIds", List.of(carol)))
                .expectStatus().isEqualTo(409);
        call("DELETE", token(bob, tenant), path(direct) + "/members/" + bob, null).expectStatus().isEqualTo(409);
        call("PATCH", token(owner, tenant), path(direct), Map.of("title", "x")).expectStatus().isEqualTo(409);
    }

    @Test
    void removingSomeoneWhoIsNotAMemberIs404() {
        call("DELETE", token(owner, tenant), path(id) + "/members/" + carol, null)
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.type").isEqualTo("https://parley.dev/problems/member-not-found");
    }

    private String membershipPath() {
        return "/internal/v1/conversations/" + id + "/membership";
    }

    static KafkaConsumer<String, String> consumer() {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(Topics.CONVERSATIONS));
        return consumer;
    }

    List<ConversationEvent> awaitEvents(KafkaConsumer<String, String> consumer, String key, int count) {
        return awaitEvents(json, consumer, key, count);
    }

    static List<ConversationEvent> awaitEvents(JsonMapper json, KafkaConsumer<String, String> consumer, String key,
                                               int count) {
        List<ConversationEvent> events = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (events.size() < count && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(250))) {
                if (key.equals(record.key())) {
                    events.add(json.readValue(record.value(), ConversationEvent.class));
                }
            }
        }
        assertThat(events).as("events keyed %s", key).hasSize(count);
        return events;
    }
}
