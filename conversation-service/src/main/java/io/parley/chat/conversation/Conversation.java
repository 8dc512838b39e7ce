package io.parley.chat.conversation;

import java.time.Instant;

/**
 * A conversation as stored. {@code directKey} identifies the pair of a DIRECT conversation
 * within its tenant and is null for the other types.
 */
public record Conversation(String id, String tenantId, ConversationType type, String title, String createdBy,
                           Instant createdAt, Instant updatedAt, String directKey) {
}
