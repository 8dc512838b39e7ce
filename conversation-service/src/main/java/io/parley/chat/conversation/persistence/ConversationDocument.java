package io.parley.chat.conversation.persistence;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import io.parley.chat.conversation.Conversation;
import io.parley.chat.conversation.ConversationType;

/** {@code directKey} is left out of GROUP and CHANNEL documents (null is not written), so the sparse unique index skips them. */
@Document(ConversationDocument.COLLECTION)
record ConversationDocument(@Id String id, String tenantId, String type, String title, String createdBy,
                            Instant createdAt, Instant updatedAt, String directKey) {

    static final String COLLECTION = "conversations";

    static ConversationDocument from(Conversation c) {
        return new ConversationDocument(c.id(), c.tenantId(), c.type().name(), c.title(), c.createdBy(),
                c.createdAt(), c.updatedAt(), c.directKey());
    }

    Conversation toDomain() {
        return new Conversation(id, tenantId, ConversationType.valueOf(type), title, createdBy, createdAt, updatedAt,
                directKey);
    }
}
