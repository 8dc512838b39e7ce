package io.parley.chat.edge.clients;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

import io.parley.chat.edge.config.EdgeProperties;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * message-service as the edge uses it, always with the socket user's token, so that
 * message-service authorizes every send and every history read as that user.
 */
@Component
public class MessageClient {

    /** The largest page message-service serves. */
    static final int PAGE = 200;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final WebClient http;
    private final JsonMapper json;

    MessageClient(WebClient.Builder builder, EdgeProperties properties, JsonMapper json) {
        this.http = builder.baseUrl(properties.messageServiceUrl().toString()).build();
        this.json = json;
    }

    public Mono<StoredMessage> send(String token, String conversationId, String clientMsgId, String body) {
        return http.post().uri("/api/v1/conversations/{id}/messages", conversationId)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("clientMsgId", clientMsgId, "body", body))
                .retrieve()
                .bodyToMono(StoredMessage.class)
                .timeout(TIMEOUT)
                .onErrorMap(this::refusal);
    }

    /** Every entry after {@code afterSeq}, in seq order, page by page until the end of the log. */
    public Flux<StoredMessage> historyAfter(String token, String conversationId, long afterSeq) {
        return page(token, conversationId, "afterSeq=" + afterSeq + "&limit=" + PAGE)
                .expand(page -> page.hasMore() && !page.messages().isEmpty()
                        ? page(token, conversationId, "afterSeq=" + page.messages().get(page.messages().size() - 1).seq()
                        + "&limit=" + PAGE)
                        : Mono.empty())
                .concatMapIterable(HistoryPage::messages);
    }

    /** The newest seq of the conversation, 0 when it has none. */
    public Mono<Long> headSeq(String token, String conversationId) {
        return page(token, conversationId, "limit=1")
                .map(page -> page.messages().isEmpty() ? 0L : page.messages().get(page.messages().size() - 1).seq());
    }

    private Mono<HistoryPage> page(String token, String conversationId, String query) {
        return http.get().uri("/api/v1/conversations/" + conversationId + "/messages?" + query)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .retrieve()
                .bodyToMono(HistoryPage.class)
                .timeout(TIMEOUT)
                .onErrorMap(this::refusal);
    }

    private Throwable refusal(Throwable e) {
        return UpstreamRefusal.of(e, json, "message-service");
    }

    record HistoryPage(String conversationId, List<StoredMessage> messages, boolean hasMore) {
    }
}
