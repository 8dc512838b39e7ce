package io.parley.chat.conversation;

import java.time.Instant;

public record Member(String conversationId, String tenantId, String userId, Role role, Instant joinedAt) {

    /** The member document's id: one indexed lookup answers "is this user a member of that conversation?". */
    public static String key(String conversationId, String userId) {
        return conversationId + ":" + userId;
    }
}
