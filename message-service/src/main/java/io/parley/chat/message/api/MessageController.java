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

import io.parley.chat.kit.security.ChatPrincipal;
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

    @GetMapping
    Mono<HistoryView> history(ChatPrincipal caller,
                              @PathVariable @Pattern(regexp = ID_PATTERN) String conversationId,
                              @RequestParam(required = false) @PositiveOrZero Long afterSeq,
                              @RequestParam(required = false) @Min(1) Long beforeSeq,
                              @RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
        return messages.history(caller, conversationId, afterSeq, beforeSeq, limit)
                .map(page -> new HistoryView(conversationId, page.messages().stream().map(MessageView::of).toList(),
                        page.hasMore()));
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

    record HistoryView(String conversationId, List<MessageView> messages, boolean hasMore) {
    }
}
