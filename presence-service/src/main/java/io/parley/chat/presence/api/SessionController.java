package io.parley.chat.presence.api;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.kit.security.ChatPrincipal;
import io.parley.chat.presence.Ids;
import io.parley.chat.presence.PresenceService;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import reactor.core.publisher.Mono;

/**
 * Called by realtime-edge with the user's token relayed when a socket connects, heartbeats
 * and closes. Not routed by the gateway. Answers 204 even while Redis is down.
 */
@RestController
@RequestMapping("/internal/v1/presence/sessions")
class SessionController {

    private final PresenceService presence;

    SessionController(PresenceService presence) {
        this.presence = presence;
    }

    @PutMapping("/{sessionId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> touch(ChatPrincipal caller,
                     @PathVariable @Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String sessionId,
                     @Valid @RequestBody SessionRequest request) {
        return presence.touch(caller, sessionId);
    }

    @DeleteMapping("/{sessionId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> remove(ChatPrincipal caller,
                      @PathVariable @Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String sessionId) {
        return presence.remove(caller, sessionId);
    }
}
