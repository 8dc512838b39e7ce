package io.parley.chat.message.api;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.kit.problem.ChatProblem;
import io.parley.chat.kit.problem.ProblemFields;
import io.parley.chat.kit.security.ChatPrincipal;
import io.parley.chat.message.MessageService;
import io.parley.chat.message.MessageService.SendOutcome;
import io.parley.chat.message.MessageService.SendRequest;
import jakarta.validation.constraints.Pattern;
import reactor.core.publisher.Flux;

/**
 * Several sends of one user to one conversation in one request, stored in the order given
 * (their seqs rise in that order): the edge's pipeline for one socket, which keeps several
 * of its sends in flight without letting them overtake each other. Both ways are NDJSON,
 * one send or result per line. Answers 200 with one result per send, in order, each the
 * stored message (as the public send answers it) or the problem that send alone met; a
 * refusal of the whole request (not a member, no such conversation, a malformed list) is
 * an ordinary problem response, and nothing is stored.
 *
 * <p>Internal: the gateway never routes {@code /internal/**}. The caller's token is
 * checked for membership exactly as the public send is.
 */
@RestController
@Validated
class SendBatchController {

    /** The most sends of one request. */
    static final int MAX_SENDS = 100;
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile(MessageController.ID_PATTERN);

    private final MessageService messages;

    SendBatchController(MessageService messages) {
        this.messages = messages;
    }

    @PostMapping(path = "/internal/v1/conversations/{conversationId}/messages/batch",
            consumes = MediaType.APPLICATION_NDJSON_VALUE, produces = MediaType.APPLICATION_NDJSON_VALUE)
    Flux<ResultView> sendAll(ChatPrincipal caller,
                             @PathVariable @Pattern(regexp = MessageController.ID_PATTERN) String conversationId,
                             @RequestBody Flux<Item> sends) {
        // one send per line, each decoded on its own under the services' 64 KB limit: a
        // batch of the largest bodies is 1.6 MB, which no single document may be here
        return sends.take(MAX_SENDS + 1).collectList()
                .map(SendBatchController::checked)
                .flatMapMany(batch -> messages.sendAll(caller, conversationId, batch))
                .map(SendBatchController::view);
    }

    /** The whole list is refused, nothing stored, unless it is 1 to {@value #MAX_SENDS} well-formed sends. */
    private static List<SendRequest> checked(List<Item> items) {
        if (items.isEmpty() || items.size() > MAX_SENDS) {
            throw new ChatProblem(HttpStatus.BAD_REQUEST, "invalid-request",
                    "Send 1 to " + MAX_SENDS + " sends, one JSON object per line.");
        }
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            if (item == null || item.clientMsgId() == null || !ID.matcher(item.clientMsgId()).matches()) {
                throw new ChatProblem(HttpStatus.BAD_REQUEST, "invalid-request",
                        "Send " + (i + 1) + ": 'clientMsgId' must be 1 to 64 letters, digits, '-' or '_'.");
            }
            if (item.body() == null) {
                throw new ChatProblem(HttpStatus.BAD_REQUEST, "invalid-request", "Send " + (i + 1) + ": 'body' is required.");
            }
        }
        return items.stream().map(item -> new SendRequest(item.clientMsgId(), item.body())).toList();
    }

    private static ResultView view(SendOutcome outcome) {
        if (outcome.failure() == null) {
            return new ResultView(outcome.result().created(), MessageController.MessageView.of(outcome.result().message()),
                    null);
        }
        if (outcome.failure() instanceof ErrorResponse refusal) {
            return new ResultView(false, null, refusal.getBody());
        }
        // the store or Kafka failed under this send alone: retryable, as the public send answers it
        ProblemDetail unavailable = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "The message could not be stored now; retry with the same clientMsgId.");
        unavailable.setType(ChatProblem.typeUri(ChatProblem.slugFor(503)));
        return new ResultView(false, null, ProblemFields.complete(unavailable));
    }

    record Item(String clientMsgId, String body) {
    }

    /** {@code created} false with a message: a repeat of an earlier send of the same clientMsgId. */
    record ResultView(boolean created, MessageController.MessageView message, ProblemDetail problem) {
    }

}
