package io.parley.chat.edge.command;

import io.parley.chat.edge.session.ClientSession;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * One frame type a client may send (docs/protocol.md; the AsyncAPI document in
 * platform/contracts lists them): the handler checks the frame's fields, authorizes and
 * answers. A new frame type is one more handler bean, which {@link Commands} finds by its
 * {@link #type()}.
 */
interface CommandHandler {

    /** The frame's {@code type}. */
    String type();

    /**
     * Handles one frame; {@code id} is the frame's, null when it has none. The socket reads
     * its next frame once the returned Mono completes: its frames are handled one at a time.
     */
    Mono<Void> handle(ClientSession client, String id, JsonNode frame);
}
