package io.parley.chat.edge.command;

import org.springframework.stereotype.Component;

import io.parley.chat.contracts.frames.ServerFrames;
import io.parley.chat.edge.session.ClientSession;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** {@code ping}: a {@code pong} with the frame's {@code id}. */
@Component
class PingHandler implements CommandHandler {

    private final CommandSupport support;

    PingHandler(CommandSupport support) {
        this.support = support;
    }

    @Override
    public String type() {
        return "ping";
    }

    @Override
    public Mono<Void> handle(ClientSession client, String id, JsonNode frame) {
        return support.reply(client, new ServerFrames.Pong(id));
    }
}
