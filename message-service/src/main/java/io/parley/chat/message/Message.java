package io.parley.chat.message;

import java.time.Instant;

/**
 * One entry of a conversation's log, named by its {@code seq}. A sent message is a
 * {@code created} entry; an edit and a delete are entries of their own that name the
 * message they change ({@code messageId}), so that a client resuming after seq k replays
 * them too; a {@code tombstone} fills a seq that was taken but never stored, so that the
 * log stays dense. {@code entryId} equals {@code messageId} for created entries.
 * {@code traceparent} is the trace context of the request that made the entry (null for a
 * tombstone, or when it was not traced): the entry's Kafka record carries it, however much
 * later and from whichever replica it is published, so the consumers continue that trace.
 */
public record Message(
        String entryId,
        String messageId,
        String tenantId,
        String conversationId,
        long seq,
        String event,
        String senderId,
        String clientMsgId,
        String body,
        Instant createdAt,
        Instant editedAt,
        String traceparent) {

    public static final String CREATED = "created";
    public static final String EDITED = "edited";
    public static final String DELETED = "deleted";
    public static final String TOMBSTONE = "tombstone";

    public boolean isCreated() {
        return CREATED.equals(event);
    }

    public static Message tombstone(String entryId, String tenantId, String conversationId, long seq, Instant at) {
        return new Message(entryId, null, tenantId, conversationId, seq, TOMBSTONE, null, null, null, at, null, null);
    }
}
