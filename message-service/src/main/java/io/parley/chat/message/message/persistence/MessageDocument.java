package io.parley.chat.message.message.persistence;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import io.parley.chat.message.message.Message;

@Document("messages")
record MessageDocument(
        @Id String id,
        String tenantId,
        String conversationId,
        long seq,
        String event,
        String senderId,
        String clientMsgId,
        String body,
        Instant createdAt,
        Instant editedAt,
        boolean published) {

    static MessageDocument of(Message m) {
        return new MessageDocument(m.messageId(), m.tenantId(), m.conversationId(), m.seq(), m.event(), m.senderId(),
                m.clientMsgId(), m.body(), m.createdAt(), m.editedAt(), false);
    }

    Message toMessage() {
        return new Message(id, tenantId, conversationId, seq, event, senderId, clientMsgId, body, createdAt, editedAt);
    }
}
