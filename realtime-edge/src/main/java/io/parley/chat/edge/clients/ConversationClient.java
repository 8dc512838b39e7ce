package io.parley.chat.edge.clients;

import java.time.Duration;
import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

import io.parley.chat.edge.config.EdgeProperties;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** conversation-service as the edge uses it, with the socket user's token. */
@Component
public class ConversationClient {

    /** The largest page conversation-service serves. */
    static final int PAGE = 200;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final WebClient http;
    private final JsonMapper json;

    ConversationClient(WebClient.Builder builder, EdgeProperties properties, JsonMapper json) {
        this.http = builder.baseUrl(properties.conversationServiceUrl().toString()).build();
        this.json = json;
    }

    /** The ids of the user's conversations, newest activity first, at most {@code max} of them. */
    public Flux<String> conversationIds(String token, int max) {
        return page(token, null)
                .expand(page -> page.nextCursor() == null || page.items() == null || page.items().isEmpty()
                        ? Mono.empty() : page(token, page.nextCursor()))
                .concatMapIterable(page -> page.items() == null ? List.<Item>of() : page.items())
                .map(Item::id)
                .take(max);
    }

    private Mono<Page> page(String token, String cursor) {
        return http.get().uri(uri -> {
                    uri.path("/api/v1/conversations").queryParam("limit", PAGE);
                    if (cursor != null) {
                        uri.queryParam("cursor", "{cursor}");
                    }
                    return cursor == null ? uri.build() : uri.build(cursor);
                })
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .retrieve()
                .bodyToMono(Page.class)
                .timeout(TIMEOUT)
                .onErrorMap(e -> UpstreamRefusal.of(e, json, "conversation-service"));
    }

    record Page(List<Item> items, String nextCursor) {
    }

    record Item(String id) {
    }
}
