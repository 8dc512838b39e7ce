package io.parley.chat.contracts.events;

import java.time.Instant;

/**
 * A change to a conversation's message log, on {@link Topics#MESSAGES}, keyed by
 * conversation id. {@code seq} is the conversation's dense sequence number of this
 * event: edits and deletes take their own seq, so resuming from history replays them.
 */
public record MessageEvent(
        String eventId,
        Type type,
        String tenantId,
        String conversationId,
        long seq,
        String messageId,
        String senderId,
        String clientMsgId,
        String body,
        Instant createdAt,
        Instant editedAt) {

    public enum Type { MessageCreated, MessageEdited, MessageDeleted }
}
