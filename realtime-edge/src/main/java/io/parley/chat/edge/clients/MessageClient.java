package io.parley.chat.edge.clients;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

import io.parley.chat.contracts.frames.ErrorCode;
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
    /** The most sends of one batch (message-service's SendBatchController.MAX_SENDS). */
    public static final int MAX_BATCH = 100;
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

    /**
     * Several sends of the token's user to one conversation, stored in the order given
     * (message-service's batch endpoint). Answers one outcome per send, in order; a refusal
     * of the whole request (not a member, message-service unreachable) is every send's.
     */
    public Mono<List<SendOutcome>> sendAll(String token, String conversationId, List<Outgoing> sends) {
        // NDJSON both ways, one send or result per line: a batch of the largest bodies is larger
        // than message-service takes as one document
        return streams.post().uri("/internal/v1/conversations/{id}/messages/batch", conversationId)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_NDJSON)
                .accept(MediaType.APPLICATION_NDJSON)
                .body(BodyInserters.fromPublisher(Flux.fromIterable(sends), Outgoing.class))
                .retrieve()
                .bodyToFlux(BatchResult.class)
                .collectList()
                .timeout(TIMEOUT)
                .map(results -> outcomes(results, sends.size()))
                .onErrorResume(e -> {
                    UpstreamRefusal refusal = UpstreamRefusal.of(e, json, "message-service");
                    return Mono.just(sends.stream().map(send -> new SendOutcome(null, refusal)).toList());
                });
    }

    private static List<SendOutcome> outcomes(List<BatchResult> results, int expected) {
        List<SendOutcome> outcomes = new ArrayList<>(expected);
        for (int i = 0; i < expected; i++) {
            BatchResult result = i < results.size() ? results.get(i) : null;
            if (result != null && result.message() != null) {
                outcomes.add(new SendOutcome(result.message(), null));
            } else if (result != null && result.problem() != null) {
                outcomes.add(new SendOutcome(null, UpstreamRefusal.fromStatus(result.problem().status(),
                        result.problem().detail())));
            } else {
                outcomes.add(new SendOutcome(null, new UpstreamRefusal(ErrorCode.UNAVAILABLE,
                        "message-service gave no answer for this send; retry with the same clientMsgId.")));
            }
        }
        return outcomes;
    }

    /** One send of {@link #sendAll}. */
    public record Outgoing(String clientMsgId, String body) {
    }

    /** What became of one send: the stored message, or the refusal a client sees. */
    public record SendOutcome(StoredMessage message, UpstreamRefusal refusal) {
    }

    record BatchResult(StoredMessage message, Problem problem) {
    }

    record Problem(int status, String detail) {
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
                .map(page -> page.entries().isEmpty() ? 0L : page.entries().get(page.entries().size() - 1).seq());
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

    /** {@code items}, or {@code messages} from a message-service older than the shared page envelope. */
    record HistoryPage(List<StoredMessage> items, List<StoredMessage> messages) {
        List<StoredMessage> entries() {
            return items != null ? items : messages == null ? List.of() : messages;
        }
    }
}
