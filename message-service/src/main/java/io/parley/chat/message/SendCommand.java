package io.parley.chat.message;

import io.parley.chat.kit.security.ChatPrincipal;

/**
 * A validated request to send: {@code body} is already normalised; {@code traceparent} is the
 * trace context of the request it came in (null when untraced), kept with the stored entry.
 */
public record SendCommand(ChatPrincipal sender, String conversationId, String clientMsgId, String body,
        String traceparent) {
}
