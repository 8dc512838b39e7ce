package io.parley.chat.presence.typing.api;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.kit.security.ChatPrincipal;
import io.parley.chat.presence.Ids;
import io.parley.chat.presence.typing.TypingService;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import reactor.core.publisher.Mono;

/**
 * Called by realtime-edge with the user's token relayed for each {@code typing} frame. Not
 * routed by the gateway. 202 {@code {"relayed": true}} when a Typing event went out,
 * {@code false} when the frame fell in the throttle window or presence is degraded;
 * 403 for a non-member; 400 for a bad body.
 */
@RestController
class TypingController {

    private final TypingService typing;

    TypingController(TypingService typing) {
        this.typing = typing;
    }

    @PostMapping("/internal/v1/presence/typing")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<TypingResult> typing(ChatPrincipal caller, @Valid @RequestBody TypingRequest request) {
        return typing.typing(caller, request.conversationId()).map(TypingResult::new);
    }

    record TypingRequest(@NotNull @Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String conversationId) {
    }

    record TypingResult(boolean relayed) {
    }
}
