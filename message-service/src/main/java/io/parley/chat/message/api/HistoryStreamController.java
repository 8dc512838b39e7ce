package io.parley.chat.message.api;

import org.springframework.http.MediaType;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.kit.security.ChatPrincipal;
import io.parley.chat.message.MessageService;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import reactor.core.publisher.Flux;

/**
 * History as a stream, for the edge's replays: one entry per line (NDJSON), written as the
 * store's cursor yields it, so that neither side ever holds a whole page. A page of 200
 * entries whose bodies are 4,000 four-byte characters is 3.3 MB of JSON; the public
 * endpoint's single document made the edge's in-memory limit refuse resumes over ordinary
 * history. Here each entry is read on its own, at the pace the reader takes them.
 *
 * <p>Internal: the gateway never routes {@code /internal/**}. The caller's token is
 * checked for membership exactly as the public history is.
 */
@RestController
@Validated
class HistoryStreamController {

    /** The largest page of one request; a reader pages on from the last seq it got. */
    static final int MAX_LIMIT = 1000;

    private final MessageService messages;

    HistoryStreamController(MessageService messages) {
        this.messages = messages;
    }

    @GetMapping(path = "/internal/v1/conversations/{conversationId}/messages", produces = MediaType.APPLICATION_NDJSON_VALUE)
    Flux<MessageController.MessageView> streamAfter(ChatPrincipal caller,
            @PathVariable @Pattern(regexp = MessageController.ID_PATTERN) String conversationId,
            @RequestParam(defaultValue = "0") @PositiveOrZero long afterSeq,
            @RequestParam(defaultValue = "200") @Min(1) @Max(MAX_LIMIT) int limit) {
        return messages.streamAfter(caller, conversationId, afterSeq, limit).map(MessageController.MessageView::of);
    }
}
