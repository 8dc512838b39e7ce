package io.parley.chat.message;

import io.parley.chat.kit.security.ChatPrincipal;

/** A validated request to send: {@code body} is already normalised. */
public record SendCommand(ChatPrincipal sender, String conversationId, String clientMsgId, String body) {
}
