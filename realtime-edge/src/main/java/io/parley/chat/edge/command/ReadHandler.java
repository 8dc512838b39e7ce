package io.parley.chat.edge.command;

import org.springframework.stereotype.Component;

import io.parley.chat.contracts.frames.ErrorCode;
import io.parley.chat.edge.clients.PresenceClient;
import io.parley.chat.edge.session.ClientSession;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code read}: moves the user's read marker; the conversation's members learn of it
 * through a {@code read} frame, which reaches every subscriber of the conversation, the
 * reader's other devices included. No reply on success; a refusal or presence-service out
 * of reach is an {@code error} frame carrying the request's {@code id}, as for
 * {@code typing}.
 */
@Component
class ReadHandler implements CommandHandler {

    private final PresenceClient presence;
    private final CommandSupport support;

    ReadHandler(PresenceClient presence, CommandSupport support) {
        this.presence = presence;
        this.support = support;
    }

    @Override
    public String type() {
        return "read";
    }

    @Override
    public Mono<Void> handle(ClientSession client, String id, JsonNode frame) {
        String conversationId = CommandSupport.field(frame, "conversationId");
        JsonNode seq = frame.path("seq");
        if (conversationId == null || !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.asLong() < 0) {
            return support.reject(client, id, ErrorCode.INVALID, "'read' needs a 'conversationId' and a non-negative integer 'seq'");
        }
        return support.detached(client, id, presence.read(client.principal().token(), conversationId, seq.asLong()));
    }
}
