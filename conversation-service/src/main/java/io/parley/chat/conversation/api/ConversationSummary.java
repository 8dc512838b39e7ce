package io.parley.chat.conversation.api;

import java.time.Instant;

import io.parley.chat.conversation.ConversationType;
import io.parley.chat.conversation.Membership;

/** A line of the caller's conversation list: no members (those are one GET away), but head, marker and unread. */
record ConversationSummary(String id, ConversationType type, String title, Instant createdAt, Instant updatedAt,
                           String role, long headSeq, long readSeq, long unread, Instant lastActivityAt) {

    static ConversationSummary of(Membership membership) {
        var c = membership.conversation();
        return new ConversationSummary(c.id(), c.type(), c.title(), c.createdAt(), c.updatedAt(),
                membership.role().wire(), c.headSeq(), membership.readSeq(), membership.unread(), c.lastActivityAt());
    }
}
