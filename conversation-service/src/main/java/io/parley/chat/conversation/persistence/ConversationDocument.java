package io.parley.chat.conversation.persistence;

import java.time.Instant;
import java.util.Map;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import io.parley.chat.conversation.Conversation;
import io.parley.chat.conversation.ConversationType;

/**
 * {@code directKey} is left out of GROUP and CHANNEL documents (null is not written), so the
 * sparse unique index skips them. {@code headSeq} is boxed: documents written before it
 * existed read as 0.
 */
@Document(ConversationDocument.COLLECTION)
record ConversationDocument(@Id String id, String tenantId, String type, String title, String createdBy,
                            Instant createdAt, Instant updatedAt, String directKey, Map<String, String> settings,
                            Long headSeq, Instant lastActivityAt) {

    static final String COLLECTION = "conversations";

    static ConversationDocument from(Conversation c) {
        return new ConversationDocument(c.id(), c.tenantId(), c.type().name(), c.title(), c.createdBy(),
                c.createdAt(), c.updatedAt(), c.directKey(), c.settings(), c.headSeq(), c.lastActivityAt());
    }

    Conversation toDomain() {
        return new Conversation(id, tenantId, ConversationType.valueOf(type), title, createdBy, createdAt, updatedAt,
                directKey, settings, headSeq == null ? 0 : headSeq, lastActivityAt);
    }
}
