package io.parley.chat.edge.command;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

import io.parley.chat.contracts.frames.ErrorCode;
import io.parley.chat.edge.session.ClientSession;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The {@link CommandHandler} beans by frame type. A frame of a type that has none is an
 * {@code invalid} "unknown frame type", and counts as a bad frame like any other.
 */
@Component
public class Commands {

    private final Map<String, CommandHandler> byType;
    private final CommandSupport support;

    Commands(List<CommandHandler> handlers, CommandSupport support) {
        // two handlers of one type fail the start instead of one of them silently winning
        this.byType = handlers.stream().collect(Collectors.toUnmodifiableMap(CommandHandler::type, Function.identity()));
        this.support = support;
    }

    /** Whether some handler takes frames of {@code type}. */
    public boolean knows(String type) {
        return byType.containsKey(type);
    }

    /** Hands the frame to its type's handler; see {@link CommandHandler#handle}. */
    public Mono<Void> handle(ClientSession client, String id, String type, JsonNode frame) {
        CommandHandler handler = byType.get(type);
        if (handler == null) {
            return support.reject(client, id, ErrorCode.INVALID, "unknown frame type");
        }
        return handler.handle(client, id, frame);
    }
}
