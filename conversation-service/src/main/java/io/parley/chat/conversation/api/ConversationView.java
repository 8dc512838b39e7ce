package io.parley.chat.conversation.api;

import java.time.Instant;
import java.util.List;

import io.parley.chat.conversation.ConversationDetails;
import io.parley.chat.conversation.ConversationType;

record ConversationView(String id, ConversationType type, String title, Instant createdAt, Instant updatedAt,
                        List<MemberView> members) {

    record MemberView(String userId, String role) {
    }

    static ConversationView of(ConversationDetails details) {
        var c = details.conversation();
        return new ConversationView(c.id(), c.type(), c.title(), c.createdAt(), c.updatedAt(),
                details.members().stream().map(m -> new MemberView(m.userId(), m.role().wire())).toList());
    }
}
