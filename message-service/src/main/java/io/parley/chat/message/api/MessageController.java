package io.parley.chat.message.api;

import java.time.Instant;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.kit.page.Page;
import io.parley.chat.kit.problem.ChatProblem;
import io.parley.chat.kit.security.ChatPrincipal;
import io.parley.chat.message.HistoryCursor;
import io.parley.chat.message.Message;
import io.parley.chat.message.MessageService;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import reactor.core.publisher.Mono;

@RestController
@Validated
@RequestMapping("/api/v1/conversations/{conversationId}/messages")
class MessageController {

    static final String ID_PATTERN = "[A-Za-z0-9_-]{1,64}";

    private final MessageService messages;

    MessageController(MessageService messages) {
        this.messages = messages;
    }

    /** Idempotent send: 201 the first time, 200 with the same message on a repeat of the clientMsgId. */
    @PostMapping
    Mono<ResponseEntity<MessageView>> send(ChatPrincipal caller,
                                           @PathVariable @Pattern(regexp = ID_PATTERN) String conversationId,
                                           @Valid @RequestBody SendRequest request) {
        return messages.send(caller, conversationId, request.clientMsgId(), request.body())
                .map(result -> ResponseEntity.status(result.created() ? HttpStatus.CREATED : HttpStatus.OK)
                        .body(MessageView.of(result.message())));
    }

    /**
     * A page of history: from {@code afterSeq} forward, or the newest (below {@code beforeSeq});
     * {@code cursor}, a page's {@code nextCursor}, goes on where that page left off, in its
     * direction, and names no starting point of its own.
     */
    @GetMapping
    Mono<HistoryView> history(ChatPrincipal caller,
                              @PathVariable @Pattern(regexp = ID_PATTERN) String conversationId,
                              @RequestParam(required = false) @PositiveOrZero Long afterSeq,
                              @RequestParam(required = false) @Min(1) Long beforeSeq,
                              @RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit,
                              @RequestParam(required = false) String cursor) {
        HistoryCursor from = HistoryCursor.decode(cursor, conversationId);
        if (from != null && (afterSeq != null || beforeSeq != null)) {
            throw new ChatProblem(HttpStatus.BAD_REQUEST, "invalid-request",
                    "Pass either 'cursor' or 'afterSeq'/'beforeSeq', not both: a cursor carries its own window.");
        }
        return messages.history(caller, conversationId, from == null ? afterSeq : from.afterSeq(),
                        from == null ? beforeSeq : from.beforeSeq(), limit)
                .map(page -> HistoryView.of(conversationId, page.map(MessageView::of)));
    }

    /** Edits the caller's own message; answers with the edit entry (its own seq). */
    @PatchMapping("/{seq}")
    Mono<MessageView> edit(ChatPrincipal caller, @PathVariable @Pattern(regexp = ID_PATTERN) String conversationId,
                           @PathVariable @Min(1) long seq, @Valid @RequestBody EditRequest request) {
        return messages.edit(caller, conversationId, seq, request.body()).map(MessageView::of);
    }

    /** Deletes a message (own, or any as owner/admin); answers with the delete entry (its own seq). */
    @DeleteMapping("/{seq}")
    Mono<MessageView> delete(ChatPrincipal caller, @PathVariable @Pattern(regexp = ID_PATTERN) String conversationId,
                             @PathVariable @Min(1) long seq) {
        return messages.delete(caller, conversationId, seq).map(MessageView::of);
    }

    record EditRequest(@NotNull String body) {
    }

    record SendRequest(
            @NotBlank @Pattern(regexp = ID_PATTERN, message = "must be 1 to 64 letters, digits, '-' or '_'") String clientMsgId,
            @NotNull String body) {
    }

    record MessageView(String messageId, String conversationId, long seq, String event, String senderId,
                       String clientMsgId, String body, Instant createdAt, Instant editedAt) {
        static MessageView of(Message m) {
            return new MessageView(m.messageId(), m.conversationId(), m.seq(), m.event(), m.senderId(),
                    m.clientMsgId(), m.body(), m.createdAt(), m.editedAt());
        }
    }

    /**
     * The shared page envelope ({@code items}, {@code nextCursor}) with, for this version,
     * the deprecated {@code messages} (the same entries) and {@code hasMore} ({@code nextCursor}
     * not null).
     */
    record HistoryView(String conversationId, List<MessageView> items, String nextCursor,
                       @Deprecated List<MessageView> messages, @Deprecated boolean hasMore) {
        static HistoryView of(String conversationId, Page<MessageView> page) {
            return new HistoryView(conversationId, page.items(), page.nextCursor(), page.items(),
                    page.nextCursor() != null);
        }
    }
}
