package io.parley.chat.conversation.api;

import java.time.Instant;

import io.parley.chat.conversation.ConversationType;
import io.parley.chat.conversation.Membership;

/** A line of the caller's conversation list: members are fetched per conversation, lists stay small. */
record ConversationSummary(String id, ConversationType type, String title, Instant createdAt, Instant updatedAt,
                           String role) {

    static ConversationSummary of(Membership membership) {
        var c = membership.conversation();
        return new ConversationSummary(c.id(), c.type(), c.title(), c.createdAt(), c.updatedAt(),
                membership.role().wire());
    }
}
