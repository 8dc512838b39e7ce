package io.parley.chat.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

class ConversationLifecycleIT extends RunningService {

    @Test
    void createsGroupWithCallerAsOwnerAndReadsItBack() {
        String tenant = unique("t");
        String alice = unique("alice");
        String bob = unique("bob");
        String carol = unique("carol");

        var created = post(token(alice, tenant), group("Launch plan", bob, carol))
                .expectStatus().isCreated()
                .expectHeader().exists(HttpHeaders.LOCATION)
                .expectBody()
                .jsonPath("$.id").isNotEmpty()
                .jsonPath("$.type").isEqualTo("GROUP")
                .jsonPath("$.title").isEqualTo("Launch plan")
                .jsonPath("$.createdAt").isNotEmpty()
                .jsonPath("$.members.length()").isEqualTo(3)
                .jsonPath("$.members[?(@.userId == '%s')].role".formatted(alice)).isEqualTo("owner")
                .jsonPath("$.members[?(@.userId == '%s')].role".formatted(bob)).isEqualTo("member")
                .jsonPath("$.members[?(@.userId == '%s')].role".formatted(carol)).isEqualTo("member")
                .returnResult();
        String id = com.jayway.jsonpath.JsonPath.read(new String(created.getResponseBody()), "$.id");

        get(token(bob, tenant), "/api/v1/conversations/" + id).expectStatus().isOk()
                .expectBody()
                .jsonPath("$.id").isEqualTo(id)
                .jsonPath("$.title").isEqualTo("Launch plan")
                .jsonPath("$.members.length()").isEqualTo(3)
                .jsonPath("$.members[?(@.userId == '%s')].role".formatted(alice)).isEqualTo("owner");
    }

    @Test
    void leavesTheCallerOutOfMemberIdsInsteadOfAddingThemTwice() {
        String tenant = unique("t");
        String alice = unique("alice");
        String bob = unique("bob");

        post(token(alice, tenant), group("Pair", alice, bob)).expectStatus().isCreated()
                .expectBody()
                .jsonPath("$.members.length()").isEqualTo(2)
                .jsonPath("$.members[?(@.userId == '%s')].role".formatted(alice)).isEqualTo("owner");
    }

    @Test
    void createsChannelWithOnlyTheOwner() {
        String tenant = unique("t");
        String alice = unique("alice");

        post(token(alice, tenant), Map.of("type", "CHANNEL", "title", "announcements")).expectStatus().isCreated()
                .expectBody()
                .jsonPath("$.type").isEqualTo("CHANNEL")
                .jsonPath("$.members.length()").isEqualTo(1);
    }

    @Test
    void listsOnlyTheCallersConversationsNewestFirstUpToTheLimit() {
        String tenant = unique("t");
        String alice = unique("alice");
        String bob = unique("bob");
        String first = create(token(alice, tenant), group("first", bob));
        String second = create(token(alice, tenant), group("second"));
        String third = create(token(bob, tenant), direct(alice));
        create(token(bob, tenant), group("without alice"));

        List<Map<String, Object>> all = listOf(alice, tenant, "/api/v1/conversations");
        assertThat(all).extracting(c -> c.get("id")).containsExactlyInAnyOrder(first, second, third);
        assertThat(all).extracting(c -> Instant.parse((String) c.get("lastActivityAt")))
                .isSortedAccordingTo(Comparator.reverseOrder());
        assertThat(all).filteredOn(c -> c.get("id").equals(third)).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("type", "DIRECT").containsEntry("role", "member"));
        assertThat(all).filteredOn(c -> c.get("id").equals(second)).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("role", "owner"));

        assertThat(listOf(alice, tenant, "/api/v1/conversations?limit=2")).isEqualTo(all.subList(0, 2));
        assertThat(listOf(alice, unique("other-tenant"), "/api/v1/conversations")).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> listOf(String user, String tenant, String path) {
        return get(token(user, tenant), path).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody()
                .get("items") instanceof List<?> items ? items.stream().map(m -> (Map<String, Object>) m).toList()
                : List.of();
    }

    @Test
    void readinessIsUpWithMongoAndKafkaReachable() {
        http.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
    }
}
