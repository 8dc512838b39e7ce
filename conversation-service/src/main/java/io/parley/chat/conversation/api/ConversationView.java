package io.parley.chat.conversation.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.parley.chat.conversation.ConversationDetails;
import io.parley.chat.conversation.ConversationType;

record ConversationView(String id, ConversationType type, String title, Map<String, String> settings,
                        Instant createdAt, Instant updatedAt, long headSeq, Instant lastActivityAt,
                        List<MemberView> members) {

    record MemberView(String userId, String role) {
    }

    static ConversationView of(ConversationDetails details) {
        var c = details.conversation();
        return new ConversationView(c.id(), c.type(), c.title(), c.settings(), c.createdAt(), c.updatedAt(),
                c.headSeq(), c.lastActivityAt(),
                details.members().stream().map(m -> new MemberView(m.userId(), m.role().wire())).toList());
    }
}
