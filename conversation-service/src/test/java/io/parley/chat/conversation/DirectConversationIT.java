package io.parley.chat.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** One DIRECT conversation per pair and tenant, whoever asks and however often. */
class DirectConversationIT extends RunningService {

    @Test
    void creatingAgainInEitherDirectionReturnsTheExistingConversation() {
        String tenant = unique("t");
        String alice = unique("alice");
        String bob = unique("bob");

        String id = create(token(alice, tenant), direct(bob));

        post(token(alice, tenant), direct(bob)).expectStatus().isOk()
                .expectBody().jsonPath("$.id").isEqualTo(id).jsonPath("$.members.length()").isEqualTo(2);
        post(token(bob, tenant), direct(alice)).expectStatus().isOk()
                .expectBody().jsonPath("$.id").isEqualTo(id)
                .jsonPath("$.type").isEqualTo("DIRECT")
                .jsonPath("$.members[?(@.userId == '%s')].role".formatted(alice)).isEqualTo("owner")
                .jsonPath("$.members[?(@.userId == '%s')].role".formatted(bob)).isEqualTo("member");
    }

    @Test
    void samePairInAnotherTenantIsAnotherConversation() {
        String alice = unique("alice");
        String bob = unique("bob");
        String first = create(token(alice, unique("t")), direct(bob));
        String second = create(token(alice, unique("t")), direct(bob));
        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void concurrentCreationsOfThePairFromBothSidesYieldOneConversation() {
        String tenant = unique("t");
        String alice = unique("alice");
        String bob = unique("bob");
        WebClient client = WebClient.create("http://localhost:" + port);

        List<Map.Entry<HttpStatusCode, Map<String, Object>>> results = Flux.range(0, 8)
                .flatMap(i -> i % 2 == 0
                        ? createDirect(client, token(alice, tenant), bob)
                        : createDirect(client, token(bob, tenant), alice), 8)
                .collectList()
                .block(Duration.ofSeconds(60));

        assertThat(results).hasSize(8);
        assertThat(results).extracting(r -> r.getValue().get("id")).containsOnly(results.get(0).getValue().get("id"));
        assertThat(results).filteredOn(r -> r.getKey().value() == 201).hasSize(1);
        assertThat(results).filteredOn(r -> r.getKey().value() == 200).hasSize(7);
        assertThat(results).allSatisfy(r -> assertThat((List<?>) r.getValue().get("members")).hasSize(2));

        String id = (String) results.get(0).getValue().get("id");
        for (String user : List.of(alice, bob)) {
            get(token(user, tenant), "/api/v1/conversations").expectStatus().isOk()
                    .expectBody().jsonPath("$.items.length()").isEqualTo(1).jsonPath("$.items[0].id").isEqualTo(id);
            get(token(user, tenant), "/internal/v1/conversations/" + id + "/membership").expectStatus().isOk();
        }
    }

    @SuppressWarnings("unchecked")
    private static Mono<Map.Entry<HttpStatusCode, Map<String, Object>>> createDirect(WebClient client, String token,
                                                                                  String other) {
        return client.post().uri("/api/v1/conversations")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(direct(other))
                .exchangeToMono(response -> response.bodyToMono(Map.class)
                        .map(body -> Map.entry(response.statusCode(), (Map<String, Object>) body)));
    }

    @Test
    void directNeedsExactlyOneOtherMember() {
        String tenant = unique("t");
        String alice = unique("alice");
        post(token(alice, tenant), Map.of("type", "DIRECT", "memberIds", List.of(unique("b"), unique("c"))))
                .expectStatus().isBadRequest();
        post(token(alice, tenant), Map.of("type", "DIRECT", "memberIds", List.of(alice)))
                .expectStatus().isBadRequest();
        post(token(alice, tenant), Map.of("type", "DIRECT", "memberIds", List.of()))
                .expectStatus().isBadRequest();
    }
}
