package io.parley.chat.presence.read;

/** The caller's marker after a read, as conversation-service stored it (it never moves back). */
public record ReadMarker(String conversationId, String userId, long readSeq) {
}
