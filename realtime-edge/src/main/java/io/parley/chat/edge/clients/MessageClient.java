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

    /**
     * Entries per streamed history request. Each entry is decoded on its own, so this bounds
     * round trips, not memory: 10,000 missed entries are 20 requests.
     */
    static final int STREAM_PAGE = 500;
    /**
     * The largest single entry the stream decoder takes: a body of message-service's
     * largest allowed length (100,000 code points of four UTF-8 bytes each) with its fields.
     */
    static final int MAX_ENTRY_BYTES = 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long a streamed read may go without an entry once it started. Longer than a
     * replay waits for room on a slow socket ({@code ChatSocketHandler}), since an entry
     * that is not asked for is not sent.
     */
    private static final Duration STALL = Duration.ofSeconds(45);

    private final WebClient http;
    private final WebClient streams;
    private final JsonMapper json;

    MessageClient(WebClient.Builder builder, EdgeProperties properties, JsonMapper json) {
        this.http = builder.clone().baseUrl(properties.messageServiceUrl().toString()).build();
        this.streams = builder.clone().baseUrl(properties.messageServiceUrl().toString())
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(MAX_ENTRY_BYTES))
                .build();
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

    /**
     * Every entry after {@code afterSeq}, in seq order, to the end of the log: streamed
     * requests of {@value #STREAM_PAGE} entries one after another, each going on from the
     * last seq the previous one gave, until one gives fewer. Entries come as they are asked
     * for, so memory is bounded by the reader's demand whatever the history's length or its
     * bodies' size.
     */
    public Flux<StoredMessage> historyAfter(String token, String conversationId, long afterSeq) {
        return Flux.defer(() -> {
            long[] last = {afterSeq};
            int[] taken = {0};
            return Flux.defer(() -> {
                        taken[0] = 0;
                        return streamAfter(token, conversationId, last[0]);
                    })
                    .doOnNext(entry -> {
                        last[0] = entry.seq();
                        taken[0]++;
                    })
                    .repeat(() -> taken[0] == STREAM_PAGE);
        });
    }

    private Flux<StoredMessage> streamAfter(String token, String conversationId, long afterSeq) {
        return streams.get().uri("/internal/v1/conversations/{id}/messages?afterSeq={after}&limit={limit}",
                        conversationId, afterSeq, STREAM_PAGE)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .accept(MediaType.APPLICATION_NDJSON)
                .retrieve()
                .bodyToFlux(StoredMessage.class)
                .timeout(Mono.delay(TIMEOUT), entry -> Mono.delay(STALL))
                .onErrorMap(this::refusal);
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
