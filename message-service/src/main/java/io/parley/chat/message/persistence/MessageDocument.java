package io.parley.chat.message.persistence;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import io.parley.chat.message.Message;

/**
 * A log entry as stored. {@code clientMsgId} is part of the unique idempotency key
 * (conversationId, senderId, clientMsgId); entries that are not sends (edits, deletes,
 * tombstones) store a key of their own making there, so they never collide with a send
 * or with each other, and expose no clientMsgId. {@code traceparent} is stored so that the
 * sweeper's late publish continues the send's trace.
 */
@Document("messages")
record MessageDocument(
        @Id String id,
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
        boolean published,
        String traceparent) {

    private static final String SYNTHETIC_KEY = "~";

    static MessageDocument of(Message m) {
        String key = m.isCreated() ? m.clientMsgId() : SYNTHETIC_KEY + m.event() + "-" + m.entryId();
        return new MessageDocument(m.entryId(), m.messageId(), m.tenantId(), m.conversationId(), m.seq(), m.event(),
                m.senderId(), key, m.body(), m.createdAt(), m.editedAt(), false, m.traceparent());
    }

    Message toMessage() {
        // entries stored before edits existed carry no messageId: their id is the message id
        String message = messageId != null || Message.TOMBSTONE.equals(event) ? messageId : id;
        return new Message(id, message, tenantId, conversationId, seq, event, senderId,
                Message.CREATED.equals(event) ? clientMsgId : null, body, createdAt, editedAt, traceparent);
    }
}
