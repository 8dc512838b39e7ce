package io.parley.chat.conversation;

import java.time.Instant;
import java.util.Map;

/**
 * A conversation as stored. {@code directKey} identifies the pair of a DIRECT conversation
 * within its tenant and is null for the other types. {@code headSeq} and
 * {@code lastActivityAt} follow {@code chat.messages.v1}: the latest message seq seen and
 * the time of the latest activity (creation, a message, a change of title or settings).
 */
public record Conversation(String id, String tenantId, ConversationType type, String title, String createdBy,
                           Instant createdAt, Instant updatedAt, String directKey, Map<String, String> settings,
                           long headSeq, Instant lastActivityAt) {

    public Conversation {
        settings = settings == null ? Map.of() : Map.copyOf(settings);
        lastActivityAt = lastActivityAt == null ? updatedAt : lastActivityAt;
    }
}
