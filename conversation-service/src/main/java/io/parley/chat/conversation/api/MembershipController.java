package io.parley.chat.conversation.api;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.conversation.ConversationService;
import io.parley.chat.conversation.Ids;
import io.parley.chat.kit.security.ChatPrincipal;
import jakarta.validation.constraints.Pattern;
import reactor.core.publisher.Mono;

/**
 * Asked by message-service and realtime-edge with the user's token relayed: is the
 * caller a member, and with which role? Not routed by the gateway.
 */
@RestController
class MembershipController {

    private final ConversationService conversations;

    MembershipController(ConversationService conversations) {
        this.conversations = conversations;
    }

    @GetMapping("/internal/v1/conversations/{id}/membership")
    Mono<MembershipView> membership(ChatPrincipal caller,
                                    @PathVariable @Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String id) {
        return conversations.membership(caller, id).map(MembershipView::of);
    }
}
