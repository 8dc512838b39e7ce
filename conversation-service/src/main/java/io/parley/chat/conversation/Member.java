package io.parley.chat.conversation;

import java.time.Instant;

/** {@code readSeq} is the member's read marker: the highest seq they have read; it only moves forward. */
public record Member(String conversationId, String tenantId, String userId, Role role, Instant joinedAt,
                     long readSeq) {

    /** The member document's id: one indexed lookup answers "is this user a member of that conversation?". */
    public static String key(String conversationId, String userId) {
        return conversationId + ":" + userId;
    }

    public boolean canManageMembers() {
        return role == Role.OWNER || role == Role.ADMIN;
    }
}
