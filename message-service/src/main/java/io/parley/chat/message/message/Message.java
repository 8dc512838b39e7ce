package io.parley.chat.message.message;

import java.time.Instant;

/**
 * One entry of a conversation's log. {@code event} is {@code created} for a sent message
 * and {@code tombstone} for a sequence number that was taken but never filled (so that
 * the log stays dense); edits and deletes will be entries of their own.
 */
public record Message(
        String messageId,
        String tenantId,
        String conversationId,
        long seq,
        String event,
        String senderId,
        String clientMsgId,
        String body,
        Instant createdAt,
        Instant editedAt) {

    public static final String CREATED = "created";
    public static final String TOMBSTONE = "tombstone";
}
