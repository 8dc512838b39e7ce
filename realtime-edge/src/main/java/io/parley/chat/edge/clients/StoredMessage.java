package io.parley.chat.edge.clients;

import java.time.Instant;

/** A log entry as message-service returns it, from a send or from history. */
public record StoredMessage(String messageId, String conversationId, long seq, String event, String senderId,
                            String clientMsgId, String body, Instant createdAt, Instant editedAt) {
}
