package io.parley.chat.edge.command;

import org.springframework.stereotype.Component;

import io.parley.chat.contracts.frames.ErrorCode;
import io.parley.chat.edge.clients.PresenceClient;
import io.parley.chat.edge.session.ClientSession;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code typing}: relayed to presence-service, which checks membership, throttles and
 * publishes the event every edge relays to the conversation's subscribers (a typer's own
 * sockets are not told it types). No reply on success (docs/protocol.md); a refusal (not a
 * member: {@code forbidden}; no such conversation: {@code not-found}) or presence-service
 * out of reach ({@code unavailable}, retryable) is an {@code error} frame carrying the
 * request's {@code id}.
 */
@Component
class TypingHandler implements CommandHandler {

    private final PresenceClient presence;
    private final CommandSupport support;

    TypingHandler(PresenceClient presence, CommandSupport support) {
        this.presence = presence;
        this.support = support;
    }

    @Override
    public String type() {
        return "typing";
    }

    @Override
    public Mono<Void> handle(ClientSession client, String id, JsonNode frame) {
        String conversationId = CommandSupport.field(frame, "conversationId");
        if (conversationId == null) {
            return support.reject(client, id, ErrorCode.INVALID, "'typing' needs a 'conversationId'");
        }
        return support.detached(client, id, presence.typing(client.principal().token(), conversationId));
    }
}
