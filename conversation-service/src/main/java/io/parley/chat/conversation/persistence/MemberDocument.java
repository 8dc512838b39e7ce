package io.parley.chat.conversation.persistence;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import io.parley.chat.conversation.Member;
import io.parley.chat.conversation.Role;

/** Keyed {@code conversationId:userId}, so a membership check is a lookup by {@code _id}. */
@Document(MemberDocument.COLLECTION)
record MemberDocument(@Id String id, String conversationId, String tenantId, String userId, String role,
                      Instant joinedAt, Long readSeq) {

    static final String COLLECTION = "members";

    static MemberDocument from(Member m) {
        return new MemberDocument(Member.key(m.conversationId(), m.userId()), m.conversationId(), m.tenantId(),
                m.userId(), m.role().wire(), m.joinedAt(), m.readSeq());
    }

    Member toDomain() {
        return new Member(conversationId, tenantId, userId, Role.fromWire(role), joinedAt,
                readSeq == null ? 0 : readSeq);
    }
}
